"""Both backends held to the retriever contract: the FAISS + BM25 Index and Milvus Lite (hash embedder; the
real MiniLM in integration)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ragagent.embeddings import Embedder
from ragagent.index import Index
from ragagent.ingest import IngestOptions, ingest_paths
from ragagent.retriever import DocumentRetriever
from tests.fakes import HashEmbedder
from tests.index.backends import spec_for
from tests.index.retriever_contract import CHUNK_OVERLAP, CHUNK_SIZE, DOCS, RetrieverContract


def build(tmp_path: Path, embedder: Embedder) -> Index:
    root = tmp_path / "docs"
    root.mkdir()
    for name, text in DOCS.items():
        (root / name).write_text(text, encoding="utf-8")
    options = IngestOptions(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    report = ingest_paths([root], tmp_path / "idx", embedder=embedder, options=options)
    assert report.committed
    return Index.open(tmp_path / "idx", embedder=embedder)


class TestIndexWithHashEmbedder(RetrieverContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
        index = build(tmp_path_factory.mktemp("contract"), HashEmbedder())
        yield index
        index.close()


@pytest.mark.integration
class TestIndexWithMiniLM(RetrieverContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
        from ragagent.embeddings import SentenceTransformerEmbedder

        index = build(tmp_path_factory.mktemp("contract-minilm"), SentenceTransformerEmbedder())
        yield index
        index.close()


def build_milvus(tmp_path: Path, embedder: Embedder) -> DocumentRetriever:
    from ragagent.index import open_index

    spec = spec_for("milvus", tmp_path)
    root = tmp_path / "docs"
    root.mkdir()
    for name, text in DOCS.items():
        (root / name).write_text(text, encoding="utf-8")
    options = IngestOptions(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    assert ingest_paths([root], spec, embedder=embedder, options=options).committed
    return open_index(spec, embedder=embedder)


class TestMilvusLiteWithHashEmbedder(RetrieverContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocumentRetriever]:
        index = build_milvus(tmp_path_factory.mktemp("contract-milvus"), HashEmbedder())
        yield index
        index.close()  # type: ignore[attr-defined]


@pytest.mark.integration
class TestMilvusLiteWithMiniLM(RetrieverContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocumentRetriever]:
        from ragagent.embeddings import SentenceTransformerEmbedder

        index = build_milvus(tmp_path_factory.mktemp("contract-milvus-minilm"), SentenceTransformerEmbedder())
        yield index
        index.close()  # type: ignore[attr-defined]
