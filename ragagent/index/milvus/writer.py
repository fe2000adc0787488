"""The Milvus backend's writer: one commit = rows of a new generation, then the ``@meta`` flip (see .schema)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from ragagent.errors import ConfigError
from ragagent.index.backend import Change, Committed, FileRecord, IndexState, Progress, renamed_chunk
from ragagent.index.milvus.client import MilvusTarget, any_of, connect, note_commit, release
from ragagent.index.milvus.rows import all_rows, chunk_of, chunk_row, collect_garbage, insert_rows, source_row, writable
from ragagent.index.milvus.schema import (
    SOURCE_FIELDS,
    add_dense_index,
    create_collections,
    dense_index_for,
    meta_row,
    read_meta,
    settings_of,
    visible,
)
from ragagent.index.tokenize import Tokenizer

_FILES_PER_QUERY = 200
DENSE_KINDS = ("auto", "flat", "hnsw")


@contextlib.contextmanager
def open_milvus_writer(spec: str, *, rebuild: bool = False) -> Iterator[MilvusWriter]:
    """The index's writer. Milvus Lite allows one process per file; on a server, run one ingest at a time."""
    target = MilvusTarget.parse(spec)
    client = connect(target)
    try:
        yield MilvusWriter(client, target, rebuild)
    finally:
        release(target, client)


class MilvusWriter:
    """A Milvus index as an :class:`~ragagent.index.backend.IndexWriter`."""

    def __init__(self, client: Any, target: MilvusTarget, rebuild: bool) -> None:
        self.client, self.target = client, target
        self.live = 0
        self._state = IndexState(location=target.spec, dense_kinds=DENSE_KINDS)
        self._dense_index = ""
        if not client.has_collection(target.collection):
            return
        for name in (target.collection, target.sources):
            client.load_collection(name)
        meta = read_meta(client, target)
        if meta is None:  # created, but no commit ever went live
            return
        self.live = int(meta["generation"])
        collect_garbage(self.client, self.target, self.live)
        settings, embedding = settings_of(meta)
        current = self._files()
        self._state = IndexState(settings=settings, embedding=embedding, files={} if rebuild else current,
                                 root=meta["root"], sources=tuple(sorted(current)), location=target.spec,
                                 dense_kinds=DENSE_KINDS)
        self._dense_index = str(client.describe_index(target.collection, "dense").get("index_type", ""))

    @property
    def state(self) -> IndexState:
        return self._state

    def _files(self) -> dict[str, FileRecord]:
        rows = all_rows(self.client, self.target.sources, f"{visible(self.live)} and key != \"@meta\"",
                        SOURCE_FIELDS)
        return {r["source"]: FileRecord(r["source"], r["sha256"], int(r["size"]), int(r["n_chunks"])) for r in rows}

    def commit(self, change: Change, progress: Progress) -> Committed:
        self._prepare(change)
        generation = self.live + 1
        tokenizer = Tokenizer(stopwords=change.settings.stopwords, stemmer=change.settings.stemmer)
        dying = self._dying_files(change)
        dead: list[dict[str, Any]] = []
        renamed: list[dict[str, Any]] = []
        for row in self._rows_of(dying, change.fresh):
            dead.append(writable({**row, "died": generation}))
            file = str(row["file"])
            if not change.fresh and file in change.renames and change.renames[file] not in change.replaced:
                chunk = renamed_chunk(chunk_of(row), file, change.renames)
                renamed.append(chunk_row(change.renames[file], chunk, row["dense"], tokenizer, generation))
        insert_rows(self.client, self.target.collection, dead, upsert=True)
        progress.update("write", 1, 3)
        fresh = (chunk_row(file, c, vec, tokenizer, generation)
                 for (file, c), vec in zip(change.chunks, change.vectors, strict=True))
        insert_rows(self.client, self.target.collection, [*renamed, *fresh])
        self._write_sources(change, dying, generation)
        progress.update("write", 2, 3)
        self.client.flush(self.target.collection)
        self.client.flush(self.target.sources)
        self.client.upsert(self.target.sources, [meta_row(generation, change.settings, change.embedding, change.root)])
        self.client.flush(self.target.sources)
        self.live = generation
        note_commit(self.target)
        collect_garbage(self.client, self.target, self.live)
        total = self._count()
        self._ensure_dense_index(change.settings.dense_kind, total)
        progress.update("write", 3, 3)
        return Committed(chunks_removed=len(dead) - len(renamed), chunks_total=total)

    def _prepare(self, change: Change) -> None:
        if not self.client.has_collection(self.target.collection):
            self._dense_index = dense_index_for(change.settings.dense_kind, len(change.chunks))
            create_collections(self.client, self.target, change.embedding.dimension, self._dense_index)
            for name in (self.target.collection, self.target.sources):
                self.client.load_collection(name)
        elif self._state.embedding is not None and self._state.embedding.dimension != change.embedding.dimension:
            raise ConfigError(f"index {self.target.spec} stores {self._state.embedding.dimension}-dimensional "
                              f"vectors, not {change.embedding.dimension}; use a new collection or .db file")

    def _dying_files(self, change: Change) -> set[str]:
        """Stored (old) names of files whose rows die: replaced ones, and renamed ones (stored again renamed)."""
        stored = {new: old for old, new in change.renames.items()}
        return {stored.get(name, name) for name in change.replaced} | set(change.renames)

    def _rows_of(self, files: Iterable[str], everything: bool) -> Iterator[dict[str, Any]]:
        if everything:
            yield from all_rows(self.client, self.target.collection, visible(self.live), ["*"])
            return
        names = sorted(files)
        for i in range(0, len(names), _FILES_PER_QUERY):
            where = f"{visible(self.live)} and {any_of('file', names[i:i + _FILES_PER_QUERY])}"
            yield from all_rows(self.client, self.target.collection, where, ["*"])

    def _write_sources(self, change: Change, dying: set[str], generation: int) -> None:
        live = all_rows(self.client, self.target.sources, f"{visible(self.live)} and key != \"@meta\"", ["*"])
        gone = [r for r in live if change.fresh or r["source"] in dying]
        insert_rows(self.client, self.target.sources, [{**r, "died": generation} for r in gone], upsert=True)
        renamed = [FileRecord(change.renames[r["source"]], r["sha256"], int(r["size"]), int(r["n_chunks"]))
                   for r in gone if not change.fresh and r["source"] in change.renames
                   and change.renames[r["source"]] not in change.replaced]
        insert_rows(self.client, self.target.sources,
                    [source_row(f, generation) for f in [*renamed, *change.files]])

    def _count(self) -> int:
        rows = self.client.query(self.target.collection, filter=visible(self.live), output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def _ensure_dense_index(self, dense_kind: str, total: int) -> None:
        """Rebuild the dense index when the size crossed the FLAT/HNSW line (``auto``) or the kind changed."""
        want = dense_index_for(dense_kind, total)
        if want == self._dense_index:
            return
        name = self.target.collection
        self.client.release_collection(name)
        self.client.drop_index(name, "dense")
        params = self.client.prepare_index_params()
        add_dense_index(params, want)
        self.client.create_index(name, params)
        self.client.load_collection(name)
        self._dense_index = want


