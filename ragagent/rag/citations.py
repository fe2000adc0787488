"""Citations: parse ``[n]`` markers from an answer and check each claim against the passage it names.

Forms understood: ``[1]``, ``[1][2]``, ``[1, 2]``, ``[1,2; 3]``. A citation is **verified** when

1. ``n`` names a passage that was shown to the model, and
2. the sentence citing it is *supported* by that passage according to a
   :class:`~ragagent.rag.support.SupportChecker` (by default the align-then-judge
   :class:`~ragagent.rag.lexical.LexicalChecker`: the claim's numbers, names, rare terms and negation
   must agree with its best one-to-three-sentence evidence window, which becomes the quote).

Every citation carries the checker's ``verdict``, its ``reason`` when it is not verified ("'1923' not in
the cited passage", "negated in the answer, not in the source", …) and the quote's offsets in the chunk.

Sentences the model left uncited can be **attributed** (:meth:`CitationVerifier.attribute`): the
shown passage that supports the sentence best is cited with ``origin="attributed"`` — small base
models rarely cite on their own, and a labelled, checked attribution is more useful than none.

Out-of-range numbers are dropped (they name nothing). Each passage is reported once; it is verified
only if every sentence citing it is supported (the weakest claim is kept). Unsupported citations are
kept but marked ``verified=False`` so they are never shown as sound.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ragagent.rag.lexical import LexicalChecker
from ragagent.rag.support import SupportChecker, unsupported
from ragagent.types import Chunk, Citation

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")
_LEADING = re.compile(r"^\s*(?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+")


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence of the answer (markers removed) and the passage numbers it cites."""

    text: str
    numbers: tuple[int, ...]


def parse_claims(answer: str) -> list[Claim]:
    """Split an answer into sentences and collect each sentence's cited numbers, in order.

    Markers at the start of a sentence ("... matches. [3] Next ...") belong to the sentence before.
    """
    claims: list[Claim] = []
    for sentence in _SENTENCE_END.split(answer.strip()):
        lead = _LEADING.match(sentence)
        if lead and claims:
            last = claims.pop()
            claims.append(Claim(last.text, tuple(dict.fromkeys(last.numbers + _numbers(lead.group(0))))))
            sentence = sentence[lead.end():]
        text = " ".join(_MARKER.sub("", sentence).split())
        if text or _MARKER.search(sentence):
            claims.append(Claim(text, tuple(dict.fromkeys(_numbers(sentence)))))
    return claims


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for group in _MARKER.findall(text) for n in re.split(r"[,;]", group))


def _with_marker(sentence: str, n: int) -> str:
    if sentence[-1:] in ".!?":
        return f"{sentence[:-1]} [{n}]{sentence[-1]}"
    return f"{sentence} [{n}]"


def strip_markers(answer: str) -> str:
    return _MARKER.sub("", answer)


class CitationVerifier:
    """Resolves citations against the passages shown (numbered from 1) and checks each with ``checker``."""

    def __init__(self, checker: SupportChecker | None = None) -> None:
        self.checker: SupportChecker = checker or LexicalChecker()
        self._ranker = checker if isinstance(checker, LexicalChecker) else LexicalChecker()

    def verify(self, answer: str, passages: Sequence[Chunk]) -> tuple[Citation, ...]:
        found: dict[int, Citation] = {}
        for claim in parse_claims(answer):
            for n in claim.numbers:
                if not 1 <= n <= len(passages):
                    continue  # names no passage: never shown as a source
                citation = self._check(n, claim.text, passages[n - 1])
                # A passage is sound only if every sentence citing it is supported: keep the weakest.
                if n not in found or (found[n].verified, found[n].support) > (citation.verified, citation.support):
                    found[n] = citation
        return tuple(found[n] for n in sorted(found))

    def attribute(self, answer: str, passages: Sequence[Chunk]) -> tuple[str, tuple[Citation, ...]]:
        """Add ``[n]`` to uncited sentences that a shown passage supports; returns text and those citations."""
        out: list[str] = []
        added: dict[int, Citation] = {}
        for sentence in _SENTENCE_END.split(answer.strip()):
            text = " ".join(sentence.split())
            if text and not _MARKER.search(text) and passages:
                ranked = [self._ranker.check(text, p.text) for p in passages]
                best = max(range(len(passages)), key=lambda i: (ranked[i].supported, ranked[i].score))
                if ranked[best].supported:
                    cite = self._check(best + 1, text, passages[best])
                    if cite.verified:
                        text = _with_marker(text, best + 1)
                        added.setdefault(best + 1, replace(cite, origin="attributed"))
            out.append(text)
        return " ".join(t for t in out if t), tuple(added[n] for n in sorted(added))

    def _check(self, n: int, claim: str, chunk: Chunk) -> Citation:
        support = self.checker.check(claim, chunk.text) if claim else unsupported("the citation marks no claim")
        span = chunk.span
        return Citation(n=n, chunk_id=chunk.id, source=span.source, page=span.page, start=span.start, end=span.end,
                        quote=support.quote, verified=support.supported, support=support.score, claim=claim,
                        verdict=support.verdict, reason=support.reason, quote_start=support.start,
                        quote_end=support.end)
