"""The Agent and a chat over a Milvus Lite index: the modes see only the Retriever protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragagent import Agent, ChatSession, load_settings
from ragagent.index import open_index
from ragagent.ingest import ingest_paths
from tests.fakes import HashEmbedder, ScriptedLLM
from tests.index.backends import spec_for


@pytest.fixture
def spec(tmp_path: Path) -> str:
    spec = spec_for("milvus", tmp_path)
    root = tmp_path / "docs"
    root.mkdir()
    (root / "t.md").write_text("The Transformer architecture was introduced in 2017 by Vaswani and colleagues.")
    ingest_paths([root], spec, embedder=HashEmbedder())
    return spec


def test_rag_answer_with_verified_citations_from_milvus(spec: str) -> None:
    agent = Agent(open_index(spec, embedder=HashEmbedder()),
                  ScriptedLLM(["The Transformer architecture was introduced in 2017 [1]."]))
    answer = agent.ask("When was the transformer architecture introduced?", mode="rag")
    assert answer.answered and answer.citations[0].verified and answer.citations[0].source == "t.md"
    chat = ChatSession(agent)
    assert chat.transcript()["index"] == spec


def test_settings_keep_a_milvus_spec_verbatim(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGAGENT_INDEX", "milvus://milvus-host:19530/papers")
    assert load_settings().index == "milvus://milvus-host:19530/papers"  # a Path would drop a slash
    monkeypatch.setenv("RAGAGENT_INDEX", "some/dir")
    assert load_settings().index == Path("some/dir")
