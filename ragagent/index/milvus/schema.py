"""The two collections of a Milvus index and how a commit becomes visible (generations).

``<name>`` holds one row per chunk: its key (primary key: the chunk id and the generation that wrote the
row, so a commit never overwrites a row the live generation shows), chunk id, file, source, page, page
label, start, end, title, text, ``terms`` (the text as our BM25 tokeniser sees it: lowercased, stopwords
removed, Snowball-stemmed, space-joined), the BM25 function's sparse vector computed by Milvus from
``terms``, and the dense vector.
``<name>_sources`` holds one row per ingested file (sha256, size, chunk count) plus the ``@meta`` row: the
live generation, the index settings and the source root.

Every row carries ``born`` and ``died`` generations and is visible while ``born <= live < died``. A commit
writes new rows with ``born = live + 1``, marks replaced rows ``died = live + 1``, and then replaces the
``@meta`` row (one upsert): readers see the previous state until that moment and the new one after it.
A commit killed half-way leaves rows of a generation that never went live, which the next writer removes.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ragagent.index.backend import Embedding, IndexSettings
from ragagent.index.milvus.client import MilvusTarget, quoted

ALIVE = 2**62  # ``died`` of a row no commit has replaced
META_KEY = "@meta"
FORMAT = 1
HNSW_ABOVE = 50_000  # dense_kind "auto": FLAT (exact) below this many chunks, HNSW above
HNSW_PARAMS = {"M": 32, "efConstruction": 200}
MAX_TEXT = 65_535  # Milvus' VARCHAR limit (bytes)
CHUNK_FIELDS = ["id", "file", "source", "page", "page_label", "start", "end", "title", "text"]
SOURCE_FIELDS = ["key", "source", "sha256", "size", "n_chunks", "born", "died"]


def visible(generation: int) -> str:
    return f"born <= {generation} and died > {generation}"


def create_collections(client: Any, target: MilvusTarget, dimension: int, dense_index: str) -> None:
    from pymilvus import DataType, Function, FunctionType

    chunks = client.create_schema(auto_id=False, enable_dynamic_field=False)
    chunks.add_field("key", DataType.VARCHAR, is_primary=True, max_length=96)  # chunk id + "." + generation
    chunks.add_field("id", DataType.VARCHAR, max_length=64)
    for name in ("file", "source"):
        chunks.add_field(name, DataType.VARCHAR, max_length=4096)
    chunks.add_field("page", DataType.INT64, nullable=True)
    chunks.add_field("page_label", DataType.VARCHAR, max_length=256, nullable=True)
    chunks.add_field("start", DataType.INT64)
    chunks.add_field("end", DataType.INT64)
    chunks.add_field("title", DataType.VARCHAR, max_length=4096, nullable=True)
    chunks.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT)
    chunks.add_field("terms", DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True,
                     analyzer_params={"tokenizer": "standard"})  # terms are our tokens: only split on spaces
    chunks.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    chunks.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
    chunks.add_field("born", DataType.INT64)
    chunks.add_field("died", DataType.INT64)
    chunks.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"],
                                 output_field_names=["sparse"]))
    params = client.prepare_index_params()
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": 1.5, "bm25_b": 0.75})
    add_dense_index(params, dense_index)
    client.create_collection(target.collection, schema=chunks, index_params=params)

    sources = client.create_schema(auto_id=False, enable_dynamic_field=False)
    sources.add_field("key", DataType.VARCHAR, is_primary=True, max_length=4200)
    sources.add_field("source", DataType.VARCHAR, max_length=4096)
    sources.add_field("sha256", DataType.VARCHAR, max_length=64)
    for name in ("size", "n_chunks", "born", "died"):
        sources.add_field(name, DataType.INT64)
    sources.add_field("meta", DataType.VARCHAR, max_length=MAX_TEXT)
    sources.add_field("vec", DataType.FLOAT_VECTOR, dim=2)  # Milvus requires a vector field; unused
    params = client.prepare_index_params()
    params.add_index("vec", index_type="FLAT", metric_type="L2")
    client.create_collection(target.sources, schema=sources, index_params=params)


def add_dense_index(params: Any, kind: str) -> None:
    if kind == "HNSW":
        params.add_index("dense", index_type="HNSW", metric_type="IP", params=HNSW_PARAMS)
    else:
        params.add_index("dense", index_type="FLAT", metric_type="IP")


def dense_index_for(dense_kind: str, chunks: int) -> str:
    """The Milvus index type: ``flat``/``hnsw`` as asked, ``auto`` by size (HNSW above HNSW_ABOVE chunks)."""
    if dense_kind == "auto":
        return "HNSW" if chunks > HNSW_ABOVE else "FLAT"
    return "HNSW" if dense_kind == "hnsw" else "FLAT"


def meta_row(generation: int, settings: IndexSettings, embedding: Embedding, root: str) -> dict[str, Any]:
    meta = {"format": FORMAT, "generation": generation, "settings": asdict(settings),
            "embedding": asdict(embedding), "root": root}
    return {"key": META_KEY, "source": "", "sha256": "", "size": 0, "n_chunks": 0, "born": 0, "died": ALIVE,
            "meta": json.dumps(meta, sort_keys=True), "vec": [0.0, 0.0]}


def read_meta(client: Any, target: MilvusTarget) -> dict[str, Any] | None:
    rows = client.query(target.sources, filter=f"key == {quoted(META_KEY)}", output_fields=["meta"])
    return json.loads(rows[0]["meta"]) if rows else None


def settings_of(meta: dict[str, Any]) -> tuple[IndexSettings, Embedding]:
    return IndexSettings(**meta["settings"]), Embedding(**meta["embedding"])
