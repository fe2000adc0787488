"""``ragagent ask``: one question, answered with cited sources (rag, pal, react or auto)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ragagent.cli.app import DEFAULT_INDEX, IndexOption, app, console, one_line_errors
from ragagent.cli.render import answer_lines, trace_lines, visible
from ragagent.config import Settings, load_settings

LlmOption = Annotated[str | None, typer.Option("--llm", help="Model spec: local, llamacpp:PATH, openai:MODEL, "
                                               "anthropic:MODEL, ollama:MODEL, openai-compatible:MODEL@URL.")]
ModeOption = Annotated[str, typer.Option("--mode", "-m", help="auto, rag, pal or react.")]
ConfigOption = Annotated[Path | None, typer.Option("--config", envvar="RAGAGENT_CONFIG", help="TOML settings file.")]


def settings_from(index: Path, config: Path | None, **options: Any) -> Settings:
    return load_settings(config, index=index if index != DEFAULT_INDEX else None, **options)


def build_agent(settings: Settings) -> Any:
    from ragagent.agent import Agent

    return Agent(settings.index, settings=settings)


@app.command()
@one_line_errors
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
) -> None:
    """Answer a question from the index, with verified citations."""
    settings = settings_from(index, config, llm=llm, k=k, temperature=temperature, top_p=top_p, top_k=top_k,
                             max_tokens=max_tokens, repeat_penalty=repeat_penalty, seed=seed, base_url=base_url)
    agent = build_agent(settings)
    run = agent.stream(question, mode, on_step=_print_step if trace and not as_json else None)
    if stream and not as_json:
        for piece in run:
            typer.echo(visible(piece), nl=False)
        typer.echo()
    answer = run.answer
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False, default=str))
        return
    for line in answer_lines(answer, show_text=not stream, show_code=show_code):
        console.print(line, highlight=False)


def _print_step(step: Any) -> None:
    for line in trace_lines([step]):
        console.print(line, highlight=False)
