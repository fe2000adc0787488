"""Load → chunk → embed on a Ray cluster (Ray Data): the distributed form of the local pipeline stages.

The driver discovers the files and checks the hashes of those the index already has
(:func:`needs_work`); :class:`RayStage` then

1. reads, loads and chunks the files that need work in parallel Ray tasks (``Dataset.map``), and
2. embeds their chunks with ``Dataset.map_batches`` over a pool of actors that each load the model once.

It returns what the local stages return (file records, chunks deduplicated the same way, vectors in chunk
order, per-file failures and warnings) plus how much work each node did (:class:`NodeWork`).

>>> with RayStage(RayOptions("local")) as stage:                                  # doctest: +SKIP
...     loaded = stage.load_and_chunk(found, LoadSpec(ChunkingOptions(), JsonlFields(), 2**20))
...     embedded = stage.embed([c for cs in loaded.chunks.values() for c in cs], EmbedSpec("all-MiniLM-L6-v2", 16))
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import numpy as np

from ragagent.errors import IngestError
from ragagent.index.backend import NoProgress, Progress
from ragagent.ingest.chunking import keep_unseen
from ragagent.ingest.discovery import FoundFile
from ragagent.ingest.documents import IngestFailure, LoadedFile
from ragagent.ingest.loaders import read_source
from ragagent.ingest.ray_cluster import RayOptions, RaySession, cluster_cpus, cluster_gpus, node_addresses
from ragagent.ingest.ray_tasks import EmbedActor, EmbedSpec, LoadSpec, chunk_from_json, load_and_chunk
from ragagent.types import Chunk

__all__ = ["EmbedSpec", "Embedded", "LoadSpec", "LoadedChunks", "NodeWork", "RayOptions", "RayStage", "needs_work"]


@dataclass(frozen=True, slots=True)
class NodeWork:
    """What one Ray node did in an ingest: files loaded and chunked, chunks embedded."""

    node_id: str
    address: str
    files: int
    chunks: int


@dataclass
class LoadedChunks:
    """Stage 1's result. ``loaded`` holds file records (their pages were chunked on the workers: empty)."""

    loaded: list[LoadedFile] = field(default_factory=list)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)
    failures: list[IngestFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Embedded:
    """Stage 2's result: one row per chunk, in the order the chunks were given."""

    vectors: np.ndarray
    model_name: str
    dimension: int


def needs_work(found: Sequence[FoundFile], known: Mapping[str, str], *, max_bytes: int
               ) -> tuple[list[FoundFile], set[str], list[IngestFailure]]:
    """The driver's incremental check: (files to load, unchanged sources, failures).

    Only files the index already has (``known``: source -> sha256) are read here, to hash them.
    """
    todo: list[FoundFile] = []
    unchanged: set[str] = set()
    failures: list[IngestFailure] = []
    for f in found:
        if f.source not in known:
            todo.append(f)
            continue
        try:
            data = read_source(f.path, f.source, max_bytes=max_bytes)
        except IngestError as exc:
            failures.append(IngestFailure(f.source, exc.reason))
            continue
        if hashlib.sha256(data).hexdigest() == known[f.source]:
            unchanged.add(f.source)
        else:
            todo.append(f)
    return todo, unchanged, failures


class RayStage:
    """Runs stage 1 (load + chunk) and stage 2 (embed) on Ray; connects on first use, disconnects on exit."""

    def __init__(self, options: RayOptions, progress: Progress | None = None) -> None:
        self.options = options
        self.progress = progress or NoProgress()
        self._session = RaySession(options)
        self._files: Counter[str] = Counter()
        self._chunks: Counter[str] = Counter()
        self._addresses: dict[str, str] = {}

    def __enter__(self) -> RayStage:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def load_and_chunk(self, found: Sequence[FoundFile], spec: LoadSpec) -> LoadedChunks:
        """Load and chunk ``found`` in parallel tasks; chunks are deduplicated in file order as locally."""
        out = LoadedChunks()
        if not found:
            return out
        ray = self._session.ray()
        items = [{"idx": i, "path": str(f.path), "source": f.source} for i, f in enumerate(found)]
        ds = ray.data.from_items(items, override_num_blocks=min(len(items), 4 * cluster_cpus(ray)))
        rows: list[dict[str, Any]] = []
        for row in ds.map(load_and_chunk, fn_kwargs={"spec": spec}).iter_rows():
            rows.append(row)
            self._files[str(row["node"])] += 1
            self.progress.update("load", len(rows), len(items))
        seen: set[str] = set()
        duplicates: list[str] = []  # after the loaders' warnings, as the local pipeline orders them
        for row in sorted(rows, key=lambda r: int(r["idx"])):
            source = str(row["source"])
            if row["reason"]:
                out.failures.append(IngestFailure(source, str(row["reason"])))
                continue
            out.loaded.append(LoadedFile(source, str(row["sha256"]), int(row["size"]), ()))
            out.warnings.extend(f"{source}: {w}" for w in json.loads(row["warnings"]))
            out.chunks[source] = keep_unseen(map(chunk_from_json, json.loads(row["chunks"])), seen, duplicates)
            self.progress.update("chunk", len(out.loaded), len(rows))
        out.warnings.extend(duplicates)
        self._remember_nodes(ray)
        return out

    def embed(self, chunks: Sequence[Chunk], spec: EmbedSpec) -> Embedded:
        """Embed ``chunks`` (at least one) on the actor pool; rows come back in chunk order."""
        if not chunks:
            raise ValueError("RayStage.embed needs at least one chunk")
        ray = self._session.ray()
        actors, cpus, gpus = self._pool(ray)
        spec = EmbedSpec(spec.model_name, spec.batch_size, "cuda" if gpus else "cpu", max(1, int(cpus)),
                         spec.embedder)
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i].text))  # less padding, as locally
        rows_per_batch = max(spec.batch_size * 4, 32)
        blocks = max(1, min(math.ceil(len(order) / rows_per_batch), 1000))
        actors = min(actors, blocks)  # an actor without a batch would only load the model
        ds = ray.data.from_items([{"pos": i, "text": chunks[i].text} for i in order], override_num_blocks=blocks)
        # One batch in flight per actor: a batch goes to whichever actor is free (balanced over nodes).
        pool = ray.data.ActorPoolStrategy(size=actors, max_tasks_in_flight_per_actor=1)
        ds = ds.map_batches(EmbedActor, fn_constructor_kwargs={"spec": spec}, batch_size=rows_per_batch,
                            batch_format="numpy", compute=pool, num_cpus=cpus, num_gpus=gpus or None)
        vectors: np.ndarray | None = None
        model_name, done = spec.model_name, 0
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            got = np.asarray(np.stack(list(batch["vector"])) if batch["vector"].dtype == object else batch["vector"],
                             dtype=np.float32)
            if vectors is None:
                vectors = np.zeros((len(chunks), got.shape[1]), dtype=np.float32)
                model_name = str(batch["model"][0])
            vectors[batch["pos"]] = got
            self._chunks.update(str(n) for n in batch["node"])
            done += len(got)
            self.progress.update("embed", done, len(chunks))
        self._remember_nodes(ray)
        assert vectors is not None and done == len(chunks), "Ray returned fewer vectors than chunks"
        return Embedded(vectors, model_name, int(vectors.shape[1]))

    def nodes(self) -> tuple[NodeWork, ...]:
        """Work per node so far (files loaded, chunks embedded), busiest first."""
        ids = sorted(set(self._files) | set(self._chunks), key=lambda n: (-self._chunks[n], -self._files[n], n))
        return tuple(NodeWork(n, self._addresses.get(n, ""), self._files[n], self._chunks[n]) for n in ids)

    def _pool(self, ray: Any) -> tuple[int, float, float]:
        """(actors, CPUs per actor, GPUs per actor) for the embedding pool."""
        gpus = self.options.gpus_per_actor
        if gpus:
            default = max(1, int(cluster_gpus(ray) // gpus))
            return self.options.actors or default, 1.0, gpus
        return self.options.actors or cluster_cpus(ray), 1.0, 0.0

    def _remember_nodes(self, ray: Any) -> None:
        self._addresses.update(node_addresses(ray))

