"""``ragagent chat``: an interactive terminal chat with streaming, sources, traces and follow-up questions.

Commands: ``/mode auto|rag|pal|react``, ``/k N``, ``/trace`` (toggle live traces, including how a follow-up
was condensed), ``/sources`` (of the last answer), ``/reset`` (forget the conversation), ``/save FILE``
(the transcript with citations as JSON), ``/history``, ``/help``, ``/exit`` (or end of input).

A turn that fails (model or server error, timeout, bad command) prints one line and the session goes on
with its history; Ctrl-C stops the current answer, a second Ctrl-C at the prompt leaves.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ragagent.cli.app import DEFAULT_INDEX, IndexOption, _state, app, console, err_console, one_line_errors
from ragagent.cli.ask_cmds import ConfigOption, LlmOption, ModeOption, build_agent, settings_from
from ragagent.errors import RagAgentError

if TYPE_CHECKING:
    from ragagent.chat import ChatSession
    from ragagent.types import Step

HELP = "commands: /mode auto|rag|pal|react, /k N, /trace, /sources, /reset, /save FILE, /history, /help, /exit"


@app.command()
@one_line_errors
def chat(
    index: IndexOption = DEFAULT_INDEX,
    llm: LlmOption = None,
    mode: ModeOption = "auto",
    config: ConfigOption = None,
) -> None:
    """Chat with your documents (streaming answers, sources, follow-up questions)."""
    from ragagent.agent import MODES
    from ragagent.chat import ChatSession

    if mode not in MODES:  # before the model loads
        raise _usage(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    session = ChatSession(build_agent(settings_from(index, config, llm=llm)))
    session.set_mode(mode)
    state = {"trace": False}
    console.print(f"[bold]ragagent chat[/] — {HELP}", highlight=False)
    while True:
        try:
            line = _read()
        except KeyboardInterrupt:
            console.print()
            break
        if line is None or line in ("/exit", "/quit"):
            break
        try:
            if line.startswith("/"):
                _command(session, line, state)
            elif line:
                _answer(session, line, state["trace"])
        except KeyboardInterrupt:
            console.print("\n[yellow]stopped[/] (the conversation is kept)")
        except RagAgentError as exc:
            _turn_failed(str(exc))
        except Exception as exc:
            _turn_failed(f"{type(exc).__name__}: {exc}")
    console.print("bye")


def _turn_failed(message: str) -> None:
    if _state["debug"]:
        console.print_exception()
    err_console.print(f"[bold red]error:[/] {message} [dim](the session goes on)[/]", highlight=False,
                      soft_wrap=True)


def _read() -> str | None:
    console.print("[bold cyan]you>[/] ", end="")
    line = sys.stdin.readline()
    return None if not line else line.strip()


def _answer(session: ChatSession, question: str, trace: bool) -> None:
    from rich.markup import escape

    from ragagent.cli.render import answer_lines, trace_lines, visible

    def show(step: Step) -> None:
        for line in trace_lines([step]):
            console.print(line, highlight=False)

    run = session.stream(question, on_step=show if trace else None)
    console.print("[bold green]ragagent>[/] ", end="")
    for piece in run:
        console.print(escape(visible(piece)), end="", highlight=False)
    console.print()
    turn = session.turns[-1]
    if turn.asked != question:
        console.print(f"[dim](searched as: {escape(visible(turn.asked))} — {turn.condensed.method})[/]",
                      highlight=False)
    for line in answer_lines(turn.answer, show_text=False)[1:]:
        console.print(line, highlight=False)


def _command(session: ChatSession, line: str, state: dict[str, bool]) -> None:
    from rich.markup import escape

    from ragagent.cli.render import answer_lines, visible

    name, _, arg = line.partition(" ")
    arg = arg.strip()
    if name == "/mode":
        console.print(f"mode: {session.set_mode(arg) if arg else session.mode}")
    elif name == "/k":
        console.print(f"k: {session.set_k(arg) if arg else session.k}")
    elif name == "/trace":
        state["trace"] = not state["trace"]
        console.print(f"trace: {'on' if state['trace'] else 'off'}")
    elif name == "/sources":
        last = session.last
        lines = answer_lines(last, show_text=False)[1:] if last else ["no answer yet"]
        if last and last.hits:
            lines += ["[bold]Retrieved:[/]"] + [f"  {h.rank}. {escape(h.chunk.span.locator())} ({h.score:.3f})"
                                                for h in last.hits]
        for text in lines:
            console.print(text, highlight=False)
    elif name == "/reset":
        session.reset()
        console.print("conversation cleared")
    elif name == "/save":
        if not arg:
            raise _usage("/save needs a file name, e.g. /save chat.json")
        count = session.save(Path(arg))
        console.print(f"saved {count} turn{'s' if count != 1 else ''} to {escape(arg)}", highlight=False)
    elif name == "/history":
        if not session.turns:
            console.print("no turns yet")
        for i, turn in enumerate(session.turns, start=1):
            asked = f" [dim](as: {escape(visible(turn.asked))})[/]" if turn.asked != turn.question else ""
            text = escape(visible(turn.answer.text[:80]))
            console.print(f"{i}. {escape(visible(turn.question))}{asked} -> {text}", highlight=False)
    elif name == "/help":
        console.print(HELP)
    else:
        raise _usage(f"unknown command {name} ({HELP})")


def _usage(message: str) -> RagAgentError:
    from ragagent.errors import ConfigError

    return ConfigError(message)
