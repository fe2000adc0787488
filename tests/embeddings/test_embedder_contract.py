"""The hash fake and the real MiniLM held to one embedder contract."""

from __future__ import annotations

import pytest

from ragagent.embeddings import Embedder
from tests.embeddings.embedder_contract import EmbedderContract, ModelEmbedderContract
from tests.fakes import HashEmbedder


class TestHashEmbedder(EmbedderContract):
    @pytest.fixture(scope="class")
    @classmethod
    def embedder(cls) -> Embedder:
        return HashEmbedder()


@pytest.mark.integration
class TestMiniLM(ModelEmbedderContract):
    @pytest.fixture(scope="class")
    @classmethod
    def embedder(cls) -> Embedder:
        from ragagent.embeddings import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder()


@pytest.mark.integration
class TestOnnxMiniLM(ModelEmbedderContract):
    """The torch-free query encoder: the same weights through ONNX Runtime."""

    @pytest.fixture(scope="class")
    @classmethod
    def embedder(cls) -> Embedder:
        from ragagent.embeddings import query_embedder

        return query_embedder(backend="onnx")
