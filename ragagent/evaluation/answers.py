"""Answer quality for RAG: exact match, token F1, ROUGE-L, BLEU, citation precision, abstention rate.

Normalisation for EM/contains/F1 follows SQuAD: lowercase, drop punctuation and articles, collapse whitespace.
ROUGE-L (F-measure) comes from Google's ``rouge-score`` and BLEU from ``sacrebleu`` (sentence BLEU with its
standard 13a tokeniser and exponential smoothing), the standard implementations, on the raw texts.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ragagent.types import Answer

_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalise(text: str) -> str:
    text = "".join(ch for ch in text.lower() if ch not in string.punctuation)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalise(prediction) == normalise(gold))


def contains(prediction: str, gold: str) -> float:
    """1.0 when the normalised gold answer occurs in the prediction (fair to long generated answers)."""
    target = normalise(gold)
    return float(bool(target) and f" {target} " in f" {normalise(prediction)} ")


def token_f1(prediction: str, gold: str) -> float:
    pred, ref = normalise(prediction).split(), normalise(gold).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or common == 0:
        return float(pred == ref)
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def rouge_l(prediction: str, gold: str) -> float:
    """ROUGE-L F-measure (``rouge-score``: lowercased alphanumeric tokens, no stemming)."""
    from rouge_score import rouge_scorer

    if not prediction.strip() or not gold.strip():
        return float(prediction.strip() == gold.strip())
    score = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False).score(gold, prediction)["rougeL"]
    return float(score.fmeasure)


def bleu(prediction: str, gold: str) -> float:
    """Sentence BLEU in [0, 1] (``sacrebleu``, 13a tokeniser, exponential smoothing)."""
    import sacrebleu

    if not prediction.strip() or not gold.strip():
        return float(prediction.strip() == gold.strip())
    return min(1.0, float(sacrebleu.sentence_bleu(prediction, [gold]).score) / 100.0)


@dataclass(frozen=True, slots=True)
class RagItem:
    question: str
    answer: str
    gold_sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RagScores:
    n: int
    exact_match: float
    contains: float
    f1: float
    rouge_l: float
    bleu: float
    citation_precision: float  # cited chunks that are gold (when gold given) or verified
    citations: int
    not_in_documents_rate: float


def citation_hits(answer: Answer, gold_sources: Sequence[str]) -> tuple[int, int]:
    """(good citations, all citations): good = from a gold source if any are given, else verified."""
    good = sum(
        1 for c in answer.citations
        if (any(c.source == g or c.source.endswith(f"#{g}") for g in gold_sources) if gold_sources else c.verified)
    )
    return good, len(answer.citations)


def score_answers(items: Sequence[RagItem], answers: Sequence[Answer]) -> RagScores:
    n = max(len(items), 1)
    good = total = 0
    for item, ans in zip(items, answers, strict=True):
        g, t = citation_hits(ans, item.gold_sources)
        good, total = good + g, total + t
    return RagScores(
        n=len(items),
        exact_match=sum(exact_match(a.text, i.answer) for i, a in zip(items, answers, strict=True)) / n,
        contains=sum(contains(a.text, i.answer) for i, a in zip(items, answers, strict=True)) / n,
        f1=sum(token_f1(a.text, i.answer) for i, a in zip(items, answers, strict=True)) / n,
        rouge_l=sum(rouge_l(a.text, i.answer) for i, a in zip(items, answers, strict=True)) / n,
        bleu=sum(bleu(a.text, i.answer) for i, a in zip(items, answers, strict=True)) / n,
        citation_precision=good / total if total else 0.0,
        citations=total,
        not_in_documents_rate=sum(not a.answered for a in answers) / n,
    )
