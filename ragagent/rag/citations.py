"""Citations: parse ``[n]`` markers from an answer and verify each against the passage it names.

Forms understood: ``[1]``, ``[1][2]``, ``[1, 2]``, ``[1,2; 3]``. A citation is **verified** when

1. ``n`` names a passage that was shown to the model, and
2. the cited sentence is supported by that passage: either it quotes the passage verbatim (a quoted
   span of 4+ words found in the chunk), or its lexical support — the fraction of the sentence's
   content terms (stopwords removed, stemmed) that occur in the chunk — is at least
   :data:`LEXICAL_SUPPORT_THRESHOLD`, or (with an embedder) the cosine similarity of sentence and
   chunk is at least :data:`EMBEDDING_SUPPORT_THRESHOLD`.

Sentences the model left uncited can be **attributed** (:meth:`CitationVerifier.attribute`): the
shown passage with the highest lexical support, if it reaches the threshold, is cited with
``origin="attributed"`` — small base models rarely cite on their own, and a labelled, checked
attribution is more useful than none. Attributions are never mixed up with the model's own claims.

Out-of-range numbers are dropped (they name nothing). Each passage is reported once; it is verified
only if every sentence citing it is supported (the weakest claim is kept). Unsupported citations are
kept but marked ``verified=False`` so they are never shown as sound.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ragagent.embeddings import Embedder
from ragagent.index.tokenize import Tokenizer
from ragagent.types import Chunk, Citation

LEXICAL_SUPPORT_THRESHOLD = 0.5
EMBEDDING_SUPPORT_THRESHOLD = 0.6
MIN_QUOTE_WORDS = 4

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")
_LEADING = re.compile(r"^\s*(?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+")
_QUOTE = re.compile(r"[\"“]([^\"”]+)[\"”]")
_TOKENIZER = Tokenizer()


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


def lexical_support(claim: str, passage: str) -> float:
    terms = set(_TOKENIZER.tokenize([claim])[0])
    if not terms:
        return 0.0
    return len(terms & set(_TOKENIZER.tokenize([passage])[0])) / len(terms)


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def quotes_passage(claim: str, passage: str) -> bool:
    target = _normalise(passage)
    return any(len(q.split()) >= MIN_QUOTE_WORDS and _normalise(q) in target for q in _QUOTE.findall(claim))


def best_sentence(claim: str, passage: str, width: int = 200) -> str:
    """The passage sentence that best supports ``claim``: the quote shown with a source."""
    flat = " ".join(passage.split())  # line breaks inside a paragraph are not sentence ends
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", flat) if s.strip()] or [flat]
    best = max(sentences, key=lambda s: lexical_support(claim, s))
    return best if len(best) <= width else best[: width - 1] + "…"


class CitationVerifier:
    """Resolves and verifies citations against the passages shown (numbered from 1)."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder

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
                scores = [lexical_support(text, p.text) for p in passages]
                best = max(range(len(passages)), key=scores.__getitem__)
                if scores[best] >= LEXICAL_SUPPORT_THRESHOLD:
                    n = best + 1
                    text = _with_marker(text, n)
                    cite = self._check(n, _MARKER.sub("", text).strip(), passages[best])
                    added.setdefault(n, replace(cite, origin="attributed"))
            out.append(text)
        return " ".join(t for t in out if t), tuple(added[n] for n in sorted(added))

    def _check(self, n: int, claim: str, chunk: Chunk) -> Citation:
        support = lexical_support(claim, chunk.text)
        verified = bool(claim) and (support >= LEXICAL_SUPPORT_THRESHOLD or quotes_passage(claim, chunk.text))
        if claim and not verified and self._embedder is not None:
            vectors = self._embedder.embed_documents([claim, chunk.text])
            support = max(support, float(np.dot(vectors[0], vectors[1])))
            verified = support >= EMBEDDING_SUPPORT_THRESHOLD
        span = chunk.span
        return Citation(n=n, chunk_id=chunk.id, source=span.source, page=span.page, start=span.start, end=span.end,
                        quote=best_sentence(claim, chunk.text), verified=verified, support=round(support, 3),
                        claim=claim)
