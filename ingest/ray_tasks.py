"""What runs inside Ray workers: load + chunk one file (a task), embed batches of chunks (a pooled actor).

Rows crossing the cluster are plain columns (ints, strings, float32 arrays): a file's chunks travel as
one JSON string, so Ray Data never has to pickle ragagent objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ragagent.embeddings import Embedder, SentenceTransformerEmbedder
from ragagent.errors import IngestError
from ragagent.ingest.chunking import Chunker, ChunkingOptions
from ragagent.ingest.loaders import JsonlFields, parse_source, read_source
from ragagent.types import Chunk, Span


@dataclass(frozen=True, slots=True)
class LoadSpec:
    """What a load task needs to know (sent to every task)."""

    chunking: ChunkingOptions
    jsonl: JsonlFields
    max_bytes: int


@dataclass(frozen=True, slots=True)
class EmbedSpec:
    """What an embedding actor needs: a model name (loaded once per actor) or a picklable embedder."""

    model_name: str
    batch_size: int
    device: str = "cpu"
    threads: int = 1
    embedder: Embedder | None = None


def current_node() -> str:
    import ray

    return str(ray.get_runtime_context().get_node_id())


def load_and_chunk(row: dict[str, Any], spec: LoadSpec) -> dict[str, Any]:
    """Read, parse and chunk one file; a per-file failure becomes a row with ``reason`` set."""
    out: dict[str, Any] = {"idx": row["idx"], "source": row["source"], "node": current_node(), "reason": "",
                           "sha256": "", "size": 0, "warnings": "[]", "chunks": "[]"}
    try:
        data = read_source(Path(row["path"]), row["source"], max_bytes=spec.max_bytes)
        loaded = parse_source(data, Path(row["path"]).suffix, row["source"], spec.jsonl)
        chunks = list(Chunker(spec.chunking).chunk(loaded.pages))
    except IngestError as exc:
        out["reason"] = exc.reason
        return out
    out.update(sha256=loaded.sha256, size=loaded.size, warnings=json.dumps(list(loaded.warnings)),
               chunks=json.dumps([chunk_to_json(c) for c in chunks], ensure_ascii=False))
    return out


def chunk_to_json(c: Chunk) -> list[Any]:
    s = c.span
    return [c.id, c.text, s.source, s.page, s.start, s.end, s.page_label, c.title]


def chunk_from_json(item: list[Any]) -> Chunk:
    cid, text, source, page, start, end, label, title = item
    return Chunk(id=cid, text=text, span=Span(source, page, start, end, label), title=title)


class EmbedActor:
    """One embedding model per actor, loaded once; ``__call__`` embeds a batch of ``{"pos", "text"}`` rows."""

    def __init__(self, spec: EmbedSpec) -> None:
        self._embedder: Embedder
        if spec.embedder is not None:
            self._embedder = spec.embedder
        else:
            import torch

            torch.set_num_threads(max(1, spec.threads))
            self._embedder = SentenceTransformerEmbedder(spec.model_name, batch_size=spec.batch_size,
                                                         device=spec.device)
        self._node = current_node()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self._embedder.embed_documents([str(t) for t in batch["text"]])
        n = len(vectors)
        return {"pos": batch["pos"], "vector": vectors, "node": np.array([self._node] * n, dtype=object),
                "model": np.array([self._embedder.model_name] * n, dtype=object)}

