"""``ragagent ask --mode pal --trace`` shows every PAL attempt (program, error, result) as it finishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ragagent.agent import Agent
from ragagent.cli import app
from ragagent.config import Settings
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.pal import primer
from ragagent.sandbox import ExecResult
from tests.fakes import FakeExecutor, HashEmbedder, ScriptedLLM
from tests.sandbox.executor_contract import OUTCOMES

runner = CliRunner()


QUESTION = "What is 17 * 23?"
# The first program fails as the sandbox reports a division by zero, the repaired one returns 391.
RESULTS = {primer(QUESTION) + "    return 17 * 23 / 0\n": OUTCOMES["exception"].result,
           primer(QUESTION) + "    return 17 * 23\n": ExecResult(value=391)}


def test_pal_trace_shows_both_attempts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.txt").write_text("Nothing about arithmetic here.")
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    llm = ScriptedLLM(["    return 17 * 23 / 0\n", "    return 17 * 23\n"])

    def build(settings: Settings) -> Any:
        return Agent(Index.open(settings.index, embedder=HashEmbedder()), llm, settings=settings,
                     executor=FakeExecutor(RESULTS))

    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", build)
    result = runner.invoke(app, ["ask", QUESTION, "--index", str(tmp_path / "idx"), "--trace"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("Action: python") == 2
    assert "    return 17 * 23 / 0" in out and "Error: ZeroDivisionError: division by zero" in out
    assert "Observation: solution() returned 391" in out
    assert "mode: pal; arithmetic expression ('17 * 23')" in out
