"""Any Retriever as a LangChain BaseRetriever: documents keep provenance and every retriever's scores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda

from ragagent.index import Index
from ragagent.langchain_retriever import RagagentRetriever
from ragagent.retriever import SearchOptions
from ragagent.types import Chunk, Hit, RetrieverScore, SearchMode, Span
from tests.fakes import HashEmbedder
from tests.index.retriever_contract import DOCS
from tests.index.test_retriever_contract import build


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    built = build(tmp_path_factory.mktemp("lc"), HashEmbedder())
    yield built
    built.close()


def test_documents_carry_provenance_and_components(index: Index) -> None:
    lc = RagagentRetriever(retriever=index, k=3)
    assert isinstance(lc, BaseRetriever)
    docs = lc.invoke("waggle dance of honey bees")
    assert len(docs) == 3
    top = docs[0].metadata
    assert top["source"] == "bees.txt" and top["rank"] == 1 and docs[0].id == top["chunk_id"]
    assert DOCS[top["source"]][top["start"]:top["end"]] == docs[0].page_content
    assert set(top["components"]) == {"dense", "sparse"}
    assert top["components"]["sparse"]["rank"] >= 1


def test_mode_and_options_are_passed_through(index: Index) -> None:
    docs = RagagentRetriever(retriever=index, k=2, mode="sparse").invoke("spring tides")
    assert all(set(d.metadata["components"]) == {"sparse"} for d in docs)
    rrf = RagagentRetriever(retriever=index, k=2, options=SearchOptions(fusion="rrf")).invoke("spring tides")
    assert rrf[0].metadata["score"] == pytest.approx(1 / 61 + 1 / 61, rel=0.2)  # RRF scores, not convex ones


def test_works_in_a_runnable_chain_over_any_retriever() -> None:
    calls: list[tuple[str, int, str]] = []

    class OneHit:
        def retrieve(self, query: str, k: int = 10, mode: SearchMode = "hybrid",
                     options: SearchOptions | None = None) -> list[Hit]:
            calls.append((query, k, mode))
            chunk = Chunk.create("forty-two", Span("answers.txt", 3, 10, 19, page_label="iii"))
            return [Hit(chunk, 0.5, "dense", 1, (RetrieverScore("dense", 1, 0.5),))]

    chain = RagagentRetriever(retriever=OneHit(), k=7) | RunnableLambda(
        lambda docs: [(d.page_content, d.metadata["page"], d.metadata["page_label"]) for d in docs])
    assert chain.invoke("the answer?") == [("forty-two", 3, "iii")]
    assert calls == [("the answer?", 7, "hybrid")]


def test_k_must_be_positive(index: Index) -> None:
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        RagagentRetriever(retriever=index, k=0)

