"""Link following for RAG: a passage that names another document by its title brings that document in.

A multi-hop question ("Who directed the film in which Susanne Pollatschek voiced Olivia?") is answered by
two documents, and the second rarely shares the question's words: it is named *in* the first ("... in the
1986 Disney film The Great Mouse Detective"). Like following a wiki link, :func:`follow_links` looks in the
top :data:`ANCHORS` passages for the titles of other indexed documents and shows up to ``links`` of them
(most question terms first; of each, the chunk sharing most of the question's terms) in place of the
lowest-ranked hits. With one link, both supporting paragraphs of a HotpotQA question are among five passages
for 78% of the dev questions and 80% of the test questions, against 61% and 56% without
(``benchmarks/bench_links.py``). Used by RAG and by the ``search`` tool (ReAct).

Titles are matched case-sensitively as whole words, with a trailing disambiguation in parentheses dropped
("Ed Wood (film)" is found as "Ed Wood"); titles shorter than :data:`MIN_TITLE_CHARS` characters or without
a capital letter or digit are not looked for. It needs a backend with
:class:`~ragagent.retriever.TitledSources` and :class:`~ragagent.retriever.SourceReader` (both built-in
backends); with any other, or over documents without titles, the hits are left as they are.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from ragagent.retriever import Retriever, SourceReader, TermAnalyzer, TitledSources
from ragagent.types import Chunk, Hit

ANCHORS = 2  # the passages whose mentions are followed: the best-ranked ones
MIN_TITLE_CHARS = 4
MAX_TITLE_WORDS = 12
MAX_CANDIDATES = 20  # linked documents read per question (a passage may name many)
_DISAMBIGUATION = re.compile(r"\s*\([^()]*\)\s*$")
_WORD = re.compile(r"\w+")  # title and text split alike: "Burton's" holds "Burton"
_TERM = re.compile(r"\w\w+")


def terms_of(retriever: Retriever) -> Callable[[str], set[str]]:
    """The retriever's own analyzer (:class:`TermAnalyzer`), else lowercase words of two or more characters."""
    if isinstance(retriever, TermAnalyzer):
        return lambda text: set(retriever.terms(text))
    return lambda text: set(_TERM.findall(text.lower()))


class TitleMatcher:
    """Finds mentions of document titles in a text: a dictionary of titles as word sequences, looked up for
    every word position (longest title first), so the cost does not grow with the number of titles."""

    def __init__(self, titled: Mapping[str, Sequence[str]]) -> None:
        by_words: dict[tuple[str, ...], list[str]] = {}
        for title, sources in titled.items():
            name = _DISAMBIGUATION.sub("", title).strip()
            words = tuple(_WORD.findall(name))
            if len(name) >= MIN_TITLE_CHARS and any(c.isupper() or c.isdigit() for c in name) \
                    and 0 < len(words) <= MAX_TITLE_WORDS:
                by_words.setdefault(words, []).extend(sources)
        self._sources = {words: tuple(dict.fromkeys(s)) for words, s in by_words.items()}
        self._longest = max((len(w) for w in self._sources), default=0)

    def sources_in(self, text: str) -> list[str]:
        """The sources of every title mentioned in ``text``, in order of first mention."""
        words = _WORD.findall(text)
        found: list[str] = []
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                sources = self._sources.get(tuple(words[i:i + n]))
                if sources:
                    found.extend(sources)
                    i += n
                    break
            else:
                i += 1
        return list(dict.fromkeys(found))


_MATCHERS: weakref.WeakKeyDictionary[object, tuple[object, TitleMatcher]] = weakref.WeakKeyDictionary()


def _matcher(retriever: TitledSources) -> TitleMatcher:
    """One matcher per retriever and title table (a new generation brings a new table)."""
    titled = retriever.titled_sources()
    cached = _MATCHERS.get(retriever)
    if cached is None or cached[0] is not titled:
        cached = (titled, TitleMatcher(titled))
        _MATCHERS[retriever] = cached
    return cached[1]


def follow_links(retriever: Retriever, question: str, hits: Sequence[Hit], *, k: int, links: int) -> list[Hit]:
    """The first ``k`` hits, with up to ``links`` documents named in the top passages in place of the last."""
    shown = list(hits[:k])
    if links <= 0 or not shown or not isinstance(retriever, TitledSources) or not isinstance(retriever, SourceReader):
        return shown
    fixed = shown[: max(k - links, 1)]
    seen = {h.chunk.span.source for h in shown}  # a named document already shown is not a new link
    found = [s for h in fixed[:ANCHORS] for s in _matcher(retriever).sources_in(h.chunk.text) if s not in seen]
    if not found:
        return shown
    terms = terms_of(retriever)
    wanted = terms(question)
    picks: list[tuple[int, int, Hit]] = []
    for order, source in enumerate(list(dict.fromkeys(found))[:MAX_CANDIDATES]):
        best = _best_chunk(retriever.source_chunks(source), wanted, terms)
        if best is not None:
            picks.append((-best[0], order, best[1]))
    linked = [hit for _, _, hit in sorted(picks, key=lambda p: p[:2])[: k - len(fixed)]]
    kept = shown[: k - len(linked)]
    return kept + [replace(hit, rank=len(kept) + i) for i, hit in enumerate(linked, start=1)]


def _best_chunk(chunks: Sequence[Chunk], wanted: set[str],
                terms: Callable[[str], set[str]]) -> tuple[int, Hit] | None:
    """The chunk sharing most question terms (the earliest on ties) and how many, as a hit found by a link."""
    if not chunks:
        return None
    shared, _, best = max(((len(wanted & terms(c.text)), -i, c) for i, c in enumerate(chunks)), key=lambda t: t[:2])
    return shared, Hit(chunk=best, score=0.0, retriever="link", rank=0)


__all__ = ["ANCHORS", "TitleMatcher", "follow_links", "terms_of"]
