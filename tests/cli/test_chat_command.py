"""``ragagent chat`` driven through stdin with a scripted model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ragagent.agent import Agent
from ragagent.chat import ChatSession
from ragagent.cli import app
from ragagent.config import Settings
from ragagent.index import Index, ingest_paths
from tests.fakes import HashEmbedder, ScriptedLLM

runner = CliRunner()


@pytest.fixture
def index(tmp_path: Path) -> Index:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "pal.txt").write_text("PAL was proposed by Luyu Gao and colleagues at Carnegie Mellon University in 2022.")
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    return Index.open(tmp_path / "idx", embedder=HashEmbedder())


def test_scripted_chat_session_over_stdin(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    llm = ScriptedLLM([
        "PAL was proposed by Luyu Gao and colleagues [1].",   # answer 1
        " When was PAL proposed by Luyu Gao?",                # follow-up rewrite
        "PAL was proposed in 2022 at Carnegie Mellon University [1].",  # answer 2
    ])

    def build(settings: Settings) -> Any:
        return Agent(index, llm, settings=settings)

    monkeypatch.setattr("ragagent.cli.chat_cmd.build_agent", build)
    stdin = "Who proposed PAL?\nWhen was it proposed?\n/sources\n/mode rag\n/trace\n/help\n/exit\n"
    result = runner.invoke(app, ["chat", "--index", str(index.directory)], input=stdin)
    assert result.exit_code == 0, result.output
    assert "PAL was proposed by Luyu Gao and colleagues [1]." in result.output
    assert "(answered as: When was PAL proposed by Luyu Gao?)" in result.output
    assert result.output.count("[1] pal.txt (verified") >= 2  # after answer 2 and for /sources
    assert "mode: rag" in result.output and "trace: on" in result.output and "/sources" in result.output
    assert result.output.rstrip().endswith("bye") and len(llm.calls) == 3


def test_followup_without_reference_is_not_rewritten(index: Index) -> None:
    session = ChatSession(Agent(index, ScriptedLLM(["PAL was proposed in 2022 [1]."])), mode="rag")
    session.ask("Who proposed PAL?")
    assert session.standalone("What is BM25 scoring?") == "What is BM25 scoring?"


def test_bad_rewrite_falls_back_to_carrying_the_question(index: Index) -> None:
    llm = ScriptedLLM(["PAL was proposed by Gao [1].", " bananas"])
    session = ChatSession(Agent(index, llm), mode="rag")
    session.ask("Who proposed PAL?")
    assert session.standalone("When was it proposed?") == "When was it proposed? (follow-up to: Who proposed PAL?)"
