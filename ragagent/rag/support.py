"""Claim-level support: the :class:`SupportChecker` protocol, its verdict, and evidence alignment.

A checker judges one claim (an answer sentence without its markers) against one piece of evidence
(the cited chunk's text) and returns a :class:`Support`: a verdict, a score, a reason when the claim
is not supported, and the evidence window it was judged against — exact character offsets into the
evidence, so ``evidence[support.start:support.end] == support.quote``.

Windows are one to three consecutive sentences (:func:`sentence_spans`, :func:`windows`). Sentence
splitting is a small rule set (end punctuation followed by a capital, digit or quote; common
abbreviations and initials kept) rather than a library: it must return exact offsets, run on every
answer, and need no model.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ragagent.types import Verdict

MAX_WINDOW_SENTENCES = 3

_END = re.compile(r"[.!?][\"')\]”’]*(\s+)")
_PARAGRAPH = re.compile(r"\n\s*\n")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "al", "fig", "figs", "dr", "mr", "mrs", "ms", "st", "no",
                            "approx", "ca", "cf", "jr", "sr", "inc", "ltd", "co", "u.s", "u.k", "prof", "resp",
                            "eq", "ref", "refs", "vol", "pp", "sec", "min", "max", "nos", "ph.d", "jan", "feb",
                            "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec"})


@dataclass(frozen=True, slots=True)
class Support:
    """A checker's judgement of one claim against one evidence text."""

    verdict: Verdict
    score: float  # 0..1; the checker's own measure (term coverage, cosine, or the judge's confidence)
    reason: str | None  # why the claim is not supported (None when it is)
    start: int  # the evidence window: evidence[start:end]
    end: int
    quote: str

    @property
    def supported(self) -> bool:
        return self.verdict == "supported"


@runtime_checkable
class SupportChecker(Protocol):
    """Judges whether ``evidence`` supports ``claim``."""

    def check(self, claim: str, evidence: str) -> Support: ...


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, whitespace trimmed; paragraph breaks always split."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _paragraphs(text):
        start = p_start
        for m in _END.finditer(text, p_start, p_end):
            following = text[m.end():m.end() + 1]
            if not following or not (following.isupper() or following.isdigit() or following in "\"'([“"):
                continue
            before = text[start:m.start()].rsplit(None, 1)
            word = before[-1] if before else ""
            if word.lower().lstrip("(") in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                continue
            spans.append((start, m.start(1)))
            start = m.end()
        spans.append((start, p_end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _PARAGRAPH.finditer(text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def windows(count: int, size: int = MAX_WINDOW_SENTENCES) -> Iterator[tuple[int, int]]:
    """Sentence index ranges ``[i, j)`` of every window of 1..``size`` consecutive sentences."""
    for i in range(count):
        for j in range(i + 1, min(i + size, count) + 1):
            yield i, j


def unsupported(reason: str) -> Support:
    """A not-supported verdict with no evidence window (e.g. an empty claim or empty evidence)."""
    return Support("not-supported", 0.0, reason, 0, 0, "")


class Rarity(Protocol):
    """Document frequencies of (stemmed) terms in a collection of ``documents`` texts."""

    documents: int

    def document_frequency(self, term: str) -> int: ...


MIN_DOCUMENTS_FOR_RARITY = 100
UNCOMMON_SHARE = 1 / 100  # a capitalised first word this rare is taken for a name
RARE_SHARE = 1 / 2000  # rare: in at most 1 in 2,000 documents (so only collections of 2,000+ have rare terms;
# in a smaller one a word of ordinary frequency is seen in one or two documents by chance)


def idf(rarity: Rarity | None, term: str) -> float | None:
    """``ln(N / df)``; None without a big enough collection or for a term it never uses (unknown, not rare)."""
    if rarity is None or rarity.documents < MIN_DOCUMENTS_FOR_RARITY:
        return None
    df = rarity.document_frequency(term)
    return math.log(rarity.documents / df) if df > 0 else None


def is_rare(rarity: Rarity | None, term: str) -> bool:
    """In at least one but at most :data:`RARE_SHARE` of the collection's documents."""
    if rarity is None:
        return False
    return 0 < rarity.document_frequency(term) <= rarity.documents * RARE_SHARE


def is_uncommon(rarity: Rarity | None, term: str) -> bool:
    """Never seen, or in fewer than :data:`UNCOMMON_SHARE` of the collection's documents (needs 100+)."""
    if rarity is None or rarity.documents < MIN_DOCUMENTS_FOR_RARITY:
        return False
    return rarity.document_frequency(term) < rarity.documents * UNCOMMON_SHARE


class CorpusRarity:
    """Document frequencies counted over given texts (e.g. the passages of an evaluation file)."""

    def __init__(self, document_frequencies: Counter[str], documents: int) -> None:
        self._df, self.documents = document_frequencies, documents

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> CorpusRarity:
        from ragagent.rag.terms import read_terms

        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            df.update(read_terms(text).words)
            n += 1
        return cls(df, n)

    def document_frequency(self, term: str) -> int:
        return self._df.get(term, 0)


__all__ = ["MAX_WINDOW_SENTENCES", "CorpusRarity", "Rarity", "Support", "SupportChecker", "Verdict", "idf", "is_rare",
           "is_uncommon", "sentence_spans", "unsupported", "windows"]
