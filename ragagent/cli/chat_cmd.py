"""``ragagent chat``: an interactive terminal chat with streaming, sources and traces.

Commands: ``/mode auto|rag|pal|react``, ``/sources`` (of the last answer), ``/trace`` (toggle live
traces), ``/history``, ``/help``, ``/exit`` (or end of input).
"""

from __future__ import annotations

import sys

from rich.markup import escape

from ragagent.agent import MODES, AskMode
from ragagent.chat import ChatSession
from ragagent.cli.app import DEFAULT_INDEX, IndexOption, app, console, one_line_errors
from ragagent.cli.ask_cmds import ConfigOption, LlmOption, ModeOption, build_agent, settings_from
from ragagent.cli.render import answer_lines, trace_lines, visible
from ragagent.types import Step

HELP = "commands: /mode auto|rag|pal|react, /sources, /trace, /history, /help, /exit"


@app.command()
@one_line_errors
def chat(
    index: IndexOption = DEFAULT_INDEX,
    llm: LlmOption = None,
    mode: ModeOption = "auto",
    config: ConfigOption = None,
) -> None:
    """Chat with your documents (streaming answers, sources, follow-up questions)."""
    session = ChatSession(build_agent(settings_from(index, config, llm=llm)), mode=_mode(mode))
    state = {"trace": False}
    console.print(f"[bold]ragagent chat[/] — {HELP}", highlight=False)
    while True:
        question = _read()
        if question is None or question in ("/exit", "/quit"):
            break
        if question.startswith("/"):
            _command(session, question, state)
        elif question:
            _answer(session, question, state["trace"])
    console.print("bye")


def _read() -> str | None:
    console.print("[bold cyan]you>[/] ", end="")
    line = sys.stdin.readline()
    return None if not line else line.strip()


def _answer(session: ChatSession, question: str, trace: bool) -> None:
    def show(step: Step) -> None:
        for line in trace_lines([step]):
            console.print(line, highlight=False)

    run = session.stream(question, on_step=show if trace else None)
    console.print("[bold green]ragagent>[/] ", end="")
    for piece in run:
        console.print(escape(visible(piece)), end="", highlight=False)
    console.print()
    answer = run.answer
    if answer.question != question:
        console.print(f"[dim](answered as: {escape(answer.question)})[/]")
    for line in answer_lines(answer, show_text=False)[1:]:
        console.print(line, highlight=False)


def _command(session: ChatSession, line: str, state: dict[str, bool]) -> None:
    name, _, arg = line.partition(" ")
    if name == "/mode" and arg.strip() in MODES:
        session.mode = _mode(arg.strip())
        console.print(f"mode: {session.mode}")
    elif name == "/sources":
        last = session.last
        lines = answer_lines(last, show_text=False) if last else ["no answer yet"]
        for text in lines:
            console.print(text, highlight=False)
    elif name == "/trace":
        state["trace"] = not state["trace"]
        console.print(f"trace: {'on' if state['trace'] else 'off'}")
    elif name == "/history":
        for i, turn in enumerate(session.turns, start=1):
            console.print(f"{i}. {escape(turn.question)} -> {escape(turn.answer.text[:80])}", highlight=False)
    else:
        console.print(HELP)


def _mode(mode: str) -> AskMode:
    from ragagent.errors import ConfigError

    if mode not in MODES:
        raise ConfigError(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode  # type: ignore[return-value]
