"""Options for an ingest; unset values come from the index's recorded settings or the defaults."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ragagent.embeddings import DEFAULT_EMBEDDING_MODEL, EMBED_BATCH_SIZE
from ragagent.errors import ConfigError
from ragagent.index.backend import IndexSettings
from ragagent.index.sparse import check_engine
from ragagent.ingest.chunking import ChunkingOptions
from ragagent.ingest.loaders import JsonlFields
from ragagent.ingest.ray_cluster import RayOptions
from ragagent.options import CHUNK_OVERLAP, CHUNK_SIZE, Bm25Engine, DenseKind

# dense_kind's default is the backend's first kind (see ``resolved``)
_DEFAULTS: dict[str, Any] = {"chunk_size": CHUNK_SIZE, "chunk_overlap": CHUNK_OVERLAP,
                             "embedding_model": DEFAULT_EMBEDDING_MODEL, "bm25_engine": "bm25s"}


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Everything ``ingest_paths`` can be told. ``None`` means: keep what the index has (or default)."""

    chunk_size: int | None = None
    chunk_overlap: int | None = None
    embedding_model: str | None = None
    dense_kind: DenseKind | None = None
    bm25_engine: Bm25Engine | None = None
    stopwords: str | None = "en"
    stemmer: str | None = "english"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_mb: float = 50.0
    prune: bool = False
    strict: bool = False
    rebuild: bool = False  # build a fresh generation (from the paths, or the recorded sources)
    jsonl: JsonlFields = field(default_factory=JsonlFields)
    embed_batch_size: int = EMBED_BATCH_SIZE
    ray: RayOptions | None = None  # load, chunk and embed on a Ray cluster (see ragagent.ingest.distributed)

    def resolved(self, recorded: IndexSettings | None, *, may_change: bool = False,
                 dense_kinds: tuple[str, ...] = ("flat", "hnsw")) -> IngestOptions:
        """Fill unset values from the index's ``recorded`` settings (or defaults); a conflicting explicit value
        is an error. ``may_change`` (a rebuild) lets explicit values replace the recorded ones. ``dense_kinds``
        are the dense index kinds the backend builds (the first is its default).
        """
        if self.dense_kind is not None and self.dense_kind not in dense_kinds:
            raise ConfigError(f"dense index kind {self.dense_kind!r} is not available for this index "
                              f"(use {' or '.join(dense_kinds)})")
        values: dict[str, Any] = {}
        for name, default in {**_DEFAULTS, "dense_kind": dense_kinds[0]}.items():
            given = getattr(self, name)
            current = getattr(recorded, name) if recorded is not None else None
            if not may_change and given is not None and current is not None and given != current:
                raise ConfigError(
                    f"the index was built with {name.replace('_', '-')}={current!r}, not {given!r}; "
                    "use the same value or a new --index directory"
                )
            values[name] = given if given is not None else current if current is not None else default
        out = replace(self, **values)
        check_engine(str(out.bm25_engine))
        out.chunking()  # validates size/overlap
        if self.max_file_mb <= 0:
            raise ConfigError(f"max_file_mb must be positive, got {self.max_file_mb}")
        return out

    def chunking(self) -> ChunkingOptions:
        return ChunkingOptions(self.chunk_size or CHUNK_SIZE,
                               self.chunk_overlap if self.chunk_overlap is not None else CHUNK_OVERLAP)

    def index_settings(self) -> IndexSettings:
        """The settings the index records (call on :meth:`resolved` options)."""
        chunking = self.chunking()
        return IndexSettings(
            chunk_size=chunking.chunk_size, chunk_overlap=chunking.chunk_overlap,
            embedding_model=str(self.embedding_model or DEFAULT_EMBEDDING_MODEL),
            dense_kind=str(self.dense_kind or "flat"), bm25_engine=str(self.bm25_engine or "bm25s"),
            stopwords=self.stopwords, stemmer=self.stemmer,
        )
