"""The Agent API with scripted models: routing, RAG answers, streaming, settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragagent import Agent, ConfigError, load_settings
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from tests.fakes import HashEmbedder, ScriptedLLM


@pytest.fixture
def index(tmp_path: Path) -> Index:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "t.md").write_text("The Transformer architecture was introduced in 2017 by Vaswani and colleagues.")
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    return Index.open(tmp_path / "idx", embedder=HashEmbedder())


def test_ask_rag_records_route_and_citations(index: Index) -> None:
    agent = Agent(index, ScriptedLLM(["The Transformer architecture was introduced in 2017 [1]."]))
    answer = agent.ask("When was the transformer architecture introduced?")
    assert answer.mode == "rag" and answer.route_reason and "factual" in answer.route_reason
    assert answer.citations[0].verified and answer.citations[0].source == "t.md"


def test_forced_mode_is_recorded(index: Index) -> None:
    agent = Agent(index, ScriptedLLM(["Introduced in 2017 [1]."]))
    assert agent.ask("What is 2 + 2 in total with 3?", mode="rag").route_reason == "mode chosen by the caller"


def test_stream_then_answer(index: Index) -> None:
    agent = Agent(index, ScriptedLLM(["The Transformer was introduced in 2017 [1]."]))
    run = agent.stream("When was the transformer introduced?", mode="rag")
    text = "".join(run)
    assert text.strip() == run.answer.text and run.answer.citations


def test_bad_mode_and_empty_question(index: Index) -> None:
    agent = Agent(index, ScriptedLLM([]))
    with pytest.raises(ConfigError, match="unknown mode"):
        agent.ask("hi", mode="magic")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="empty"):
        agent.ask("   ")


def test_settings_layering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "ragagent.toml"
    config.write_text('k = 3\ntemperature = 0.5\nllm = "openai:gpt-4o-mini"\n')
    monkeypatch.setenv("RAGAGENT_TEMPERATURE", "0.7")
    settings = load_settings(config, k=None, top_k=20)
    assert (settings.k, settings.temperature, settings.llm, settings.top_k) == (3, 0.7, "openai:gpt-4o-mini", 20)
    assert settings.generation().top_k == 20


def test_bad_settings_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid setting k"):
        load_settings(None, k=0)
    bad = tmp_path / "bad.toml"
    bad.write_text("k = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="invalid setting"):
        load_settings(None, nonsense=1)


def test_max_tokens_defaults_per_mode_unless_set() -> None:
    from ragagent.config import MODE_MAX_TOKENS, Settings

    unset = Settings()
    assert [unset.generation(m).max_tokens for m in ("rag", "pal", "react")] == [
        MODE_MAX_TOKENS["rag"], MODE_MAX_TOKENS["pal"], MODE_MAX_TOKENS["react"]]
    assert MODE_MAX_TOKENS["pal"] > MODE_MAX_TOKENS["rag"]
    assert {Settings(max_tokens=50).generation(m).max_tokens for m in ("rag", "pal", "react")} == {50}
