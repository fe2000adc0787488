"""RAG mode end to end with the scripted LLM and the hash embedder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.llm.base import GenerationSettings
from ragagent.rag.answer import RagOptions, RagRun, answer_rag
from ragagent.rag.citations import CitationVerifier
from ragagent.rag.prompt import NOT_IN_DOCUMENTS, build_prompt
from ragagent.types import Chunk, Citation
from tests.fakes import HashEmbedder, ScriptedLLM

DOCS = {
    "transformers.md": "The Transformer architecture was introduced in 2017 by Vaswani and colleagues at Google.",
    "pal.txt": "PAL was proposed by Gao and colleagues in 2022; the model writes Python that an interpreter runs.",
}


@pytest.fixture
def index(tmp_path: Path) -> Index:
    root = tmp_path / "docs"
    root.mkdir()
    for name, text in DOCS.items():
        (root / name).write_text(text)
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    return Index.open(tmp_path / "idx", embedder=HashEmbedder())


def test_cited_answer_is_verified_and_points_at_shown_chunks(index: Index) -> None:
    llm = ScriptedLLM([" The Transformer architecture was introduced in 2017 by Vaswani [1].\nQuestion: junk"])
    answer = answer_rag("When was the transformer architecture introduced?", index, llm)
    assert answer.mode == "rag" and answer.answered
    assert answer.text == "The Transformer architecture was introduced in 2017 by Vaswani [1]."
    shown = {h.chunk.id for h in answer.hits}
    assert answer.citations and all(c.chunk_id in shown for c in answer.citations)
    assert answer.citations[0].source == "transformers.md" and answer.citations[0].verified
    prompt = llm.calls[0].prompt
    assert "[1] (transformers.md)" in prompt and prompt.rstrip().endswith("Answer:")
    assert "\nQuestion:" in llm.calls[0].stop
    assert answer.usage.calls == 1 and answer.timings["total_s"] >= answer.timings["generate_s"]


def test_wrong_number_and_unsupported_claims_are_not_sound(index: Index) -> None:
    llm = ScriptedLLM(["Bananas grow on trees in Ecuador [1]. See also [9]."])
    answer = answer_rag("When was the transformer architecture introduced?", index, llm)
    assert [c.n for c in answer.citations] == [1]
    assert answer.citations[0].verified is False


def test_irrelevant_question_does_not_call_the_model(index: Index) -> None:
    llm = ScriptedLLM([])  # raises if called
    answer = answer_rag("zebra migration patterns savanna", index, llm,
                        options=RagOptions(min_dense_similarity=0.99))
    assert answer.text == NOT_IN_DOCUMENTS and not answer.answered and answer.citations == ()
    assert llm.calls == []


def test_model_saying_not_in_documents_is_recorded(index: Index) -> None:
    answer = answer_rag("Who introduced the transformer?", index, ScriptedLLM([f" {NOT_IN_DOCUMENTS} [1]"]))
    assert answer.answered is False and answer.abstention == "model_declined" and answer.citations == ()


def test_abstention_is_typed_where_it_is_decided(index: Index) -> None:
    nothing = answer_rag("zebra migration patterns savanna", index, ScriptedLLM([]),
                         options=RagOptions(min_dense_similarity=0.99))
    assert nothing.abstention == "no_relevant_passages"
    empty = answer_rag("Who introduced the transformer?", index, ScriptedLLM(["   "]))
    assert empty.abstention == "no_answer" and not empty.answered
    answered = answer_rag("Who introduced the transformer?", index, ScriptedLLM([
        "Vaswani and colleagues introduced the Transformer architecture [1]. The documents do not say more."]))
    assert answered.answered and answered.abstention is None  # an answer that mentions the phrase is an answer
    assert answered.citations[0].verified


def test_wrong_fact_is_unverified_with_its_reason(index: Index) -> None:
    llm = ScriptedLLM([" The Transformer architecture was introduced in 2015 by Vaswani [1]."])
    answer = answer_rag("When was the transformer architecture introduced?", index, llm)
    c = answer.citations[0]
    assert (c.verified, c.verdict, c.reason) == (False, "contradicted", "'2015' not in the cited passage")
    chunk = next(h.chunk for h in answer.hits if h.chunk.id == c.chunk_id)
    assert chunk.text[c.quote_start:c.quote_end] == c.quote and "2017" in c.quote


def test_streaming_yields_the_text_then_the_answer(index: Index) -> None:
    run = RagRun("When was the transformer introduced?", index,
                 ScriptedLLM(["The Transformer was introduced in 2017 [1]."]),
                 GenerationSettings(), RagOptions(), CitationVerifier())
    with pytest.raises(RuntimeError, match="before the run was iterated"):
        run.result()
    pieces = list(run)
    assert len(pieces) > 1 and "".join(pieces).strip() == run.result().text
    assert run.result().citations[0].verified


def test_packing_respects_the_token_budget(index: Index) -> None:
    hits = index.search("transformer PAL", k=2)
    count = lambda text: len(text.split())  # noqa: E731
    roomy = build_prompt("q?", hits, budget_tokens=10_000, count_tokens=count)
    assert len(roomy.shown) == 2
    head = build_prompt("q?", [], budget_tokens=10_000, count_tokens=count)
    tight = build_prompt("q?", hits, budget_tokens=count(head.text) + 20, count_tokens=count)
    assert len(tight.shown) == 1 and count(tight.text) <= count(head.text) + 20 + 2


def test_uncited_sentences_are_attributed_once_each(index: Index) -> None:
    calls: list[str] = []

    class CountingVerifier(CitationVerifier):
        def finish(self, sentence: str, passages: Sequence[Chunk], *, attribute: bool = True,
                   correct: bool = True) -> tuple[str, tuple[Citation, ...]]:
            calls.append(sentence)
            return super().finish(sentence, passages, attribute=attribute, correct=correct)

    llm = ScriptedLLM([" The Transformer architecture was introduced in 2017 by Vaswani and colleagues at Google."
                       " PAL was proposed by Gao and colleagues in 2022."])
    answer = answer_rag("When was the transformer introduced, and who proposed PAL?", index, llm,
                        verifier=CountingVerifier())
    assert len(calls) == 2  # once per sentence, while streaming; the final citations reuse those results
    assert answer.text.count("[") == 2 and {c.origin for c in answer.citations} == {"attributed"}
    assert {c.source for c in answer.citations} == {"transformers.md", "pal.txt"}


def test_a_wrong_citation_is_streamed_and_returned_corrected(index: Index) -> None:
    question = "When was the transformer introduced, and who proposed PAL?"
    shown = [h.chunk.span.source for h in index.search(question, k=2)]
    wrong = shown.index("pal.txt") + 1  # the model cites the PAL passage for the Transformer claim
    llm = ScriptedLLM([f"The Transformer architecture was introduced in 2017 by Vaswani [{wrong}]."])
    run = RagRun(question, index, llm, GenerationSettings(), RagOptions(k=2), CitationVerifier())
    pieces = list(run)
    answer = run.result()
    right = shown.index("transformers.md") + 1
    assert "".join(pieces) == answer.text
    assert answer.text == f"The Transformer architecture was introduced in 2017 by Vaswani [{right}]."
    assert [(c.n, c.origin, c.corrected_from, c.source, c.verified) for c in answer.citations] == [
        (right, "corrected", wrong, "transformers.md", True)]


def test_correction_off_keeps_the_models_number_unverified(index: Index) -> None:
    question = "When was the transformer introduced, and who proposed PAL?"
    shown = [h.chunk.span.source for h in index.search(question, k=2)]
    wrong = shown.index("pal.txt") + 1
    llm = ScriptedLLM([f"The Transformer architecture was introduced in 2017 by Vaswani [{wrong}]."])
    answer = answer_rag(question, index, llm, options=RagOptions(k=2, correct=False))
    assert answer.text.endswith(f"[{wrong}].")
    assert [(c.n, c.origin, c.verified) for c in answer.citations] == [(wrong, "model", False)]
