"""The default checker: align the claim with its best evidence window, then look for hard disagreements.

1. **Align.** Every window of one to three consecutive sentences of the evidence is scored by the
   share of the claim's terms it holds (weighted by IDF when a :class:`~ragagent.rag.support.Rarity`
   is given; names count double); the best window (shorter on ties) is the quote. For a
   question-and-answer claim ("Who wrote X?: Y") windows holding the answer come first.
2. **Judge.** In that window, allowing stemming, case and number normalisation:

   - every number of the claim must be there, with its unit (a question's own numbers only count in coverage);
   - every name (capitalised term, or a capitalised first word the collection rarely uses) and every
     rare term must be in the evidence (a question's own names and rare terms only count in coverage);
   - every word of a question-and-answer claim's answer must be in the window;
   - negation must agree: a negation cue of the claim must meet a cue over the same words in the
     window, and a cue of the window over the claim's words must be matched by the claim;
   - at least :data:`MIN_COVERAGE` of the claim's (weighted) terms must be in the window (a question's
     names and rare terms count when stated anywhere in the evidence).

   The first rule that fails gives the verdict and the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from ragagent.rag.support import (
    Rarity,
    Support,
    Verdict,
    idf,
    is_rare,
    is_uncommon,
    sentence_spans,
    unsupported,
    windows,
)
from ragagent.rag.terms import Terms, read_terms, stem, stopwords

MIN_COVERAGE = 0.6
_EXTRA_SENTENCE_PENALTY = 0.02


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    terms: Terms


@lru_cache(maxsize=256)
def _analyse(evidence: str) -> tuple[tuple[_Sentence, ...], Terms]:
    sentences = tuple(_Sentence(s, e, read_terms(evidence[s:e])) for s, e in sentence_spans(evidence))
    return sentences, read_terms(evidence)


@dataclass(frozen=True, slots=True)
class _Window:
    start: int
    end: int
    words: frozenset[str]
    numbers: frozenset[float]
    units: frozenset[str]
    negations: tuple[frozenset[str], ...]
    size: int


def _merge(sentences: Sequence[_Sentence]) -> _Window:
    return _Window(sentences[0].start, sentences[-1].end,
                   frozenset().union(*(s.terms.words for s in sentences)),
                   frozenset().union(*(s.terms.numbers for s in sentences)),
                   frozenset().union(*(s.terms.units for s in sentences)),
                   tuple(n for s in sentences for n in s.terms.negations), len(sentences))


@dataclass(frozen=True, slots=True)
class _Claim:
    """A claim's terms; for a question-and-answer claim ("Who wrote X?: Y") the answer's words and numbers
    are asserted (they must be in the window) while the question's words are context (coverage only)."""

    terms: Terms
    answer: frozenset[str]  # words after the last "?" (empty when the claim asks nothing)
    asserted: frozenset[float]  # numbers that must be in the window
    units: frozenset[str]  # and their units
    given: frozenset[str] = frozenset()  # the question's words: context, they count in coverage only

    @classmethod
    def read(cls, claim: str, rarity: Rarity | None) -> _Claim:
        terms = read_terms(claim)
        # A capitalised first word is a name when the collection rarely uses it ("Tamworth was ...", not "Patients").
        uncommon = {w for w in terms.initials if is_uncommon(rarity, w)}
        if uncommon:
            terms = replace(terms, names=terms.names | uncommon)
        head, mark, tail = claim.rpartition("?")
        answer = read_terms(tail)
        if not (mark and head.strip()) or not (answer.words or answer.numbers):  # no question, or no answer
            return cls(terms, frozenset(), terms.numbers, terms.units)
        return cls(terms, answer.words, answer.numbers, answer.units, read_terms(head).words)


