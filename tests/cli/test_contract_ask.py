"""Issue 14, line by line, for ``ask`` (and the shared machinery): exit codes, streams, verbatim output."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

from ragagent.agent import Agent
from ragagent.cli import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, app
from ragagent.cli.app import debug_first
from ragagent.cli.render import print_table
from ragagent.config import Settings
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.sandbox.base import ExecResult
from tests.fakes import FakeExecutor, HashEmbedder, ScriptedLLM

runner = CliRunner()
LONG_LINE = "    total = " + " + ".join(f"quantity_number_{i}" for i in range(12))  # > 200 characters
PROGRAM = "def solution():\n" + "".join(f"    quantity_number_{i} = {i}\n" for i in range(12)) + LONG_LINE + \
    "\n    return total\n"


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "t.md").write_text("The Transformer architecture was introduced in 2017 by Vaswani and colleagues.")
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    return tmp_path / "idx"


def _agent(monkeypatch: pytest.MonkeyPatch, index_dir: Path, script: list[str],
           result: ExecResult | None = None) -> list[Settings]:
    built: list[Settings] = []

    def build(settings: Settings) -> Any:
        built.append(settings)
        executor = FakeExecutor(result or ExecResult())
        return Agent(Index.open(index_dir, embedder=HashEmbedder()), ScriptedLLM(list(script)), settings=settings,
                     executor=executor)

    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", build)
    return built


# 3. Exit codes: every invalid option value is usage (2), checked before the agent is built
@pytest.mark.parametrize("args, message", [
    (["-k", "0"], "k"),
    (["--mode", "bogus"], "--mode"),
    (["--llm", "gpt-4o"], "gpt-4o"),
    (["--temperature", "-1"], "temperature"),
    (["--top-p", "2"], "top_p"),
])
def test_bad_ask_options_exit_2_before_any_work(monkeypatch: pytest.MonkeyPatch, index_dir: Path,
                                                args: list[str], message: str) -> None:
    built = _agent(monkeypatch, index_dir, [])
    result = runner.invoke(app, ["ask", "hi", "--index", str(index_dir), *args])
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.stderr.startswith("error:") and message in result.stderr and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and built == []


def test_chat_rejects_a_bad_mode_before_loading(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    monkeypatch.setattr("ragagent.cli.chat_cmd.build_agent", lambda s: pytest.fail("agent built"))
    result = runner.invoke(app, ["chat", "--index", str(index_dir), "--mode", "bogus"], input="/exit\n")
    assert result.exit_code == EXIT_USAGE and "--mode" in result.stderr


def test_failed_pal_answer_exits_1_and_json_says_failed(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    broken = ExecResult(error="ZeroDivisionError: division by zero", error_type="ZeroDivisionError")
    _agent(monkeypatch, index_dir, ["    return 1 / 0\n", "    return 1 / 0\n"], broken)
    result = runner.invoke(app, ["ask", "What is one divided by zero?", "--index", str(index_dir), "--mode", "pal",
                                 "--json"])
    assert result.exit_code == EXIT_ERROR
    data = json.loads(result.stdout)
    assert data["status"] == "failed" and data["answered"] is False and data["mode"] == "pal"
    assert result.stderr.startswith("error: PAL could not compute an answer: ZeroDivisionError")
    _agent(monkeypatch, index_dir, ["    return 1 / 0\n", "    return 1 / 0\n"], broken)
    plain = runner.invoke(app, ["ask", "What is one divided by zero?", "--index", str(index_dir), "--mode", "pal"])
    assert plain.exit_code == EXIT_ERROR and "PAL could not compute an answer" in plain.stdout


def test_best_effort_react_answer_exits_3(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    script = ["not a step at all"] * 8 + ["The transformer was introduced in 2017."]
    _agent(monkeypatch, index_dir, script)
    result = runner.invoke(app, ["ask", "When was the transformer introduced?", "--index", str(index_dir),
                                 "--mode", "react", "--json"])
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert json.loads(result.stdout)["status"] == "partial" and "best-effort" in result.stderr


def test_good_answer_json_status_ok(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    _agent(monkeypatch, index_dir, ["The Transformer architecture was introduced in 2017 [1]."])
    result = runner.invoke(app, ["ask", "When was the transformer introduced?", "--index", str(index_dir),
                                 "--json", "--debug"])  # --debug after the subcommand is accepted
    assert result.exit_code == EXIT_OK, result.output
    assert json.loads(result.stdout)["status"] == "ok" and result.stderr == ""


def test_debug_moves_before_the_subcommand_but_not_past_double_dash() -> None:
    assert debug_first(["ask", "q", "--debug"]) == ["--debug", "ask", "q"]
    assert debug_first(["ask", "--", "--debug"]) == ["ask", "--", "--debug"]


# 5. Output that breaks pipes
def test_show_code_prints_the_program_verbatim(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    _agent(monkeypatch, index_dir, [PROGRAM], ExecResult(value=66))
    result = runner.invoke(app, ["ask", "Add the twelve quantities.", "--index", str(index_dir), "--mode", "pal",
                                 "--show-code"])
    assert result.exit_code == EXIT_OK, result.output
    assert LONG_LINE + "\n" in result.stdout  # one line, not re-wrapped at 80 columns
    assert "\x1b[" not in result.stdout  # no colour codes when not on a terminal
    assert result.stdout.startswith("66\n")


def test_stream_equals_the_final_text_with_markers(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    reply = " The Transformer architecture was introduced in 2017.\nIt was proposed by Vaswani and colleagues."
    _agent(monkeypatch, index_dir, [reply])
    streamed = runner.invoke(app, ["ask", "When was the transformer introduced?", "--index", str(index_dir),
                                   "--mode", "rag", "--stream"])
    assert streamed.exit_code == EXIT_OK, streamed.output
    _agent(monkeypatch, index_dir, [reply])
    final = json.loads(runner.invoke(app, ["ask", "When was the transformer introduced?", "--index",
                                           str(index_dir), "--mode", "rag", "--json"]).stdout)["text"]
    first_line = streamed.stdout.split("\n", 1)[0]
    assert first_line == final and "[1]" in final and not first_line.startswith(" ")


def test_tables_never_cut_headers() -> None:
    table = Table()
    headers = [f"a_rather_long_metric_name_{i}" for i in range(6)]
    for h in headers:
        table.add_column(h)
    table.add_row(*("0.1234" for _ in headers))
    buffer = io.StringIO()
    print_table(Console(width=80, file=buffer), table)
    text = buffer.getvalue()
    assert all(h in text for h in headers) and "…" not in text


def test_a_multi_line_error_is_printed_as_one_line(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    from ragagent.errors import LLMError

    def build(settings: Settings) -> Any:
        raise LLMError("the server said:\nsomething long\n  on several lines")

    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", build)
    result = runner.invoke(app, ["ask", "q", "--index", str(index_dir)])
    assert result.exit_code == EXIT_ERROR
    assert result.stderr == "error: the server said: something long on several lines\n"


def test_an_unexpected_bug_is_one_line_pointing_at_debug(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", lambda settings: {}["missing"])
    result = runner.invoke(app, ["ask", "q", "--index", str(index_dir)])
    assert result.exit_code == EXIT_ERROR and "Traceback" not in result.output
    assert result.stderr.startswith("error: unexpected KeyError") and "--debug" in result.stderr


def test_show_code_escapes_control_characters(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    program = 'def solution():\n    return "\x1b]52;c;aGk=\x07"\n'
    _agent(monkeypatch, index_dir, [program], ExecResult(value=1))
    result = runner.invoke(app, ["ask", "Give one.", "--index", str(index_dir), "--mode", "pal", "--show-code"])
    assert result.exit_code == EXIT_OK
    assert '    return "\\x1b]52;c;aGk=\\x07"\n' in result.stdout and "\x1b" not in result.stdout
