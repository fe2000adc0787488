"""Any :class:`~ragagent.retriever.Retriever` as a LangChain ``BaseRetriever``.

Our hybrid index drops into an existing LangChain chain; each ``Document`` keeps the chunk's exact
provenance and every retriever's rank and score in its metadata (LangChain's own retrievers drop them).

>>> lc = RagagentRetriever(retriever=index, k=4)                # doctest: +SKIP
>>> docs = lc.invoke("when was the transformer introduced?")    # doctest: +SKIP
>>> docs[0].metadata["source"], docs[0].metadata["components"]  # doctest: +SKIP
('transformers.md', {'dense': {'rank': 1, 'score': 0.71}, 'sparse': {'rank': 1, 'score': 3.2}})

(Imports langchain_core, so it is imported on its own: ``from ragagent.langchain_retriever import ...``.)
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from ragagent.retriever import Retriever, SearchOptions
from ragagent.types import Hit, SearchMode


def hit_to_document(hit: Hit) -> Document:
    """A LangChain document for one hit: the chunk text, its provenance and scores in the metadata."""
    metadata: dict[str, Any] = {
        **hit.provenance(),
        "title": hit.chunk.title,
        "score": hit.score,
        "rank": hit.rank,
        "retriever": hit.retriever,
        "components": hit.scores_by_retriever(),
    }
    return Document(page_content=hit.chunk.text, metadata=metadata, id=hit.chunk.id)


class RagagentRetriever(BaseRetriever):
    """LangChain's retriever interface over a ragagent :class:`~ragagent.retriever.Retriever`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    k: int = Field(default=4, ge=1)
    mode: SearchMode = "hybrid"
    options: SearchOptions | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [hit_to_document(h) for h in self.retriever.retrieve(query, self.k, self.mode, self.options)]
