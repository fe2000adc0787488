"""Rows of a Milvus index: chunks and file records to and from Milvus entities, batched writes, paged reads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ragagent.errors import ConfigError
from ragagent.index.backend import FileRecord
from ragagent.index.milvus.client import MilvusTarget
from ragagent.index.milvus.schema import ALIVE, MAX_TEXT
from ragagent.index.tokenize import Tokenizer
from ragagent.types import Chunk, Span

BATCH = 500


def chunk_row(file: str, chunk: Chunk, vector: Sequence[float] | np.ndarray, tokenizer: Tokenizer,
              generation: int) -> dict[str, Any]:
    """A chunk as an entity born in ``generation``; the key is chunk id + generation (rows are never reused)."""
    if len(chunk.text.encode("utf-8")) > MAX_TEXT:
        raise ConfigError(f"{chunk.span.source}: a chunk of {len(chunk.text)} characters exceeds Milvus' "
                          f"{MAX_TEXT}-byte text field; use a smaller --chunk-size")
    span = chunk.span
    return {
        "key": f"{chunk.id}.{generation}", "id": chunk.id, "file": file, "source": span.source, "page": span.page,
        "page_label": span.page_label, "start": span.start, "end": span.end, "title": chunk.title,
        "text": chunk.text, "terms": " ".join(tokenizer.tokenize([chunk.text])[0]),
        "dense": [float(x) for x in vector], "born": generation, "died": ALIVE,
    }


def chunk_of(row: dict[str, Any]) -> Chunk:
    page, label, title = row.get("page"), row.get("page_label"), row.get("title")
    span = Span(str(row["source"]), int(page) if page is not None else None, int(row["start"]), int(row["end"]),
                str(label) if label is not None else None)
    return Chunk(id=str(row["id"]), text=str(row["text"]), span=span, title=str(title) if title is not None else None)


def source_row(record: FileRecord, generation: int) -> dict[str, Any]:
    return {"key": f"{generation}:{record.source}", "source": record.source, "sha256": record.sha256,
            "size": record.size, "n_chunks": record.n_chunks, "born": generation, "died": ALIVE, "meta": "",
            "vec": [0.0, 0.0]}


def insert_rows(client: Any, collection: str, rows: Sequence[dict[str, Any]], *, upsert: bool = False) -> None:
    write = client.upsert if upsert else client.insert
    for i in range(0, len(rows), BATCH):
        write(collection, list(rows[i:i + BATCH]))


def all_rows(client: Any, collection: str, where: str, fields: list[str]) -> Iterator[dict[str, Any]]:
    """Every matching row (paged: a plain query stops at Milvus' result window)."""
    pages = client.query_iterator(collection, batch_size=1000, filter=where, output_fields=fields)
    try:
        while batch := pages.next():
            yield from (dict(r) for r in batch)
    finally:
        pages.close()


def writable(row: Mapping[str, Any]) -> dict[str, Any]:
    """A queried chunk row as an upsert: without the BM25 function's output (Milvus computes it)."""
    return {k: v for k, v in row.items() if k != "sparse"}


def collect_garbage(client: Any, target: MilvusTarget, live: int) -> None:
    """After a killed commit: rows of a generation that never went live go; rows it had marked dead live again."""
    for name in (target.collection, target.sources):
        client.delete(name, filter=f"born > {live} or died <= {live}")
    marked = f"died > {live} and died < {ALIVE}"
    chunks = [writable({**r, "died": ALIVE}) for r in all_rows(client, target.collection, marked, ["*"])]
    insert_rows(client, target.collection, chunks, upsert=True)
    sources = [{**r, "died": ALIVE} for r in all_rows(client, target.sources, marked, ["*"])]
    insert_rows(client, target.sources, sources, upsert=True)
