"""``ragagent ask``: one question, answered with cited sources (rag, pal, react or auto)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from ragagent.cli.app import (
    DEFAULT_INDEX,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_PARTIAL,
    IndexOption,
    app,
    console,
    err_console,
    fail,
)
from ragagent.cli.render import answer_lines, print_code, trace_lines, visible
from ragagent.config import Settings, load_settings
from ragagent.options import AskMode, VerifyWith
from ragagent.types import Answer

LlmOption = Annotated[str | None, typer.Option("--llm", help="Model spec: local, llamacpp:PATH, openai:MODEL, "
                                               "anthropic:MODEL, ollama:MODEL, openai-compatible:MODEL@URL.")]
ModeOption = Annotated[AskMode, typer.Option("--mode", "-m", help="auto, rag, pal or react.")]
VerifyWithOption = Annotated[VerifyWith | None, typer.Option(
    "--verify-with", help="How citations are checked: lexical (default), embedding (plus the index's embedder) "
    "or llm (the model judges each claim).")]
ConfigOption = Annotated[Path | None, typer.Option("--config", envvar="RAGAGENT_CONFIG", help="TOML settings file.")]


def settings_from(index: str | Path, config: Path | None, **options: Any) -> Settings:
    """Settings from the file, environment and options, all checked before any work (ConfigError: exit 2)."""
    from ragagent.llm.spec import parse_spec

    settings = load_settings(config, index=index if index != DEFAULT_INDEX else None, **options)
    parse_spec(settings.llm, base_url=settings.base_url)  # an unknown --llm fails here, not after loading
    return settings


def build_agent(settings: Settings) -> Any:
    from ragagent.agent import Agent

    return Agent(settings.index, settings=settings)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    index: IndexOption = DEFAULT_INDEX,
    llm: LlmOption = None,
    mode: ModeOption = "auto",
    k: Annotated[int | None, typer.Option("--k", "-k", help="Passages to retrieve.")] = None,
    temperature: Annotated[float | None, typer.Option(help="Sampling temperature (0 = greedy).")] = None,
    top_p: Annotated[float | None, typer.Option(help="Nucleus sampling.")] = None,
    top_k: Annotated[int | None, typer.Option(help="Top-k sampling.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Maximum new tokens.")] = None,
    repeat_penalty: Annotated[float | None, typer.Option(help="Repetition penalty.")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible server URL.")] = None,
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    stream: Annotated[bool, typer.Option("--stream", help="Stream tokens as they are generated.")] = False,
    show_code: Annotated[bool, typer.Option("--show-code", help="PAL: print the program that ran.")] = False,
    trace: Annotated[bool, typer.Option("--trace", help="Print the reasoning trace (ReAct/PAL steps).")] = False,
    verify_with: VerifyWithOption = None,
) -> None:
    """Answer a question from the index, with verified citations.

    Exit 0 for an answer (including "The documents do not say."), 1 when answering failed (the PAL program
    never produced a value, ReAct gave no answer, a model error), 3 for a best-effort answer (ReAct stopped
    without finishing).
    With --json the answer is printed either way, with "status": ok, failed or partial.
    """
    settings = settings_from(index, config, llm=llm, k=k, temperature=temperature, top_p=top_p, top_k=top_k,
                             max_tokens=max_tokens, repeat_penalty=repeat_penalty, seed=seed, base_url=base_url,
                             verify_with=verify_with)
    agent = build_agent(settings)
    run = agent.stream(question, mode, on_step=_print_step if trace and not as_json else None)
    if stream and not as_json:
        for piece in run:
            typer.echo(visible(piece), nl=False)
        typer.echo()
    answer = run.answer
    code, problem = answer_status(answer)
    if as_json:
        typer.echo(json.dumps(answer_json(answer), indent=2, ensure_ascii=False, default=str))
    else:
        lines = answer_lines(answer, show_text=not stream)
        for line in lines[: 0 if stream else 1]:
            console.print(line)
        if show_code and answer.code:
            console.print("\n[bold]program:[/]")
            print_code(console, answer.code)
        for line in lines[0 if stream else 1:]:
            console.print(line)
    if code == EXIT_PARTIAL:
        err_console.print(f"[yellow]warning:[/] {escape(visible(str(problem)))}")
        raise typer.Exit(code)
    if problem is not None:
        raise fail(problem, code)


def answer_json(answer: Answer) -> dict[str, Any]:
    """The Answer as ``--json`` prints it (and ``ragagent serve`` returns it): its status, then every field."""
    code, _ = answer_status(answer)
    return {"status": {EXIT_OK: "ok", EXIT_ERROR: "failed", EXIT_PARTIAL: "partial"}[code], **answer.to_dict()}


def answer_status(answer: Answer) -> tuple[int, str | None]:
    """The exit code of an answer, and why it is not 0.

    Failed (1): PAL never produced a value; ReAct stopped without finishing and without an answer.
    Partial (3): ReAct stopped without finishing (step limit, unparsable replies) but gave a best-effort answer.
    "The documents do not say." from RAG is a correct answer (0).
    """
    if answer.mode == "pal" and not answer.answered:
        return EXIT_ERROR, answer.text
    if not answer.complete and not answer.answered:
        return EXIT_ERROR, f"no answer: the agent stopped without finishing ({answer.text})"
    if not answer.complete:
        return EXIT_PARTIAL, "best-effort answer: the agent stopped without finishing (see --trace)"
    return EXIT_OK, None


def _print_step(step: Any) -> None:
    for line in trace_lines([step]):
        console.print(line)
