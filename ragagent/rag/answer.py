"""RAG mode: retrieve → check relevance → pack → generate → parse and verify citations → Answer.

>>> answer = answer_rag("When was the transformer introduced?", index, llm)   # doctest: +SKIP
>>> [(c.n, c.source, c.verified) for c in answer.citations]                    # doctest: +SKIP
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence

from ragagent.links import follow_links, terms_of
from ragagent.llm.base import (
    LLM,
    GenerationSettings,
    TokenCounter,
    context_window_of,
    estimate_tokens,
    prompt_style,
)
from ragagent.options import RagOptions, generation_for
from ragagent.rag.citations import CitationVerifier, combine, strip_markers
from ragagent.rag.prompt import NOT_IN_DOCUMENTS, build_prompt
from ragagent.rag.streaming import SentenceStream
from ragagent.retriever import Retriever
from ragagent.types import Abstention, Answer, AnswerStream, Chunk, Citation, Hit, Usage

_FIRST_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")


def relevant_hits(retriever: Retriever, question: str, hits: Sequence[Hit], options: RagOptions) -> list[Hit]:
    """The hits that pass the relevance floor: dense similarity, or coverage of the question's terms."""
    terms = terms_of(retriever)
    wanted = terms(question)
    out = []
    for hit in hits:
        dense = hit.component("dense")
        words = terms(hit.chunk.text)
        coverage = len(wanted & words) / len(wanted) if wanted else 0.0
        if (dense is not None and dense.score >= options.min_dense_similarity) or coverage >= options.min_term_coverage:
            out.append(hit)
    return out


class RagRun:
    """One RAG answer in progress: iterating generates (and yields) the text; then call ``result()``."""

    def __init__(self, question: str, index: Retriever, llm: LLM, settings: GenerationSettings,
                 options: RagOptions, verifier: CitationVerifier, *, history: str = "") -> None:
        self.question, self.index, self.llm, self.history = question, index, llm, history
        self.settings, self.options, self.verifier = settings, options, verifier
        self._answer: Answer | None = None

    def result(self) -> Answer:
        """The answer; only available once iteration has finished."""
        if self._answer is None:
            raise RuntimeError("RagRun.result() called before the run was iterated to the end")
        return self._answer

    def __iter__(self) -> Iterator[str]:
        started = time.perf_counter()
        hits = self.index.retrieve(self.question, k=self.options.k, mode=self.options.search_mode)
        retrieved = time.perf_counter()
        relevant = follow_links(self.index, self.question, relevant_hits(self.index, self.question, hits, self.options),
                                k=self.options.k, links=self.options.follow_links)
        if not relevant:
            self._answer = Answer(self.question, NOT_IN_DOCUMENTS, "rag", hits=tuple(hits), answered=False,
                                  abstention="no_relevant_passages",
                                  timings={"retrieve_s": retrieved - started, "total_s": retrieved - started})
            yield NOT_IN_DOCUMENTS
            return
        count = self.llm.count_tokens if isinstance(self.llm, TokenCounter) else estimate_tokens
        budget = context_window_of(self.llm) - self.settings.max_tokens - 8
        packed = build_prompt(self.question, relevant, budget_tokens=budget, count_tokens=count,
                              chat=prompt_style(self.llm) == "chat", history=self.history)
        passages = [h.chunk for h in packed.shown]
        # What is streamed is the final text: sentences are finalised (markers corrected or added) as they end.
        finished: dict[str, tuple[Citation, ...]] = {}  # each sentence's citations, computed once
        stream = SentenceStream(self._finisher(passages, finished))
        pieces: list[str] = []
        for piece in self.llm.stream(packed.prompt, stop=packed.stop, settings=self.settings):
            pieces.append(piece)
            yield from stream.feed(piece)
        yield from stream.close()
        generated = time.perf_counter()
        raw, text = "".join(pieces).strip(), stream.text
        usage = Usage(count(packed.text), count(raw), 1)
        abstention = abstention_of(raw)
        citations: tuple[Citation, ...] = ()
        if abstention is None:
            used = set(stream.finished)  # a sentence shown in its plain form keeps the model's own markers
            citations = combine([cites if sentence in used else
                                 self.verifier.finish(sentence, passages, attribute=False, correct=False)[1]
                                 for sentence, cites in finished.items()])
        self._answer = Answer(
            question=self.question, text=text, mode="rag", citations=citations, hits=packed.shown, usage=usage,
            answered=abstention is None, abstention=abstention,
            timings={"retrieve_s": retrieved - started, "generate_s": generated - retrieved,
                     "verify_s": time.perf_counter() - generated, "total_s": time.perf_counter() - started},
        )

    def _finisher(self, passages: Sequence[Chunk],
                  finished: dict[str, tuple[Citation, ...]]) -> Callable[[str], str]:
        """The sentence's final form (:meth:`CitationVerifier.finish`); its citations go in ``finished``."""
        def finish(sentence: str) -> str:
            final, finished[sentence] = self.verifier.finish(sentence, passages, attribute=self.options.attribute,
                                                             correct=self.options.correct)
            return final

        return finish


def abstention_of(reply: str) -> Abstention | None:
    """How a model reply abstains, decided from its form: empty, or its first sentence *is* the prompt's
    "not in the documents" answer (markers and case aside) — never a search for words inside an answer."""
    first = _FIRST_SENTENCE.split(strip_markers(reply).strip(), maxsplit=1)[0]
    if not first:
        return "no_answer"
    return "model_declined" if _normalise(first) == _normalise(NOT_IN_DOCUMENTS) else None


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def answer_rag(question: str, index: Retriever, llm: LLM, *, settings: GenerationSettings | None = None,
               options: RagOptions = RagOptions(), verifier: CitationVerifier | None = None) -> Answer:
    """Answer ``question`` from ``index`` with verified citations (see :class:`RagRun`)."""
    run = RagRun(question, index, llm, settings or generation_for("rag"), options,
                 verifier or CitationVerifier())
    return AnswerStream(iter(run), run.result).answer


__all__ = ["RagOptions", "RagRun", "abstention_of", "answer_rag", "relevant_hits"]
