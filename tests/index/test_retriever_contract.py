"""Both backends held to the retriever contract: the FAISS + BM25 Index and Milvus Lite (hash embedder; the
real MiniLM in integration)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ragagent.embeddings import Embedder
from ragagent.index import Index, open_index
from ragagent.ingest import IngestOptions, ingest_paths
from ragagent.retriever import DocumentRetriever
from tests.fakes import HashEmbedder
from tests.index.backends import spec_for
from tests.index.retriever_contract import CHUNK_OVERLAP, CHUNK_SIZE, DOCS, RetrieverContract


def build(tmp_path: Path, embedder: Embedder, backend: str = "local") -> Any:
    """A fresh index of ``backend`` (tests/index/backends.py) over :data:`DOCS`, opened with ``embedder``."""
    root = tmp_path / "docs"
    root.mkdir()
    for name, text in DOCS.items():
        (root / name).write_text(text, encoding="utf-8")
    spec = spec_for(backend, tmp_path)
    options = IngestOptions(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    assert ingest_paths([root], spec, embedder=embedder, options=options).committed
    return open_index(spec, embedder=embedder)


def opened(tmp_path: Path, embedder: Embedder, backend: str = "local") -> Iterator[Any]:
    """:func:`build`, closed after the tests that use it."""
    index = build(tmp_path, embedder, backend)
    yield index
    index.close()


def minilm() -> Embedder:
    from ragagent.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


class TestIndexWithHashEmbedder(RetrieverContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
        yield from opened(tmp_path_factory.mktemp("contract"), HashEmbedder())


@pytest.mark.integration
class TestIndexWithMiniLM(RetrieverContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
        yield from opened(tmp_path_factory.mktemp("contract-minilm"), minilm())


class TestMilvusLiteWithHashEmbedder(RetrieverContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocumentRetriever]:
        yield from opened(tmp_path_factory.mktemp("contract-milvus"), HashEmbedder(), "milvus")


@pytest.mark.integration
class TestMilvusLiteWithMiniLM(RetrieverContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocumentRetriever]:
        yield from opened(tmp_path_factory.mktemp("contract-milvus-minilm"), minilm(), "milvus")
