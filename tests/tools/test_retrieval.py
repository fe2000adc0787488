"""search and lookup over a real (hash-embedded) index: global numbering, the open document, the cursor."""

from __future__ import annotations

import pytest

from ragagent.errors import ToolError
from ragagent.index import Index
from ragagent.tools import Toolbox, ToolSession, default_tools, lookup_tool, search_tool


def test_search_numbers_passages_globally_and_opens_the_top_document(index: Index) -> None:
    session = ToolSession(index, k=1)
    first = session.search("PAL proposed university")
    assert first.text.startswith("[1] (pal.md) PAL is a prompting method")
    assert [p.n for p in first.passages] == [1] and session.opened == "pal.md"
    second = session.search("Carnegie Mellon University location")
    assert second.text.startswith("[2] (cmu.md) Carnegie Mellon University is a private research university.")
    again = session.search("PAL proposed university")
    assert again.text.startswith("[1] (pal.md)") and len(session.passages) == 2  # shown before: same number
    assert [h.chunk.span.source for h in session.passages] == ["pal.md", "cmu.md"]


def test_passages_are_cut_for_display(index: Index) -> None:
    text = ToolSession(index, k=1, passage_chars=30).search("PAL").text
    assert text == "[1] (pal.md) PAL is a prompting method for…"


def test_lookup_walks_the_matches_of_a_term(index: Index) -> None:
    session = ToolSession(index, k=1)
    session.search("Carnegie Mellon University location")
    results = [session.lookup("university").text for _ in range(3)]
    assert results == [
        "(Result 1/2) [1] (cmu.md) Carnegie Mellon University is a private research university.",
        "(Result 2/2) [1] (cmu.md) The university was founded by Andrew Carnegie in 1900.",
        "No more results for 'university' in cmu.md (2 shown).",
    ]
    assert session.lookup("located").text == "(Result 1/1) [1] (cmu.md) It is located in Pittsburgh, Pennsylvania."
    assert session.lookup("Paris").text == "'Paris' does not occur in cmu.md."


def test_lookup_restarts_when_another_document_opens(index: Index) -> None:
    session = ToolSession(index, k=1)
    session.search("Carnegie Mellon University")
    session.lookup("proposed")
    assert session.lookup("proposed", document="react.md").text == (
        "(Result 1/1) [2] (react.md) It was proposed by Shunyu Yao and colleagues in 2022.")
    assert [p.hit.retriever for p in session.lookup("ReAct").passages] == ["lookup"]


def test_lookup_errors_are_for_the_model(index: Index) -> None:
    session = ToolSession(index)
    with pytest.raises(ToolError, match="no document is open; use search first"):
        session.lookup("university")
    session.search("PAL")
    with pytest.raises(ToolError, match=r"no document named 'wiki.md' in the index; documents seen so far: cmu.md"):
        session.lookup("x", document="wiki.md")


def test_tools_share_one_session_and_lookup_may_repeat(index: Index) -> None:
    session = ToolSession(index, k=1)
    box = Toolbox([search_tool(session), lookup_tool(session)])
    assert box.call("search", "Carnegie Mellon University").passages[0].n == 1
    assert box.call("lookup", "university").observation.startswith("(Result 1/2)")
    assert box.call("lookup", "university").observation.startswith("(Result 2/2)")  # not refused as a repeat
    assert box.call("search", "Carnegie Mellon University").error == "repeated action"
    assert box.call("lookup", {"term": "x", "document": "cmu.md"}).error is None


def test_default_tools_are_fresh_per_call(index: Index) -> None:
    first, second = default_tools(index, None, k=1), default_tools(index, None, k=1)
    assert [t.name for t in first] == ["search", "lookup", "calculator", "finish"]
    first[0].run("PAL")
    assert second[0].run("Carnegie Mellon University").startswith("[1] (cmu.md)")
    assert first[1].run("interpreter").startswith("(Result 1/1) [1] (pal.md)")
