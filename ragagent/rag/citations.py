"""Citations: parse ``[n]`` markers from an answer and check each claim against the passage it names.

Forms understood: ``[1]``, ``[1][2]``, ``[1, 2]``, ``[1,2; 3]``. A citation is **verified** when

1. ``n`` names a passage that was shown to the model, and
2. the sentence citing it is *supported* by that passage according to a
   :class:`~ragagent.rag.support.SupportChecker` (by default the align-then-judge
   :class:`~ragagent.rag.lexical.LexicalChecker`: the claim's numbers, names, rare terms and negation
   must agree with its best one-to-three-sentence evidence window, which becomes the quote).

Every citation carries the checker's ``verdict``, its ``reason`` when it is not verified ("'1923' not in
the cited passage", "negated in the answer, not in the source", …) and the quote's offsets in the chunk.

:meth:`CitationVerifier.finish` gives one answer sentence its final form and citations:

* a citation the sentence does not support is **corrected** when another shown passage does: the
  marker is rewritten to that passage (``origin="corrected"``, ``corrected_from`` = the model's number).
  Small models often put the right claim next to the wrong number — a neighbouring passage about the
  same person, the other passage of a two-passage answer. A sentence citing several passages
  ("X wrote Y [1], who was born in Z [3].") is judged clause by clause: each marker covers the text since
  the previous one (and the whole sentence, if that is supported by the cited passage);
* an uncited sentence can be **attributed**: the shown passage that supports it best is cited with
  ``origin="attributed"`` — small base models rarely cite on their own, and a labelled, checked
  attribution is more useful than none.

A citation that cannot be corrected keeps the model's number and stays unverified.

Out-of-range numbers are dropped (they name nothing). Each passage is reported once; it is verified
only if every sentence citing it is supported (the weakest claim is kept). Unsupported citations are
kept but marked ``verified=False`` so they are never shown as sound.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ragagent.rag.lexical import LexicalChecker
from ragagent.rag.support import Support, SupportChecker, unsupported
from ragagent.types import Chunk, Citation

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# A sentence ends at . ! or ? before a space and a capital, digit, quote or bracket (or at a line break) — not
# after an initial ("Michael C. Hall") or a title ("Dr. Lind", "St. Louis"). Also used by the answer stream.
SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\b(?:Mr|Dr|St|Jr|Sr|Ms|Mt|Lt|vs)\.)(?<!\bMrs\.)"
                          r"\s+(?=[A-Z0-9\"'(\[])|\n+")
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
    for sentence in SENTENCE_END.split(answer.strip()):
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

    def finalise(self, answer: str, passages: Sequence[Chunk], *, attribute: bool = True,
                 correct: bool = True) -> tuple[str, tuple[Citation, ...]]:
        """:meth:`finish` over every sentence: the final text and its citations (:func:`combine`)."""
        done = [self.finish(s, passages, attribute=attribute, correct=correct)
                for s in SENTENCE_END.split(answer.strip())]
        return " ".join(text for text, _ in done if text), combine([cites for _, cites in done])

    def finish(self, sentence: str, passages: Sequence[Chunk], *, attribute: bool = True,
               correct: bool = True) -> tuple[str, tuple[Citation, ...]]:
        """One sentence's final text (markers corrected or added) and its citations, in marker order."""
        text = " ".join(sentence.split())
        if not _MARKER.search(text):
            return self._attributed(text, passages) if attribute and text and passages else (text, ())
        claim = " ".join(_MARKER.sub("", text).split())
        groups = list(_MARKER.finditer(text))
        out: list[str] = []
        cites: list[Citation] = []
        last = 0
        for m in groups:
            clause = " ".join(_MARKER.sub("", text[last:m.start()]).strip(" ,;:").split())
            segment = clause if len(groups) > 1 and clause else claim
            resolved = [self._resolve(n, claim, segment, passages, correct) for n in _numbers(m.group(0))]
            cites += [c for c in resolved if c is not None]
            numbers = [c.n if c is not None else n for c, n in zip(resolved, _numbers(m.group(0)), strict=True)]
            changed = numbers != list(_numbers(m.group(0)))
            out.append(text[last:m.start()] + ("".join(f"[{n}]" for n in dict.fromkeys(numbers)) if changed
                                               else m.group(0)))
            last = m.end()
        return "".join(out) + text[last:], tuple(cites)

    def _resolve(self, n: int, claim: str, segment: str, passages: Sequence[Chunk],
                 correct: bool) -> Citation | None:
        """The model's citation ``n`` of ``segment`` (a clause of ``claim``), checked, or its correction."""
        cite = self._check(n, claim, passages[n - 1]) if 1 <= n <= len(passages) else None
        if cite is not None and not cite.verified and segment != claim:
            clause = self._check(n, segment, passages[n - 1])
            cite = clause if clause.verified else cite
        if (cite is not None and cite.verified) or not correct:
            return cite
        best = self._best(segment, passages, skip=n)
        return replace(best, origin="corrected", corrected_from=n) if best is not None else cite

    def _attributed(self, text: str, passages: Sequence[Chunk]) -> tuple[str, tuple[Citation, ...]]:
        best = self._best(text, passages)
        if best is None:
            return text, ()
        return _with_marker(text, best.n), (replace(best, origin="attributed"),)

    def _best(self, claim: str, passages: Sequence[Chunk], skip: int = 0) -> Citation | None:
        """The checked citation of the shown passage that supports ``claim`` best (not ``skip``), if any."""
        ranked = [(self._ranker.check(claim, p.text), i + 1) for i, p in enumerate(passages) if i + 1 != skip]
        if not ranked:
            return None
        support, n = max(ranked, key=lambda r: (r[0].supported, r[0].score))
        if not support.supported:
            return None
        # With the default checker the ranking already is the verdict; another checker judges the best one.
        cite = self._check(n, claim, passages[n - 1], support if self._ranker is self.checker else None)
        return cite if cite.verified else None

    def _check(self, n: int, claim: str, chunk: Chunk, support: Support | None = None) -> Citation:
        if support is None:
            support = self.checker.check(claim, chunk.text) if claim else unsupported("the citation marks no claim")
        span = chunk.span
        return Citation(n=n, chunk_id=chunk.id, source=span.source, page=span.page, start=span.start, end=span.end,
                        quote=support.quote, verified=support.supported, support=support.score, claim=claim,
                        verdict=support.verdict, reason=support.reason, quote_start=support.start,
                        quote_end=support.end)


def combine(per_sentence: Sequence[Sequence[Citation]]) -> tuple[Citation, ...]:
    """One citation per passage over all sentences: the model's and corrected ones win over attributed
    ones (the weakest of them is kept — a passage is sound only if every sentence citing it is); a
    passage only attributed keeps its first attribution."""
    found: dict[int, Citation] = {}
    for cites in per_sentence:
        for c in cites:
            old = found.get(c.n)
            if old is None or _weaker_or_first(c, old):
                found[c.n] = c
    return tuple(found[n] for n in sorted(found))


def _weaker_or_first(new: Citation, old: Citation) -> bool:
    """Whether ``new`` replaces ``old`` for the same passage (see :func:`combine`)."""
    if new.origin == "attributed":
        return False
    return old.origin == "attributed" or (old.verified, old.support) > (new.verified, new.support)
