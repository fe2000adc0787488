"""``ragagent ask --mode pal --trace`` shows every PAL attempt (program, error, result) as it finishes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ragagent.agent import Agent
from ragagent.cli import app
from ragagent.config import Settings
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.sandbox import ExecResult
from tests.fakes import HashEmbedder, ScriptedLLM

runner = CliRunner()


@dataclass
class TwoResults:
    """The first run fails, the second returns 391 (no sandbox needed to test the trace)."""

    results: list[ExecResult] = field(default_factory=lambda: [
        ExecResult(error="ZeroDivisionError: division by zero", error_type="ZeroDivisionError"),
        ExecResult(value=391),
    ])

    def run(self, code: str, *, timeout_s: float = 5.0, memory_mb: int = 256) -> ExecResult:
        return self.results.pop(0)


def test_pal_trace_shows_both_attempts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.txt").write_text("Nothing about arithmetic here.")
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    llm = ScriptedLLM(["    return 17 * 23 / 0\n", "    return 17 * 23\n"])

    def build(settings: Settings) -> Any:
        return Agent(Index.open(settings.index, embedder=HashEmbedder()), llm, settings=settings,
                     executor=TwoResults())

    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", build)
    result = runner.invoke(app, ["ask", "What is 17 * 23?", "--index", str(tmp_path / "idx"), "--trace"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("Action: python") == 2
    assert "    return 17 * 23 / 0" in out and "Error: ZeroDivisionError: division by zero" in out
    assert "Observation: solution() returned 391" in out
    assert "mode: pal; arithmetic expression ('17 * 23')" in out
