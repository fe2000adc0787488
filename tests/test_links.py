"""Link following: titles found in passages, and the documents they name shown to RAG (both backends)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ragagent.index import open_index
from ragagent.ingest import ingest_paths
from ragagent.links import TitleMatcher, follow_links
from ragagent.rag.answer import RagOptions, answer_rag
from ragagent.retriever import TitledSources
from tests.fakes import HashEmbedder, ScriptedLLM
from tests.index.backends import BACKENDS, spec_for

RECORDS = [
    ("Susanne Pollatschek", "Susanne Pollatschek is a Scottish actress who voiced Olivia Flaversham in the 1986 "
                            "Disney animated film The Great Mouse Detective when she was eight."),
    ("The Great Mouse Detective (film)", "It was directed by Burny Mattinson, David Michener, Ron Clements and "
                                         "John Musker."),
    ("Olivia (novel)", "Olivia is a novel about an actress who voiced characters in Scotland."),
    ("Scottish actresses", "Scottish actress Susanne and others voiced animated characters."),
    ("Mousetrap", "A mousetrap is a trap for catching mice, not a detective."),
]
QUESTION = "Who directed the animated film in which Susanne Pollatschek voiced Olivia Flaversham?"


def test_titles_are_found_as_whole_words_longest_first_without_their_disambiguation() -> None:
    matcher = TitleMatcher({"Ed Wood (film)": ("a",), "Ed Wood": ("b",), "Wood": ("c",), "Ed": ("d",),
                            "Tim Burton": ("e",), "lighthouse": ("f",)})
    text = "Tim Burton's Ed Wood (1994), not Ed Woodward; a lighthouse of Wood."
    assert matcher.sources_in(text) == ["e", "a", "b", "c"]  # "Ed" is too short, "lighthouse" has no capital


def test_no_titles_find_nothing() -> None:
    assert TitleMatcher({}).sources_in("Anything At All") == []


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    corpus = tmp_path / "wiki.jsonl"
    corpus.write_text("".join(json.dumps({"_id": t, "title": t, "text": x}) + "\n" for t, x in RECORDS))
    spec = spec_for(str(request.param), tmp_path)
    assert ingest_paths([corpus], spec, embedder=HashEmbedder()).committed
    index = open_index(spec, embedder=HashEmbedder())
    yield index
    index.close()


def test_backends_list_their_titled_sources(backend: Any) -> None:
    assert isinstance(backend, TitledSources)
    titled = backend.titled_sources()
    assert titled["The Great Mouse Detective (film)"] == ("wiki.jsonl#The Great Mouse Detective (film)",)
    assert set(titled) == {title for title, _ in RECORDS}


def test_a_document_named_in_a_top_passage_replaces_the_last_hit(backend: Any) -> None:
    hits = backend.retrieve(QUESTION, k=3, mode="sparse")
    sources = [h.chunk.span.source for h in hits]
    assert sources[0] == "wiki.jsonl#Susanne Pollatschek"
    assert "wiki.jsonl#The Great Mouse Detective (film)" not in sources  # shares no term with the question
    linked = follow_links(backend, QUESTION, hits, k=3, links=1)
    assert [h.chunk.span.source for h in linked[:2]] == sources[:2]
    assert linked[2].chunk.span.source == "wiki.jsonl#The Great Mouse Detective (film)"
    assert (linked[2].retriever, linked[2].rank) == ("link", 3) and "Burny Mattinson" in linked[2].chunk.text
    assert follow_links(backend, QUESTION, hits, k=3, links=0) == hits


def test_rag_shows_the_linked_document_and_cites_it(backend: Any) -> None:
    llm = ScriptedLLM(["It was directed by Burny Mattinson and David Michener [3]."])
    answer = answer_rag(QUESTION, backend, llm, options=RagOptions(k=3, search_mode="sparse", follow_links=1))
    assert answer.hits[2].retriever == "link"
    assert [(c.n, c.source, c.verified) for c in answer.citations] == [
        (3, "wiki.jsonl#The Great Mouse Detective (film)", True)]
    assert "[3] (wiki.jsonl#The Great Mouse Detective (film))" in llm.calls[0].prompt


def test_a_retriever_without_titles_is_left_alone() -> None:
    class Plain:
        def retrieve(self, query: str, k: int = 10, mode: str = "hybrid", options: object = None) -> list[Any]:
            return []

    assert follow_links(Plain(), QUESTION, [], k=3, links=2) == []  # type: ignore[arg-type]


def test_the_search_tool_shows_a_linked_document(backend: Any) -> None:
    from ragagent.tools import default_tools

    search = next(t for t in default_tools(backend, None, k=3) if t.name == "search")
    out = search.run({"query": QUESTION})
    assert "The Great Mouse Detective (film)" in out and "Burny Mattinson" in out
    plain = next(t for t in default_tools(backend, None, k=3, links=0) if t.name == "search")
    assert "Burny Mattinson" not in plain.run({"query": QUESTION})
