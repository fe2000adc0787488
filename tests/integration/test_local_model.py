"""The real local Gemma model answering from the bundled example corpus (structure, not wording)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragagent import Agent, Settings
from ragagent.index import Index
from ragagent.ingest import ingest_paths

pytestmark = [pytest.mark.integration, pytest.mark.slow]
CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    pytest.importorskip("llama_cpp", reason="the local model needs the 'local' extra")
    index_dir = tmp_path_factory.mktemp("example") / "idx"
    report = ingest_paths([CORPUS], index_dir)
    assert report.failures == () and report.files_seen == 6
    return Agent(Index.open(index_dir), settings=Settings(llm="local:gemma3-270m", max_tokens=64, max_steps=3))


def test_rag_answer_citations_point_at_shown_chunks(agent: Agent) -> None:
    answer = agent.ask("When was the transformer architecture introduced?", mode="rag")
    assert answer.mode == "rag" and answer.text and answer.usage.prompt_tokens > 0
    assert answer.hits and answer.hits[0].chunk.span.source == "transformers.md"
    shown = {h.chunk.id: h.chunk for h in answer.hits}
    for c in answer.citations:
        chunk = shown[c.chunk_id]  # every citation names a chunk that was shown to the model
        assert (c.source, c.start, c.end) == (chunk.span.source, chunk.span.start, chunk.span.end)
        assert c.verified == agent.verifier.checker.check(c.claim, chunk.text).supported
        assert chunk.text[c.quote_start:c.quote_end] == c.quote  # the quote is the evidence window, exactly
        assert c.verified or c.reason  # an unverified citation says why


def test_rag_declines_without_relevant_passages(agent: Agent) -> None:
    answer = agent.ask("zqxj vlorp brindlewick?", mode="rag")
    assert not answer.answered and answer.citations == () and "generate_s" not in answer.timings


def test_react_runs_end_to_end_with_a_trace(agent: Agent) -> None:
    seen: list[str] = []
    answer = agent.ask("Who proposed PAL, and when was ReAct introduced?", mode="react",
                       on_step=lambda s: seen.append(s.action))
    assert answer.mode == "react" and answer.steps and seen == [s.action for s in answer.steps]
    assert answer.steps[0].action == "search" and answer.steps[-1].action == "finish"
    assert all(s.duration_s >= 0 for s in answer.steps)
    shown = {h.chunk.id for h in answer.hits}
    assert all(c.chunk_id in shown for c in answer.citations)
