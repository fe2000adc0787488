"""Opening and searching a hybrid index.

>>> index = Index.open(".ragagent")                      # doctest: +SKIP
>>> hits = index.search("what is retrieval augmentation?", k=5)   # doctest: +SKIP
>>> hits[0].chunk.span.locator(), hits[0].component("dense")      # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

from ragagent.embeddings import QUERY_ENCODER_ENV, Embedder, query_embedder
from ragagent.errors import ConfigError, IndexCorruptError, RagAgentError
from ragagent.index.atomic import verify_tree
from ragagent.index.backend import Embedding, FileRecord, check_embedding
from ragagent.index.chunk_store import ChunkStore
from ragagent.index.dense import DenseIndex
from ragagent.index.fusion import Fused, fuse
from ragagent.index.info import IndexInfo
from ragagent.index.manifest import MANIFEST, Manifest, read_manifest
from ragagent.index.sparse import Bm25sIndex, RankBm25Index, SparseIndex
from ragagent.index.tokenize import Tokenizer
from ragagent.options import QueryBackend
from ragagent.retriever import SearchOptions, check_query
from ragagent.types import Chunk, Hit, SearchMode

DENSE_FILE = "dense.faiss"
STORE_FILE = "chunks.sqlite"
SPARSE_DIR = "sparse"


def tokenizer_of(manifest: Manifest) -> Tokenizer:
    s = manifest.sparse
    return Tokenizer(stopwords=s.stopwords, stemmer=s.stemmer, lowercase=s.lowercase)


def check_embedder(embedder: Embedder, manifest: Manifest, directory: Path) -> None:
    want = Embedding(manifest.embedding.model, manifest.embedding.dimension)
    check_embedding(embedder.model_name, embedder.dimension, want, str(directory))


class Index:
    """A read-only view of one committed generation: dense + sparse retrieval over stored chunks."""

    def __init__(self, directory: Path, manifest: Manifest, dense: DenseIndex, sparse: SparseIndex,
                 store: ChunkStore, embedder: Embedder | None, query_encoder: QueryBackend | None = None) -> None:
        self.directory = directory
        self.manifest = manifest
        self.dense = dense
        self.sparse = sparse
        self.store = store
        self.tokenizer = tokenizer_of(manifest)
        self._embedder = embedder
        self.query_encoder = query_encoder
        self._committed: tuple[tuple[int, int, int], str] | None = None  # manifest stat -> its generation
        self._titles: dict[str, tuple[str, ...]] | None = None

    @classmethod
    def open(cls, directory: str | Path, *, embedder: Embedder | None = None, verify: bool = True,
             query_encoder: QueryBackend | None = None) -> Index:
        """Open the live generation; checksums are verified unless ``verify=False``.

        A damaged index raises :class:`IndexCorruptError` saying how to rebuild it.
        Queries are embedded by ``embedder`` if given, else by :func:`~ragagent.embeddings.query_embedder` with
        ``query_encoder`` (``auto``: ONNX Runtime, falling back to torch; default ``$RAGAGENT_QUERY_ENCODER``).
        """
        directory = Path(directory)
        try:
            return cls._open(directory, embedder, verify, query_encoder)
        except IndexCorruptError as exc:
            raise IndexCorruptError(
                f"{exc}; rebuild it from its recorded sources: ragagent ingest --rebuild --index {directory}"
            ) from exc

    @classmethod
    def _open(cls, directory: Path, embedder: Embedder | None, verify: bool,
              query_encoder: QueryBackend | None) -> Index:
        manifest = read_manifest(directory)
        gen = directory / manifest.generation
        if verify:
            verify_tree(gen, manifest.file_hashes)
        if embedder is not None:
            check_embedder(embedder, manifest, directory)
        store = ChunkStore(gen / STORE_FILE)
        dense = DenseIndex.load(gen / DENSE_FILE, manifest.dense_kind)
        count = manifest.counts.chunks
        if dense.size != count or store.count() != count or dense.dimension != manifest.embedding.dimension:
            raise IndexCorruptError(f"index {directory}: stored counts do not match the manifest")
        sparse: SparseIndex
        if manifest.sparse.engine == "rank-bm25":
            sparse = RankBm25Index(tokenizer_of(manifest).tokenize(store.texts()))
        else:
            sparse = Bm25sIndex.load(gen / SPARSE_DIR, count)
        return cls(directory, manifest, dense, sparse, store, embedder, query_encoder)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:  # loaded on first dense query: sparse-only use stays light
            backend = self.query_encoder or os.environ.get(QUERY_ENCODER_ENV) or "auto"
            self._embedder = query_embedder(self.manifest.embedding.model, backend=backend)  # type: ignore[arg-type]
            check_embedder(self._embedder, self.manifest, self.directory)
        return self._embedder

    def __len__(self) -> int:
        return self.manifest.counts.chunks

    def close(self) -> None:
        self.store.close()

    def info(self) -> IndexInfo:
        """The :class:`~ragagent.index.info.Described` protocol: this generation in backend-neutral fields."""
        m = self.manifest
        return IndexInfo(backend="local", location=str(self.directory.resolve()), generation=m.generation,
                         documents=m.counts.files, chunks=m.counts.chunks,
                         embedding=Embedding(m.embedding.model, m.embedding.dimension), root=m.root)

    def files(self) -> list[FileRecord]:
        """The :class:`~ragagent.index.info.FileCatalog` protocol: every ingested file, sorted by source."""
        return sorted(self.store.files().values(), key=lambda f: f.source)

    def is_current(self) -> bool:
        """The :class:`~ragagent.index.info.Versioned` protocol: whether ``manifest.json`` still names this generation.

        The manifest is re-read only when its inode, mtime or size changed (a commit replaces it atomically).
        """
        try:
            st = (self.directory / MANIFEST).stat()
        except FileNotFoundError:
            return False
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if self._committed is None or self._committed[0] != stamp:
            try:
                self._committed = (stamp, read_manifest(self.directory).generation)
            except RagAgentError:  # unreadable now: reopening says why
                return False
        return self._committed[1] == self.manifest.generation

    def search(
        self, query: str, k: int = 10, mode: SearchMode = "hybrid", options: SearchOptions = SearchOptions()
    ) -> list[Hit]:
        """The top ``k`` chunks for ``query``; each hit keeps every retriever's rank and score."""
        check_query(k, mode)
        if options.fusion.startswith("milvus-"):
            raise ConfigError(f"--fusion {options.fusion} needs a Milvus index (this one is {self.directory})")
        depth = max(k, options.fetch_k) if mode == "hybrid" else k
        lists: dict[str, list[tuple[int, float]]] = {}
        if mode in ("hybrid", "dense"):
            lists["dense"] = self.dense.search(self.embedder.embed_query(query), depth)
        if mode in ("hybrid", "sparse"):
            lists["sparse"] = self.sparse.search(self.tokenizer.tokenize([query])[0], depth)
        return self._hits(fuse(lists, mode, options)[:k], mode)

    def retrieve(
        self, query: str, k: int = 10, mode: SearchMode = "hybrid", options: SearchOptions | None = None
    ) -> list[Hit]:
        """The :class:`~ragagent.retriever.Retriever` protocol: :meth:`search` with default options."""
        return self.search(query, k, mode, options if options is not None else SearchOptions())

    def terms(self, text: str) -> list[str]:
        """The :class:`~ragagent.retriever.TermAnalyzer` protocol: ``text`` as the BM25 side tokenises it."""
        return self.tokenizer.tokenize([text])[0]

    def source_chunks(self, source: str) -> list[Chunk]:
        """The :class:`~ragagent.retriever.SourceReader` protocol: one source's chunks in document order."""
        return self.store.chunks_for_source(source)

    def titled_sources(self) -> dict[str, tuple[str, ...]]:
        """The :class:`~ragagent.retriever.TitledSources` protocol (read once per opened generation)."""
        if self._titles is None:
            self._titles = self.store.titled_sources()
        return self._titles

    def _hits(self, fused: list[Fused], mode: SearchMode) -> list[Hit]:
        chunks = self.store.get([f.position for f in fused])
        return [
            Hit(chunk=chunks[f.position], score=f.score, retriever=mode, rank=rank, components=f.components)
            for rank, f in enumerate(fused, start=1)
        ]

