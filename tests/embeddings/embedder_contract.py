"""The contract every Embedder passes (the hash fake, MiniLM through sentence-transformers, and any other).

Subclass :class:`EmbedderContract` in a ``Test*`` class with an ``embedder`` fixture; real models subclass
:class:`ModelEmbedderContract`, which also asks that a paraphrase ranks above an unrelated sentence.
"""

from __future__ import annotations

import numpy as np
import pytest

from ragagent.embeddings import Embedder

TEXTS = [
    "The lighthouse keeper wound the clockwork every night.",
    "Honey bees dance to show where the nectar is.",
    "",
    "Ünïcödé, emoji 🐝 and a very long sentence " + "word " * 400,
]


class EmbedderContract:
    def test_protocol_and_metadata(self, embedder: Embedder) -> None:
        assert isinstance(embedder, Embedder)
        assert embedder.model_name and embedder.dimension > 0

    def test_documents_are_normalised_float32_rows(self, embedder: Embedder) -> None:
        vectors = embedder.embed_documents(TEXTS)
        assert vectors.shape == (len(TEXTS), embedder.dimension) and vectors.dtype == np.float32
        assert vectors.flags["C_CONTIGUOUS"]
        norms = np.linalg.norm(vectors[[0, 1, 3]], axis=1)
        assert np.allclose(norms, 1.0, atol=1e-4)
        assert np.isfinite(vectors).all()

    def test_no_texts_gives_an_empty_matrix(self, embedder: Embedder) -> None:
        assert embedder.embed_documents([]).shape == (0, embedder.dimension)

    def test_query_equals_its_document_vector_and_is_deterministic(self, embedder: Embedder) -> None:
        query = embedder.embed_query(TEXTS[0])
        assert query.shape == (embedder.dimension,) and query.dtype == np.float32
        assert np.allclose(query, embedder.embed_documents(TEXTS[:1])[0], atol=1e-5)
        assert np.allclose(query, embedder.embed_query(TEXTS[0]), atol=1e-6)

    def test_batch_does_not_change_a_vector(self, embedder: Embedder) -> None:
        alone = embedder.embed_documents([TEXTS[1]])[0]
        batched = embedder.embed_documents([TEXTS[3], TEXTS[1], TEXTS[0]])[1]
        assert float(alone @ batched) == pytest.approx(1.0, abs=1e-4)  # padding in a batch changes nothing



class ModelEmbedderContract(EmbedderContract):
    def test_paraphrase_is_nearer_than_an_unrelated_text(self, embedder: Embedder) -> None:
        a, b, c = embedder.embed_documents([
            "When was the transformer architecture introduced?",
            "The Transformer model was first proposed in 2017.",
            "Bees communicate with a waggle dance.",
        ])
        assert float(a @ b) > float(a @ c) + 0.2
