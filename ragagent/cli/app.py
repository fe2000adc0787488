"""The typer application, shared options and the one-line error handling."""

from __future__ import annotations

import functools
import logging
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from ragagent.errors import RagAgentError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2  # typer/click's code for bad options
EXIT_PARTIAL = 3  # ingest: some files failed, the others were ingested

app = typer.Typer(
    name="ragagent",
    help="Retrieval-augmented generation and agents over your documents.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)
_state = {"debug": False}

IndexOption = Annotated[
    Path,
    typer.Option("--index", "-i", envvar="RAGAGENT_INDEX", help="Index directory.", show_default=True),
]
DEFAULT_INDEX = Path(".ragagent")


@app.callback()
def _root(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and library logs.")] = False) -> None:
    _state["debug"] = debug
    handler = logging.StreamHandler()
    handler.setLevel(logging.DEBUG if debug else logging.ERROR)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, handlers=[handler])
    if not debug:
        warnings.filterwarnings("ignore", category=FutureWarning)


F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    """Print one error line and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def one_line_errors(func: F) -> F:
    """Turn ragagent errors into one clear line and exit code 1 (a traceback only with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RagAgentError as exc:
            if _state["debug"]:
                raise
            raise fail(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def main() -> None:
    """Console entry point."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # models are bundled; never reach a hub
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    # Idle OpenMP threads (torch, FAISS) spin by default; on a busy 2-core machine that turned a 20 ms query
    # embedding into 1.5 s (BENCHMARKS.md). Read once at OpenMP start-up, so it is set before torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    app()
