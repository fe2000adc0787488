"""``ragagent ask`` with a scripted model injected in place of the configured one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ragagent.agent import Agent
from ragagent.cli import app
from ragagent.config import Settings
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from tests.fakes import HashEmbedder, ScriptedLLM

runner = CliRunner()
REPLY = "The Transformer architecture was introduced in 2017 [1]. Bananas are yellow [1]."


@pytest.fixture
def scripted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "t.md").write_text("The Transformer architecture was introduced in 2017 by Vaswani and colleagues.")
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    seen: list[Settings] = []

    def build(settings: Settings) -> Any:
        seen.append(settings)
        return Agent(Index.open(settings.index, embedder=HashEmbedder()), ScriptedLLM([REPLY]), settings=settings)

    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", build)
    return seen


def test_ask_prints_answer_and_marked_sources(scripted: list[Settings], tmp_path: Path) -> None:
    result = runner.invoke(app, ["ask", "When was the transformer introduced?", "--index", str(tmp_path / "idx"),
                                 "--temperature", "0.3", "--top-k", "5", "--mode", "rag"])
    assert result.exit_code == 0, result.output
    assert "introduced in 2017" in result.output
    assert "[1] t.md (unverified)" in result.output  # the banana sentence makes passage 1 unsound
    assert scripted[0].temperature == 0.3 and scripted[0].top_k == 5


def test_ask_json_is_the_answer(scripted: list[Settings], tmp_path: Path) -> None:
    result = runner.invoke(app, ["ask", "When was the transformer introduced?", "--index", str(tmp_path / "idx"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["mode"] == "rag" and data["citations"][0]["chunk_id"] == data["hits"][0]["chunk"]["id"]
    assert set(data["citations"][0]) >= {"n", "chunk_id", "source", "page", "start", "end", "quote", "verified"}
    assert data["usage"]["calls"] == 1 and "total_s" in data["timings"]


def test_ask_stream(scripted: list[Settings], tmp_path: Path) -> None:
    result = runner.invoke(app, ["ask", "When was the transformer introduced?", "--index", str(tmp_path / "idx"),
                                 "--stream"])
    assert result.exit_code == 0 and result.output.count("Bananas are yellow") == 1 and "Sources:" in result.output
