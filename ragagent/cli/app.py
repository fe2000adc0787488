"""The typer application, shared options and the exit-code contract every command keeps.

* 0 ok; 1 error; 2 bad usage (an invalid option value, checked before any work, or any ConfigError);
  3 partial (some files failed to ingest; an answer that is only best-effort).
* Every error is one line on stderr, ``error: ...``, with the next step when there is one; ``--debug``
  (accepted anywhere on the command line) shows the traceback instead.
* Results go to stdout, diagnostics (warnings, progress, errors) to stderr.

All of it lives in :class:`RagagentGroup`, so every command, including those added later, inherits it.
"""

from __future__ import annotations

import functools
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from typer._click import Context as ClickContext  # typer vendors click (typer.testing imports it too)
from typer._click import exceptions as click_errors
from typer._click.globals import get_current_context
from typer.core import TyperGroup

from ragagent.errors import ConfigError, RagAgentError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2  # also typer/click's code for bad options
EXIT_PARTIAL = 3  # some files failed (the others were ingested), or a best-effort answer
EXIT_INTERRUPTED = 130

console = Console(soft_wrap=True, emoji=False, highlight=False)  # results: never re-wrapped
err_console = Console(stderr=True, soft_wrap=True, emoji=False, highlight=False)
_state = {"debug": False}
DEBUG_FLAG = "--debug"


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    """Print one error line on stderr (a multi-line message is joined) and return the Exit to raise."""
    from ragagent.cli.render import visible  # errors may quote model output: no control characters

    err_console.print(f"[bold red]error:[/] {escape(visible(' '.join(message.split())))}")
    return typer.Exit(code)


def _exit_for(exc: BaseException) -> typer.Exit:
    """The one line and exit code for an exception escaping a command."""
    if isinstance(exc, KeyboardInterrupt):
        return fail("interrupted", EXIT_INTERRUPTED)
    if isinstance(exc, ConfigError):
        return fail(str(exc), EXIT_USAGE)
    if isinstance(exc, RagAgentError):
        return fail(str(exc))
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return fail(f"{where}{exc.strerror or exc}")
    return fail(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback, and report it)")


class RagagentGroup(TyperGroup):
    """The root command group: ``--debug`` anywhere, one-line errors, usage errors as one line (exit 2)."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        return super().parse_args(ctx, debug_first(args))

    def invoke(self, ctx: ClickContext) -> Any:
        return _reporting_errors(super().invoke, ctx)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            raise SystemExit(exc.exit_code) from None
        except click_errors.UsageError as exc:
            _usage_line(exc)
        except typer.TyperException as exc:
            fail(exc.format_message(), exc.exit_code)
            raise SystemExit(exc.exit_code) from None
        except typer.Abort:
            fail("interrupted", EXIT_INTERRUPTED)
            raise SystemExit(EXIT_INTERRUPTED) from None
        if not standalone_mode:
            return result
        raise SystemExit(result if isinstance(result, int) else EXIT_OK)


def usage_error(message: str, param_hint: str) -> typer.BadParameter:
    """A bad option value found in a command's body (exit 2, one line naming the option)."""
    return typer.BadParameter(message, ctx=get_current_context(silent=True), param_hint=param_hint)


def _usage_line(exc: click_errors.UsageError) -> NoReturn:
    command = exc.ctx.command_path if exc.ctx is not None else "ragagent"
    message = exc.format_message().rstrip(".").replace("Value error, ", "")
    fail(f"{message[:1].lower()}{message[1:]} (see `{command} --help`)", EXIT_USAGE)
    raise SystemExit(EXIT_USAGE)


def debug_first(args: Sequence[str]) -> list[str]:
    """Move every ``--debug`` before the subcommand (only the root group knows it); ``--`` ends options."""
    args = list(args)
    end = args.index("--") if "--" in args else len(args)
    if DEBUG_FLAG not in args[:end]:
        return args
    return [DEBUG_FLAG] + [a for a in args[:end] if a != DEBUG_FLAG] + args[end:]


app = typer.Typer(
    name="ragagent",
    cls=RagagentGroup,
    help="Retrieval-augmented generation and agents over your documents.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _index_spec(value: str) -> str:
    if not value.startswith("milvus:") and Path(value).exists() and not Path(value).is_dir():
        raise typer.BadParameter(f"{value} is a file, not an index directory")
    return value


# A string, not a Path: ``milvus://HOST:PORT`` must keep its slashes (Settings turns directories into Paths).
IndexOption = Annotated[
    str,
    typer.Option("--index", "-i", envvar="RAGAGENT_INDEX", show_default=True, callback=_index_spec,
                 help="Index directory, or a Milvus index: milvus:PATH.db (Milvus Lite) or "
                      "milvus://HOST:PORT or milvus://HOST:PORT/COLLECTION (token from $RAGAGENT_MILVUS_TOKEN)."),
]
DEFAULT_INDEX = ".ragagent"


@app.callback()
def _root(debug: Annotated[bool, typer.Option(DEBUG_FLAG, help="Show tracebacks and library logs "
                                                               "(accepted anywhere on the line).")] = False) -> None:
    _state["debug"] = debug
    handler = logging.StreamHandler()  # stderr
    handler.setLevel(logging.DEBUG if debug else logging.ERROR)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, handlers=[handler])
    if not debug:
        warnings.filterwarnings("ignore", category=FutureWarning)


F = TypeVar("F", bound=Callable[..., Any])


def one_line_errors(func: F) -> F:
    """Errors of ``func`` as one line and its exit code (RagagentGroup does the same for every command)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _reporting_errors(func, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _reporting_errors(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func``; any error but a deliberate exit becomes one line and its exit code (re-raised with --debug)."""
    try:
        return func(*args, **kwargs)
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except (Exception, KeyboardInterrupt) as exc:
        if _state["debug"]:
            raise
        raise _exit_for(exc) from None


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
