"""Searching a Milvus index: the same :class:`~ragagent.types.Hit`\\ s as the local backend.

Dense (inner product over normalised MiniLM vectors) and sparse (Milvus' BM25 function over our tokeniser's
terms) are searched separately and fused client-side by :func:`ragagent.index.fusion.fuse` (identical
semantics to the local index), or by Milvus' own rankers (``milvus-rrf``, ``milvus-weighted``); every hit
keeps each retriever's own rank and score in ``components``.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ragagent.embeddings import QUERY_ENCODER_ENV, Embedder, query_embedder
from ragagent.errors import IndexNotFoundError
from ragagent.index.backend import FileRecord, check_embedding
from ragagent.index.fusion import Fused, fuse
from ragagent.index.info import IndexInfo
from ragagent.index.milvus.client import MilvusTarget, commits, connect, quoted, release, sole_user
from ragagent.index.milvus.rows import all_rows, chunk_of, collect_garbage
from ragagent.index.milvus.schema import CHUNK_FIELDS, SOURCE_FIELDS, read_meta, settings_of, visible
from ragagent.index.tokenize import Tokenizer
from ragagent.options import QueryBackend
from ragagent.retriever import SearchOptions, check_query
from ragagent.types import Chunk, Hit, RetrieverScore, SearchMode


class MilvusIndex:
    """A Milvus collection pair as a :class:`~ragagent.retriever.DocumentRetriever` (and TermAnalyzer)."""

    def __init__(self, client: Any, target: MilvusTarget, meta: dict[str, Any], embedder: Embedder | None,
                 query_encoder: QueryBackend | None) -> None:
        self.client, self.target = client, target
        self.directory = target.spec  # what the face prints as the index's location
        self._embedder = embedder
        self.query_encoder = query_encoder
        self._seen = commits(target)
        self._titles: tuple[int, dict[str, tuple[str, ...]]] | None = None  # (generation, titles)
        self._use(meta)

    def _use(self, meta: dict[str, Any]) -> None:
        """Show the generation ``meta`` names (its settings too: a rebuild may change them)."""
        self.meta = meta
        self.settings, self.embedding = settings_of(meta)
        self.tokenizer = Tokenizer(stopwords=self.settings.stopwords, stemmer=self.settings.stemmer)
        if self._embedder is not None:
            check_embedding(self._embedder.model_name, self._embedder.dimension, self.embedding, self.target.spec)

    @classmethod
    def open(cls, spec: str, *, embedder: Embedder | None = None,
             query_encoder: QueryBackend | None = None) -> MilvusIndex:
        target = MilvusTarget.parse(spec)
        if target.lite and not Path(target.uri).exists():  # never create a file just to find it empty
            raise IndexNotFoundError(f"no index at {spec}; run `ragagent ingest PATH... --index {spec}` first")
        client = connect(target)
        if not client.has_collection(target.collection) or not client.has_collection(target.sources):
            release(target, client)
            raise IndexNotFoundError(f"no index at {spec}; run `ragagent ingest PATH... --index {spec}` first")
        for name in (target.collection, target.sources):
            client.load_collection(name)
        meta = read_meta(client, target)
        if meta is None:
            release(target, client)
            raise IndexNotFoundError(f"index {spec} has no committed ingest yet; run `ragagent ingest` first")
        if sole_user(target):  # a Lite file is this process's alone: tidy up after a killed commit
            collect_garbage(client, target, int(meta["generation"]))
        return cls(client, target, meta, embedder, query_encoder)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            backend = self.query_encoder or os.environ.get(QUERY_ENCODER_ENV) or "auto"
            self._embedder = query_embedder(self.embedding.model, backend=backend)  # type: ignore[arg-type]
            check_embedding(self._embedder.model_name, self._embedder.dimension, self.embedding, self.target.spec)
        return self._embedder

    @property
    def generation(self) -> int:
        """The live generation: always the committed one (this is a live view, unlike the local index's).

        A Milvus Lite file is this process's alone, so its ``@meta`` row is re-read only after a commit made here
        (a server's upload); a Milvus server's is re-read every time (any writer may commit).
        """
        if not self.target.lite or commits(self.target) != self._seen:
            self._seen = commits(self.target)
            meta = read_meta(self.client, self.target)
            if meta is not None and meta != self.meta:
                self._use(meta)
        return int(self.meta["generation"])

    def is_current(self) -> bool:
        """The :class:`~ragagent.index.info.Versioned` protocol: always (this view follows the live generation)."""
        return True

    def info(self) -> IndexInfo:
        """The :class:`~ragagent.index.info.Described` protocol: the live generation in backend-neutral fields."""
        generation = self.generation
        where = f"{visible(generation)} and key != \"@meta\""
        documents = self.client.query(self.target.sources, filter=where, output_fields=["count(*)"])
        return IndexInfo(backend="milvus-lite" if self.target.lite else "milvus", location=self.target.spec,
                         generation=str(generation), documents=int(documents[0]["count(*)"]), chunks=len(self),
                         embedding=self.embedding, root=self.meta["root"])

    def __len__(self) -> int:
        rows = self.client.query(self.target.collection, filter=visible(self.generation),
                                 output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def close(self) -> None:
        release(self.target, self.client)

    def terms(self, text: str) -> list[str]:
        """The :class:`~ragagent.retriever.TermAnalyzer` protocol: ``text`` as the BM25 side sees it."""
        return self.tokenizer.tokenize([text])[0]

    def files(self) -> list[FileRecord]:
        """The :class:`~ragagent.index.info.FileCatalog` protocol: every ingested file, sorted by source."""
        where = f"{visible(self.generation)} and key != \"@meta\""
        rows = all_rows(self.client, self.target.sources, where, SOURCE_FIELDS)
        return sorted((FileRecord(str(r["source"]), str(r["sha256"]), int(r["size"]), int(r["n_chunks"]))
                       for r in rows), key=lambda f: f.source)

    def describe(self) -> dict[str, Any]:
        """What ``ragagent info`` shows: backend, where, generation, settings, counts and every source."""
        return {
            "backend": "milvus-lite" if self.target.lite else "milvus", "index": self.target.spec,
            "uri": self.target.uri, "collection": self.target.collection, "generation": self.generation,
            "settings": self.meta["settings"], "embedding": self.meta["embedding"], "root": self.meta["root"],
            "chunks": len(self), "dense_index": str(self.client.describe_index(self.target.collection, "dense")
                                                    .get("index_type", "")),
            "sources": [asdict(f) for f in self.files()],
        }

    def source_chunks(self, source: str) -> list[Chunk]:
        """The :class:`~ragagent.retriever.SourceReader` protocol: one source's chunks in document order."""
        where = f"{visible(self.generation)} and source == {quoted(source)}"
        rows = all_rows(self.client, self.target.collection, where, CHUNK_FIELDS)
        return [chunk_of(r) for r in sorted(rows, key=lambda r: (r["page"] or 0, int(r["start"])))]

    def titled_sources(self) -> dict[str, tuple[str, ...]]:
        """The :class:`~ragagent.retriever.TitledSources` protocol (read once per generation)."""
        generation = self.generation
        if self._titles is None or self._titles[0] != generation:
            found: dict[str, set[str]] = {}
            for row in all_rows(self.client, self.target.collection, visible(generation), ["source", "title"]):
                if row["title"]:
                    found.setdefault(str(row["title"]), set()).add(str(row["source"]))
            self._titles = (generation, {t: tuple(sorted(s)) for t, s in found.items()})
        return self._titles[1]

    def retrieve(self, query: str, k: int = 10, mode: SearchMode = "hybrid",
                 options: SearchOptions | None = None) -> list[Hit]:
        """The :class:`~ragagent.retriever.Retriever` protocol."""
        return self.search(query, k, mode, options if options is not None else SearchOptions())

    def search(self, query: str, k: int = 10, mode: SearchMode = "hybrid",
               options: SearchOptions = SearchOptions()) -> list[Hit]:
        check_query(k, mode)
        where = visible(self.generation)
        depth = max(k, options.fetch_k) if mode == "hybrid" else k
        requests = self._requests(query, mode, depth, where)
        rows: dict[int, dict[str, Any]] = {}
        positions: dict[str, int] = {}
        lists: dict[str, list[tuple[int, float]]] = {}
        for name, (data, field, params) in requests.items():
            found = self.client.search(self.target.collection, data=[data], anns_field=field, limit=depth,
                                       filter=where, output_fields=CHUNK_FIELDS, search_params=params)
            ranked = sorted(found[0], key=lambda h: (-_score(name, h), str(h["entity"]["id"])))  # ties: by id
            lists[name] = [(self._position(h, positions, rows), _score(name, h)) for h in ranked]
        if mode == "hybrid" and options.fusion.startswith("milvus-"):
            fused = self._milvus_fused(requests, options, k, where, lists, positions, rows)
        else:
            fused = fuse(lists, mode, options)[:k]
        return [Hit(chunk=chunk_of(rows[f.position]), score=f.score, retriever=mode, rank=rank,
                    components=f.components) for rank, f in enumerate(fused, start=1)]

    def _requests(self, query: str, mode: SearchMode, depth: int,
                  where: str) -> dict[str, tuple[Any, str, dict[str, Any]]]:
        out: dict[str, tuple[Any, str, dict[str, Any]]] = {}
        if mode in ("hybrid", "dense"):
            vector = [float(x) for x in self.embedder.embed_query(query)]
            out["dense"] = (vector, "dense", {"metric_type": "IP", "params": {"ef": max(depth, 128)}})
        if mode in ("hybrid", "sparse") and (terms := " ".join(self.terms(query))):
            out["sparse"] = (terms, "sparse", {"metric_type": "BM25"})
        return out

    @staticmethod
    def _position(hit: dict[str, Any], positions: dict[str, int], rows: dict[int, dict[str, Any]]) -> int:
        entity = hit["entity"]
        pos = positions.setdefault(str(entity["id"]), len(positions))
        rows.setdefault(pos, entity)
        return pos

    def _milvus_fused(self, requests: dict[str, tuple[Any, str, dict[str, Any]]], options: SearchOptions, k: int,
                      where: str, lists: dict[str, list[tuple[int, float]]], positions: dict[str, int],
                      rows: dict[int, dict[str, Any]]) -> list[Fused]:
        """Milvus' own ranker over both requests; components come from the single-retriever lists."""
        from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

        reqs = [AnnSearchRequest([data], field, params, options.fetch_k, expr=where)
                for data, field, params in requests.values()]
        ranker = (RRFRanker(options.rrf_k) if options.fusion == "milvus-rrf"
                  else WeightedRanker(*[options.dense_weight if n == "dense" else options.sparse_weight
                                        for n in requests]))
        found = self.client.hybrid_search(self.target.collection, reqs, ranker, limit=k, output_fields=CHUNK_FIELDS)
        ranks = {name: {pos: (rank, score) for rank, (pos, score) in enumerate(hits, start=1)}
                 for name, hits in lists.items()}
        out = []
        for h in found[0]:
            pos = self._position(h, positions, rows)
            parts = tuple(RetrieverScore(name, *ranks[name][pos]) for name in lists if pos in ranks[name])
            out.append(Fused(pos, float(h["distance"]), parts))
        return out


def _score(retriever: str, hit: dict[str, Any]) -> float:
    """The retriever's own score. BM25 scores are non-negative; Milvus Lite reports them negated."""
    distance = float(hit["distance"])
    return abs(distance) if retriever == "sparse" else distance
