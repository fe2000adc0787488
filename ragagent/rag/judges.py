"""The other judges: embedding similarity, an LLM judge, and explicit composition (:class:`AllOf`).

``--verify-with`` picks one of three compositions (:func:`make_checker`):

- ``lexical`` (default): :class:`~ragagent.rag.lexical.LexicalChecker` with the index's term rarity;
- ``embedding``: the lexical checker **and** :class:`EmbeddingChecker` with the index's own embedder
  (similarity alone cannot see a changed number, name or a "not", so the hard rules stay);
- ``llm``: :class:`LlmJudgeChecker`, which asks the configured model for a verdict and a short quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ragagent.embeddings import Embedder
from ragagent.errors import ConfigError
from ragagent.llm.base import LLM, GenerationSettings
from ragagent.options import VerifyWith
from ragagent.rag.lexical import LexicalChecker
from ragagent.rag.support import Rarity, Support, SupportChecker, Verdict, sentence_spans, unsupported, windows

VERIFY_WITH: tuple[VerifyWith, ...] = ("lexical", "embedding", "llm")
EMBEDDING_SUPPORT_THRESHOLD = 0.6


class AllOf:
    """Supported only if every checker supports the claim; otherwise the first objection (in order)."""

    def __init__(self, *checkers: SupportChecker) -> None:
        if not checkers:
            raise ConfigError("AllOf needs at least one checker")
        self.checkers = checkers

    def check(self, claim: str, evidence: str) -> Support:
        results = []
        for checker in self.checkers:
            support = checker.check(claim, evidence)
            if not support.supported:
                return support
            results.append(support)
        first = results[0]
        return Support(first.verdict, min(r.score for r in results), None, first.start, first.end, first.quote)


class EmbeddingChecker:
    """Cosine similarity of the claim and its most similar window (window vector: the sum of its sentences')."""

    def __init__(self, embedder: Embedder, *, threshold: float = EMBEDDING_SUPPORT_THRESHOLD) -> None:
        self.embedder, self.threshold = embedder, threshold

    def check(self, claim: str, evidence: str) -> Support:
        spans = sentence_spans(evidence)
        if not claim.strip() or not spans:
            return unsupported("the claim or the cited passage is empty")
        vectors = self.embedder.embed_documents([claim] + [evidence[s:e] for s, e in spans])
        best, best_cos = (0, 1), -1.0
        for i, j in windows(len(spans)):
            window = vectors[1 + i:1 + j].sum(axis=0)
            cos = float(np.dot(vectors[0], window) / (np.linalg.norm(window) or 1.0))
            if cos > best_cos + 0.01:  # a longer window must be clearly better
                best, best_cos = (i, j), cos
        start, end = spans[best[0]][0], spans[best[1] - 1][1]
        ok = best_cos >= self.threshold
        reason = None if ok else f"the evidence is not similar enough (cosine {best_cos:.2f} < {self.threshold:.2f})"
        return Support("supported" if ok else "not-supported", round(max(best_cos, 0.0), 3), reason, start, end,
                       evidence[start:end])


JUDGE_PROMPT = (
    "Decide whether the evidence supports the claim. Reply with SUPPORTED, CONTRADICTED or NOT SUPPORTED, "
    "then a colon and the shortest exact quote from the evidence that decides it.\n\n"
    "Evidence: The Danube flows through ten countries and ends in the Black Sea.\n"
    "Claim: The Danube ends in the North Sea.\n"
    "Verdict: CONTRADICTED: \"ends in the Black Sea\"\n\n"
    "Evidence: The Eiffel Tower in Paris was completed in 1889 for the World's Fair.\n"
    "Claim: The Eiffel Tower was finished in 1889.\n"
    "Verdict: SUPPORTED: \"completed in 1889\"\n\n"
    "Evidence: {evidence}\nClaim: {claim}\nVerdict:"
)
_VERDICT = re.compile(r"\b(NOT[ _-]SUPPORTED|CONTRADICTED|SUPPORTED)\b\s*[:.\-–]?\s*(.*)", re.IGNORECASE | re.DOTALL)


class LlmJudgeChecker:
    """Asks ``llm`` for a verdict and a quote; the quote is located in the evidence for exact offsets.

    If the quote cannot be found, the window is the lexical alignment's. An unreadable reply is
    "not-supported" with the reply in the reason: a judge that cannot be read never verifies.
    """

    def __init__(self, llm: LLM, *, settings: GenerationSettings | None = None) -> None:
        self.llm = llm
        self.settings = settings or GenerationSettings(temperature=0.0, max_tokens=80)
        self._align = LexicalChecker()

    def check(self, claim: str, evidence: str) -> Support:
        if not claim.strip() or not evidence.strip():
            return unsupported("the claim or the cited passage is empty")
        reply = self.llm.complete(JUDGE_PROMPT.format(evidence=" ".join(evidence.split()), claim=claim),
                                  stop=("\n", "Evidence:"), settings=self.settings).text.strip()
        match = _VERDICT.search(reply)
        aligned = self._align.check(claim, evidence)
        if match is None:
            return Support("not-supported", 0.0, f"the judge's reply could not be read: {reply[:80]!r}",
                           aligned.start, aligned.end, aligned.quote)
        word = match.group(1).upper().replace("_", " ").replace("-", " ")
        verdict: Verdict = "supported" if word == "SUPPORTED" else \
            "contradicted" if word == "CONTRADICTED" else "not-supported"
        quote = match.group(2).strip().strip("\"'“”").strip()
        start, end = _locate(quote, evidence) or (aligned.start, aligned.end)
        reason = None if verdict == "supported" else f"the judge found it {verdict}" + (f": “{quote}”" if quote else "")
        return Support(verdict, 1.0 if verdict == "supported" else 0.0, reason, start, end, evidence[start:end])


def _locate(quote: str, evidence: str) -> tuple[int, int] | None:
    """Offsets of ``quote`` in ``evidence``, ignoring case and runs of whitespace."""
    words = quote.split()
    if len(words) < 2:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    found = re.search(pattern, evidence, re.IGNORECASE)
    return (found.start(), found.end()) if found else None


def make_checker(kind: str, *, rarity: Rarity | None = None, embedder: Embedder | None = None,
                 llm: LLM | None = None) -> SupportChecker:
    """The checker for ``--verify-with kind``; a missing component is a :class:`ConfigError`."""
    if kind == "lexical":
        return LexicalChecker(rarity)
    if kind == "embedding":
        if embedder is None:
            raise ConfigError("--verify-with embedding needs an embedder (the index's own)")
        return AllOf(LexicalChecker(rarity), EmbeddingChecker(embedder))
    if kind == "llm":
        if llm is None:
            raise ConfigError("--verify-with llm needs a model (--llm)")
        return LlmJudgeChecker(llm)
    raise ConfigError(f"unknown --verify-with {kind!r} (use one of {', '.join(VERIFY_WITH)})")


class IndexRarity:
    """Term rarity from a BM25 index's document frequencies (its tokens are the same Snowball stems)."""

    def __init__(self, frequencies: object, documents: int) -> None:
        self._frequencies, self.documents = frequencies, documents

    def document_frequency(self, term: str) -> int:
        return int(self._frequencies.document_frequency(term))  # type: ignore[attr-defined]


def index_rarity(index: object) -> Rarity | None:
    """The rarity of ``index``'s terms, if its sparse side can say and tokenises like the checker."""
    sparse, tokenizer = getattr(index, "sparse", None), getattr(index, "tokenizer", None)
    if not hasattr(sparse, "document_frequency") or getattr(tokenizer, "stemmer", None) != "english":
        return None
    return IndexRarity(sparse, len(index))  # type: ignore[arg-type]


__all__: Sequence[str] = ["VERIFY_WITH", "AllOf", "EmbeddingChecker", "IndexRarity", "LlmJudgeChecker",
                          "VerifyWith", "index_rarity", "make_checker"]
