"""Frozen data objects shared by every layer: provenance, retrieval hits, answers (also streamed) and traces.

Provenance is typed fields, never a metadata dict; scores live on :class:`Hit`, never on a chunk.

>>> span = Span(source="notes/rag.md", page=None, start=0, end=11)
>>> chunk = Chunk.create("Hello world", span)
>>> chunk.id == Chunk.create("Hello world", span).id
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

JSONValue = Any  # plain JSON types only: None, bool, int, float, str, list, dict[str, JSON]

Mode = Literal["rag", "pal", "react"]
SearchMode = Literal["hybrid", "dense", "sparse"]


@dataclass(frozen=True, slots=True)
class Span:
    """Where a chunk comes from: ``page_text[start:end]`` of ``source`` (page 1-based, or None)."""

    source: str
    page: int | None
    start: int
    end: int
    page_label: str | None = None

    def locator(self) -> str:
        """``source:page`` for display (``source`` alone for unpaged files)."""
        if self.page is None:
            return self.source
        label = f" ({self.page_label})" if self.page_label and self.page_label != str(self.page) else ""
        return f"{self.source}:{self.page}{label}"


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of a document's text with exact provenance; ``id`` is a content hash."""

    id: str
    text: str
    span: Span
    title: str | None = None

    @staticmethod
    def make_id(text: str, span: Span) -> str:
        key = json.dumps([span.source, span.page, span.start, span.end, text], ensure_ascii=False)
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    @classmethod
    def create(cls, text: str, span: Span, title: str | None = None) -> Chunk:
        return cls(id=cls.make_id(text, span), text=text, span=span, title=title)


@dataclass(frozen=True, slots=True)
class RetrieverScore:
    """One retriever's opinion of a hit: its 1-based rank and raw score."""

    retriever: str
    rank: int
    score: float


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved chunk with its final score and rank, plus every retriever's rank and score."""

    chunk: Chunk
    score: float
    retriever: str
    rank: int
    components: tuple[RetrieverScore, ...] = ()

    def component(self, retriever: str) -> RetrieverScore | None:
        return next((c for c in self.components if c.retriever == retriever), None)

    def provenance(self) -> dict[str, JSONValue]:
        """The chunk's id and exact location, as plain JSON values (for JSON output and adapters)."""
        span = self.chunk.span
        return {"chunk_id": self.chunk.id, "source": span.source, "page": span.page,
                "page_label": span.page_label, "start": span.start, "end": span.end}

    def scores_by_retriever(self) -> dict[str, dict[str, float]]:
        """Every retriever's rank and score: ``{"dense": {"rank": 1, "score": 0.71}, ...}``."""
        return {c.retriever: {"rank": c.rank, "score": c.score} for c in self.components}


Verdict = Literal["supported", "contradicted", "not-supported"]
Abstention = Literal["no_relevant_passages", "model_declined", "no_answer"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A ``[n]`` marker in an answer, resolved to a chunk and checked against it.

    ``start``/``end`` locate the chunk in its source; ``quote`` is the evidence window the claim was
    judged against, ``chunk.text[quote_start:quote_end]``. An unverified citation says why in ``reason``.
    """

    n: int
    chunk_id: str
    source: str
    page: int | None
    start: int
    end: int
    quote: str
    verified: bool
    support: float = 0.0
    claim: str = ""
    # attributed = added by ragagent to an uncited sentence; corrected = the model cited ``corrected_from``,
    # which does not support the claim, and ragagent moved the citation to the shown passage that does
    origin: Literal["model", "attributed", "corrected"] = "model"
    verdict: Verdict = "not-supported"
    reason: str | None = None
    quote_start: int = 0
    quote_end: int = 0
    corrected_from: int | None = None

    def quote_in_source(self) -> tuple[int, int]:
        """The quote's offsets in the source's page text (the chunk is ``page_text[start:end]``)."""
        return self.start + self.quote_start, self.start + self.quote_end


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a ReAct or PAL trace."""

    thought: str
    action: str
    args: Mapping[str, JSONValue]
    observation: str
    error: str | None = None
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Usage:
    """Token usage summed over the model calls made for one answer."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.calls + other.calls,
        )


@dataclass(frozen=True, slots=True)
class Answer:
    """What every mode returns: the text, verified citations, the trace and the bookkeeping."""

    question: str
    text: str
    mode: Mode
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    steps: tuple[Step, ...] = ()
    usage: Usage = field(default_factory=Usage)
    timings: Mapping[str, float] = field(default_factory=dict)
    route_reason: str | None = None
    answered: bool = True  # False when the documents do not contain the answer (``abstention`` says how)
    complete: bool = True  # False for a best-effort answer (e.g. ReAct hit max_steps)
    code: str | None = None
    value: JSONValue = None
    stdout: str | None = None
    # Set where the decision is made: no passage was relevant, the model declined (its reply is the
    # prompt's "not in the documents" answer), or no answer was produced (e.g. the ReAct fallback).
    abstention: Abstention | None = None

    def to_dict(self) -> dict[str, JSONValue]:
        """Plain JSON-ready dict (hits carry their chunk text and provenance)."""
        return asdict(self)


class AnswerStream:
    """Iterate for text as it is generated; ``answer`` holds the final :class:`Answer` afterwards.

    >>> stream = AnswerStream(iter(["Hel", "lo"]), lambda: Answer("q", "Hello", "rag"))
    >>> "".join(stream), stream.answer.text
    ('Hello', 'Hello')
    """

    def __init__(self, pieces: Iterator[str], finish: Callable[[], Answer]) -> None:
        self._pieces = pieces
        self._finish = finish
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        yield from self._pieces
        self._answer = self._finish()

    @property
    def answer(self) -> Answer:
        """The final answer (consumes the rest of the stream first if needed)."""
        if self._answer is None:
            for _ in self:
                pass
        assert self._answer is not None
        return self._answer
