"""One home per default: the options module, Settings and every mode agree; eval pal = ask --mode pal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ragagent import Agent, Settings
from ragagent.cli import app
from ragagent.config import load_settings
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.links import ANCHORS
from ragagent.options import (
    CHUNK_OVERLAP,
    CHUNK_SIZE,
    DEFAULT_GENERATION,
    FOLLOW_LINKS,
    MIN_DENSE_SIMILARITY,
    MIN_TERM_COVERAGE,
    MODE_MAX_TOKENS,
    SANDBOX_LIMITS,
    TOP_K,
    RagOptions,
    generation_for,
)
from ragagent.retriever import DEFAULT_FUSION, SearchOptions
from ragagent.types import Answer
from tests.fakes import HashEmbedder, ScriptedLLM

runner = CliRunner()


def test_settings_defaults_come_from_the_options_module() -> None:
    settings = Settings()
    for mode in ("rag", "pal", "react"):
        assert settings.generation(mode) == generation_for(mode)
    assert settings.sandbox_limits() == SANDBOX_LIMITS


def test_modes_and_tools_share_the_sandbox_and_pal_defaults() -> None:
    import inspect

    from ragagent.evaluation.pal import evaluate_pal
    from ragagent.pal import DEFAULT_SETTINGS, answer_pal
    from ragagent.sandbox import BubblewrapExecutor
    from ragagent.tools import default_tools, python_tool

    assert Settings().generation("pal") == DEFAULT_SETTINGS
    for func in (answer_pal, evaluate_pal, default_tools, python_tool, BubblewrapExecutor.run):
        params = inspect.signature(func).parameters
        assert params["timeout_s"].default == SANDBOX_LIMITS.timeout_s, func
        assert params["memory_mb"].default == SANDBOX_LIMITS.memory_mb, func


def readme_defaults() -> dict[str, str]:
    """The README's defaults table: what → default."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = text.split("## Defaults", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:3] for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    return {what.strip(): default.strip() for what, default in rows[1:]}


def test_the_readme_defaults_table_states_the_defaults() -> None:
    table = readme_defaults()
    tokens = ", ".join(f"{mode} {n}" for mode, n in MODE_MAX_TOKENS.items())
    assert table["new tokens per answer"].startswith(tokens)
    g = DEFAULT_GENERATION
    assert table["sampling"].startswith(f"temperature {g.temperature:g}, repeat penalty {g.repeat_penalty}, "
                                        f"seed {g.seed}")
    assert table["sandbox per run"].startswith(f"{SANDBOX_LIMITS.timeout_s:g} s wall clock, "
                                               f"{SANDBOX_LIMITS.memory_mb} MiB")
    assert table["chunking"].startswith(f"{CHUNK_SIZE} characters, {CHUNK_OVERLAP} overlap")
    assert table["RAG relevance floor"].startswith(f"dense cosine {MIN_DENSE_SIMILARITY} or "
                                                   f"{MIN_TERM_COVERAGE:.0%} of the query's terms")
    options, rag = SearchOptions(), RagOptions()
    assert table["link following"].startswith(f"{FOLLOW_LINKS} document named by title in the top {ANCHORS} ")
    assert Settings().follow_links == rag.follow_links == FOLLOW_LINKS
    assert table["retrieval"].startswith(f"k {TOP_K} (`TOP_K`), {rag.search_mode}, {options.fusion} fusion over the "
                                         f"top {options.fetch_k} of each retriever")
    assert (Settings().k, rag.k, options.fusion) == (TOP_K, TOP_K, DEFAULT_FUSION)


def test_the_cli_search_defaults_are_the_options() -> None:
    import inspect

    from ragagent.cli.eval_cmds import retrieval
    from ragagent.cli.index_cmds import search

    params = inspect.signature(search).parameters
    assert (params["k"].default, params["fusion"].default) == (TOP_K, DEFAULT_FUSION)
    assert inspect.signature(retrieval).parameters["fusion"].default == DEFAULT_FUSION


def test_chunking_defaults_have_one_home() -> None:
    from ragagent.ingest import ChunkingOptions, IngestOptions

    assert (ChunkingOptions().chunk_size, ChunkingOptions().chunk_overlap) == (CHUNK_SIZE, CHUNK_OVERLAP)
    assert IngestOptions().chunking() == ChunkingOptions()


@pytest.mark.parametrize("env", [{}, {"RAGAGENT_MAX_TOKENS": "77", "RAGAGENT_SANDBOX_MEMORY_MB": "300",
                                      "RAGAGENT_SANDBOX_TIMEOUT_S": "4.5", "RAGAGENT_TEMPERATURE": "0.3"}])
def test_eval_pal_and_ask_pal_build_the_same_configuration(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    calls: list[dict[str, Any]] = []

    def recording_pal(question: str, llm: Any, **kwargs: Any) -> Answer:
        calls.append({k: kwargs[k] for k in ("settings", "timeout_s", "memory_mb")})
        return Answer(question=question, text="12", mode="pal", value=12)

    monkeypatch.setattr("ragagent.pal.answer_pal", recording_pal)
    monkeypatch.setattr("ragagent.evaluation.pal.answer_pal", recording_pal)
    monkeypatch.setattr("ragagent.llm.load_llm", lambda *a, **k: ScriptedLLM([]))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Sam has three boxes of four pens.", encoding="utf-8")
    ingest_paths([docs], tmp_path / "idx", embedder=HashEmbedder())
    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", lambda settings: Agent(
        Index.open(settings.index, embedder=HashEmbedder()), ScriptedLLM([]), settings=settings))
    problems = tmp_path / "gsm.jsonl"
    problems.write_text(json.dumps({"question": "Sam has 3 boxes of 4 pens. How many pens?", "answer": "#### 12"}))

    asked = runner.invoke(app, ["ask", "Sam has 3 boxes of 4 pens. How many pens?", "--mode", "pal",
                                "--index", str(tmp_path / "idx")])
    evaluated = runner.invoke(app, ["eval", "pal", str(problems), "--json"])
    assert asked.exit_code == 0 and evaluated.exit_code == 0, (asked.output, evaluated.output)
    assert len(calls) == 2 and calls[0] == calls[1]
    expected = load_settings()
    assert calls[0] == {"settings": expected.generation("pal"), "timeout_s": expected.sandbox_timeout_s,
                        "memory_mb": expected.sandbox_memory_mb}