class LexicalChecker:
    """Align-then-judge on terms (offline, fast). ``rarity`` enables the rare-term rule and IDF weights."""

    def __init__(self, rarity: Rarity | None = None, *, min_coverage: float = MIN_COVERAGE) -> None:
        self.rarity, self.min_coverage = rarity, min_coverage

    def check(self, claim: str, evidence: str) -> Support:
        parsed = _Claim.read(claim, self.rarity)
        terms = parsed.terms
        if not terms.words and not terms.numbers:
            return unsupported("the claim has no content words to check")
        sentences, whole = _analyse(evidence)
        if not sentences:
            return unsupported("the cited passage is empty")
        weights = {w: self._weight(w, terms) for w in terms.words}
        window = max((_merge(sentences[i:j]) for i, j in windows(len(sentences))),
                     key=lambda w: self._alignment(parsed, weights, w))
        coverage = self._coverage(parsed, weights, window, whole)
        verdict, reason = self._judge(parsed, window, whole, coverage)
        return Support(verdict, round(coverage, 3), reason, window.start, window.end, evidence[window.start:window.end])

    def _weight(self, word: str, terms: Terms) -> float:
        weight = idf(self.rarity, word)
        return (1.0 if weight is None else max(weight, 0.5)) * (2.0 if word in terms.names else 1.0)

    def _rare(self, word: str) -> bool:
        return is_rare(self.rarity, word)

    def _alignment(self, claim: _Claim, weights: dict[str, float], window: _Window) -> tuple[int, int, float]:
        """Windows holding an answer's words (then its numbers) first; then coverage, shorter on ties."""
        numbers = len(claim.asserted & window.numbers) if claim.given else 0
        coverage = self._coverage(claim, weights, window, None) - _EXTRA_SENTENCE_PENALTY * window.size
        return len(claim.answer & window.words), numbers, coverage

    def _coverage(self, claim: _Claim, weights: dict[str, float], window: _Window, whole: Terms | None) -> float:
        """Weighted share of the claim's terms in the window. With ``whole``, the names, rare terms and
        numbers of a question ("Who wrote X?: Y") count when stated anywhere in the evidence: they are what
        is given, not what is claimed, and a passage names its subject once and then says "it"."""
        terms = claim.terms
        found = 0.0
        context = whole.words if whole is not None else frozenset()
        for w in terms.words:
            given = w in claim.given and (w in terms.names or self._rare(w)) and _present(w, context)
            found += weights[w] if w in window.words or given else 0.0
        numbers = window.numbers | (whole.numbers if whole is not None and claim.given else frozenset())
        found += 2.0 * len(terms.numbers & numbers)
        return found / (sum(weights.values()) + 2.0 * len(terms.numbers))

    def _judge(self, claim: _Claim, window: _Window, whole: Terms, coverage: float) -> tuple[Verdict, str | None]:
        terms = claim.terms
        for number in sorted(claim.asserted):
            if number not in window.numbers:
                where = "quoted evidence" if number in whole.numbers else "cited passage"
                verdict: Verdict = "contradicted" if window.numbers else "not-supported"
                return verdict, f"'{_show(number)}' not in the {where}"
        for unit in sorted(claim.units):
            if unit not in window.units and unit not in window.words:
                return "contradicted", f"the unit '{unit}' is not in the quoted evidence"
        for word in terms.order:  # a question's own names are what it asks about: they only count in coverage
            asserted = word in claim.answer or word not in claim.given
            if asserted and (word in terms.names or self._rare(word)) and not _present(word, whole.words):
                kind = "" if word in terms.names else " (a rare term)"
                return "not-supported", f"'{terms.surface[word]}'{kind} not in the cited passage"
        for word in sorted(claim.answer):
            if not _present(word, window.words):
                return "not-supported", f"'{terms.surface.get(word, word)}' (the answer) not in the quoted evidence"
        negation = _negation_conflict(terms, window)
        if negation is not None:
            return "contradicted", negation
        if coverage < self.min_coverage:
            return "not-supported", f"only {coverage:.0%} of the claim's terms are in the evidence"
        return "supported", None


def _negation_conflict(terms: Terms, window: _Window) -> str | None:
    for scope in terms.negations:
        if not any(scope & cue or not (scope and cue) for cue in window.negations):
            return "negated in the answer, not in the source"
    for cue in window.negations:
        about_claim = len(cue & terms.words) >= min(2, len(cue)) > 0  # the source negates what the claim says
        if about_claim and not any(cue & mine or not mine for mine in terms.negations):
            return "negated in the source, not in the answer"
    return None


def _present(word: str, pool: frozenset[str]) -> bool:
    """``word`` is in ``pool``, or (a long alphabetic term) one edit away from a word in it: a misspelt name."""
    if word in pool:
        return True
    if "-" in word:  # a compound: "Spanish-American" is present as "Spanish–American" or "Spanish American"
        return all(part in stopwords() or stem(part) in pool for part in word.split("-") if part)
    return len(word) >= 6 and word.isalpha() and any(_one_edit(word, p) for p in pool if abs(len(p) - len(word)) <= 1)


def _one_edit(a: str, b: str) -> bool:
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


def _show(number: float) -> str:
    return f"{number:,.0f}".replace(",", "") if number == int(number) else f"{number:g}"

