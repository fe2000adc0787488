"""Per-run state shared by the ``search`` and ``lookup`` tools.

>>> session = ToolSession(index, k=4)                 # doctest: +SKIP
>>> print(session.search("transformer year").text)   # doctest: +SKIP
[1] (transformers.md) The Transformer architecture was introduced in 2017 ...
>>> print(session.lookup("Vaswani").text)            # doctest: +SKIP
(Result 1/1) [1] (transformers.md) The Transformer architecture was introduced in 2017 by Vaswani ...

Passage numbers are global for the run: a chunk keeps the number it was first shown under, so a
final answer can cite any passage from any step.  ``search`` opens the document of its top result;
``lookup`` walks the sentences of the open document that contain a term, one per call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragagent.errors import ToolError
from ragagent.links import follow_links
from ragagent.options import FOLLOW_LINKS, SEARCH_PASSAGE_CHARS
from ragagent.retriever import DocumentRetriever
from ragagent.types import Chunk, Hit

from .base import Passage, ToolOutput

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


@dataclass(frozen=True, slots=True)
class Match:
    """A sentence of the open document containing the looked-up term, and the chunk it is in."""

    sentence: str
    chunk: Chunk


@dataclass
class _Lookup:
    term: str
    matches: list[Match]
    shown: int = 0


class ToolSession:
    """Passages shown so far (numbered from 1), the open document and the lookup cursor."""

    def __init__(self, index: DocumentRetriever, *, k: int = 4, passage_chars: int = SEARCH_PASSAGE_CHARS,
                 links: int = FOLLOW_LINKS) -> None:
        self.index = index
        self.k = k
        self.links = links
        self.passage_chars = passage_chars
        self.passages: list[Hit] = []
        self.opened: str | None = None
        self._numbers: dict[str, int] = {}
        self._lookup: _Lookup | None = None

    def number(self, hit: Hit) -> Passage:
        """The passage's citation number, assigning the next one the first time it is shown."""
        n = self._numbers.get(hit.chunk.id)
        if n is None:
            self.passages.append(hit)
            n = self._numbers[hit.chunk.id] = len(self.passages)
        return Passage(n, self.passages[n - 1])

    def search(self, query: str) -> ToolOutput:
        """The top ``k`` hybrid-search passages (a document the top ones name in place of the last, see
        :mod:`ragagent.links`), numbered; opens the top result's document."""
        if not query.strip():
            raise ToolError("the search query is empty")
        hits = follow_links(self.index, query, self.index.retrieve(query, k=self.k, mode="hybrid"), k=self.k,
                            links=self.links)
        if not hits:
            return ToolOutput(f"No passages found for {query!r}. Try other keywords.")
        self.open(hits[0].chunk.span.source)
        passages = tuple(self.number(h) for h in hits)
        lines = [f"[{p.n}] ({p.hit.chunk.span.locator()}) {self._cut(p.hit.chunk.text)}" for p in passages]
        return ToolOutput("\n".join(lines), passages)

    def open(self, source: str) -> None:
        if source != self.opened:
            self.opened, self._lookup = source, None

    def lookup(self, term: str, document: str | None = None) -> ToolOutput:
        """The next sentence of the open document (or ``document``) that contains ``term``."""
        if document is not None:
            self._open_named(document)
        source = self.opened
        if source is None:
            raise ToolError("no document is open; use search first (lookup reads the top result's document)")
        if not term.strip():
            raise ToolError("the lookup term is empty")
        state = self._lookup_state(source, term.strip())
        total = len(state.matches)
        if total == 0:
            return ToolOutput(f"{term!r} does not occur in {source}.")
        if state.shown >= total:
            return ToolOutput(f"No more results for {term!r} in {source} ({total} shown).")
        match = state.matches[state.shown]
        state.shown += 1
        passage = self.number(Hit(match.chunk, score=0.0, retriever="lookup", rank=state.shown))
        text = f"(Result {state.shown}/{total}) [{passage.n}] ({match.chunk.span.locator()}) {match.sentence}"
        return ToolOutput(text, (passage,))

    def _open_named(self, document: str) -> None:
        if not self.index.source_chunks(document):
            shown = sorted({h.chunk.span.source for h in self.passages})
            known = f"; documents seen so far: {', '.join(shown)}" if shown else ""
            raise ToolError(f"no document named {document!r} in the index{known}")
        self.open(document)

    def _lookup_state(self, source: str, term: str) -> _Lookup:
        """The cursor for ``term`` (reset by a new term; opening another document resets it too)."""
        if self._lookup is None or self._lookup.term.lower() != term.lower():
            self._lookup = _Lookup(term, find_sentences(self.index.source_chunks(source), term))
        return self._lookup

    def _cut(self, text: str) -> str:
        flat = " ".join(text.split())
        return flat if len(flat) <= self.passage_chars else flat[: self.passage_chars - 1].rstrip() + "…"


def find_sentences(chunks: list[Chunk], term: str) -> list[Match]:
    """Sentences of the chunks (in order) containing ``term``, case-insensitively, without repeats.

    Repeats are dropped because overlapping chunks share sentences.
    """
    needle = term.lower()
    seen: set[str] = set()
    found = []
    for chunk in chunks:
        for sentence in _SENTENCE_END.split(chunk.text):
            flat = " ".join(sentence.split())
            if needle in flat.lower() and flat not in seen:
                seen.add(flat)
                found.append(Match(flat, chunk))
    return found
