"""Ingestion into an index: discover → load → chunk → embed → write, incrementally and atomically.

>>> report = ingest_paths(["examples/corpus"], ".ragagent")     # doctest: +SKIP
>>> report.chunks_total, report.failures                         # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from ragagent.embeddings import Embedder, SentenceTransformerEmbedder
from ragagent.errors import IngestAbortedError, IngestError
from ragagent.index.index import Index, check_embedder
from ragagent.index.manifest import read_manifest
from ragagent.index.options import IngestOptions
from ragagent.index.storage import remove_stale, writer_lock
from ragagent.index.store import FileRecord
from ragagent.index.writer import NewGeneration, write_generation
from ragagent.ingest import Chunker, FoundFile, IngestFailure, LoadedFile, discover, parse_source, read_source
from ragagent.types import Chunk


class Progress(Protocol):
    """Receives progress: ``stage`` is load, chunk, embed or write."""

    def update(self, stage: str, done: int, total: int) -> None: ...


class _NoProgress:
    def update(self, stage: str, done: int, total: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest did. ``partial`` is True when some files failed but others were ingested."""

    index_dir: str
    files_seen: int
    files_added: tuple[str, ...]
    files_changed: tuple[str, ...]
    files_unchanged: int
    files_removed: tuple[str, ...]
    chunks_added: int
    chunks_removed: int
    chunks_total: int
    failures: tuple[IngestFailure, ...]
    warnings: tuple[str, ...]
    committed: bool
    duration_s: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def partial(self) -> bool:
        return bool(self.failures)


@dataclass
class _Plan:
    loaded: list[LoadedFile] = field(default_factory=list)
    unchanged: set[str] = field(default_factory=set)
    failures: list[IngestFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _load_all(found: Sequence[FoundFile], known: dict[str, FileRecord], opts: IngestOptions,
              progress: Progress) -> _Plan:
    import hashlib

    plan = _Plan()
    max_bytes = int(opts.max_file_mb * 2**20)
    for i, f in enumerate(found, start=1):
        try:
            data = read_source(f.path, f.source, max_bytes=max_bytes)
            if f.source in known and known[f.source].sha256 == hashlib.sha256(data).hexdigest():
                plan.unchanged.add(f.source)
            else:
                loaded = parse_source(data, f.path.suffix, f.source, opts.jsonl)
                plan.loaded.append(loaded)
                plan.warnings.extend(f"{f.source}: {w}" for w in loaded.warnings)
        except IngestError as exc:
            plan.failures.append(IngestFailure(f.source, exc.reason))
        progress.update("load", i, len(found))
    return plan


def _chunk_all(loaded: Sequence[LoadedFile], opts: IngestOptions, progress: Progress,
               warnings: list[str]) -> dict[str, list[Chunk]]:
    chunker = Chunker(opts.chunking())
    out: dict[str, list[Chunk]] = {}
    seen: set[str] = set()
    for i, f in enumerate(loaded, start=1):
        chunks = []
        for c in chunker.chunk(f.pages):
            if c.id in seen:
                warnings.append(f"{c.span.source}: duplicate chunk skipped")
                continue
            seen.add(c.id)
            chunks.append(c)
        out[f.source] = chunks
        progress.update("chunk", i, len(loaded))
    return out


def _embed(embedder: Embedder, chunks: Sequence[Chunk], batch: int, progress: Progress) -> np.ndarray:
    """Embed in length order (less padding per batch), report progress, return rows in chunk order."""
    order = sorted(range(len(chunks)), key=lambda i: len(chunks[i].text))
    out = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    step = max(batch * 16, 256)  # outer slices only report progress; the model batches inside each
    for start in range(0, len(order), step):
        rows = order[start:start + step]
        out[rows] = embedder.embed_documents([chunks[i].text for i in rows])
        progress.update("embed", min(start + step, len(order)), len(order))
    return out


def ingest_paths(
    paths: Sequence[str | Path],
    index_dir: str | Path,
    *,
    options: IngestOptions = IngestOptions(),
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files and directories into the index at ``index_dir`` (created if missing).

    Unchanged files (same SHA-256) are skipped, changed files have their chunks replaced, and with
    ``options.prune`` indexed files not found this time are removed. The commit is atomic; with
    ``options.strict`` any failure aborts before the index is touched.
    """
    started = time.perf_counter()
    directory = Path(index_dir)
    sink = progress or _NoProgress()
    with writer_lock(directory):
        remove_stale_staging(directory)
        previous = Index.open(directory, embedder=embedder) if (directory / "manifest.json").exists() else None
        opts = options.resolved(previous.manifest if previous else None)
        found, failures = discover(paths, include=opts.include, exclude=opts.exclude)
        known = previous.store.files() if previous else {}
        plan = _load_all(found, known, opts, sink)
        plan.failures[:0] = failures
        if opts.strict and plan.failures:
            raise IngestAbortedError([(f.source, f.reason) for f in plan.failures])
        return _apply(directory, previous, opts, found, plan, embedder, sink, started)


def remove_stale_staging(directory: Path) -> None:
    keep = read_manifest(directory).generation if (directory / "manifest.json").exists() else None
    remove_stale(directory, keep)


def _apply(directory: Path, previous: Index | None, opts: IngestOptions, found: Sequence[FoundFile],
           plan: _Plan, embedder: Embedder | None, sink: Progress, started: float) -> IngestReport:
    known = previous.store.files() if previous else {}
    found_names = {f.source for f in found}
    failed = {f.source for f in plan.failures}
    removed = sorted(s for s in known if opts.prune and s not in found_names and s not in failed)
    new_chunks = _chunk_all(plan.loaded, opts, sink, plan.warnings)
    changed = [s for s in new_chunks if s in known]
    added = [s for s in new_chunks if s not in known]
    replaced = set(changed) | set(removed)
    kept_chunks, kept_files, kept_vectors, chunks_removed = _carry_over(previous, replaced)
    fresh = [c for cs in new_chunks.values() for c in cs]  # sources differ from kept ones: no id clash
    timings: dict[str, float] = {}
    committed = bool(new_chunks or removed)
    if committed:
        model = embedder or SentenceTransformerEmbedder(str(opts.embedding_model), batch_size=opts.embed_batch_size)
        if previous:
            check_embedder(model, previous.manifest, directory)
        t = time.perf_counter()
        vectors = _embed(model, fresh, opts.embed_batch_size, sink)
        timings["embed_s"] = time.perf_counter() - t
        file_of = {c.id: src for src, cs in new_chunks.items() for c in cs}
        files = kept_files + [_record(f, len(new_chunks[f.source])) for f in plan.loaded]
        generation = NewGeneration(
            chunks=kept_chunks + [(file_of[c.id], c) for c in fresh],
            vectors=np.concatenate([kept_vectors, vectors]) if len(kept_vectors) else vectors,
            files=files, dimension=model.dimension, model_name=model.model_name,
        )
        t = time.perf_counter()
        manifest = write_generation(directory, generation, opts, sink)
        timings["write_s"] = time.perf_counter() - t
        remove_stale(directory, manifest.generation)
        total = manifest.counts.chunks
    else:
        total = len(previous) if previous else 0
    if previous:
        previous.close()
    return IngestReport(
        index_dir=str(directory), files_seen=len(found), files_added=tuple(added), files_changed=tuple(changed),
        files_unchanged=len(plan.unchanged), files_removed=tuple(removed),
        chunks_added=sum(len(v) for v in new_chunks.values()), chunks_removed=chunks_removed, chunks_total=total,
        failures=tuple(plan.failures), warnings=tuple(plan.warnings), committed=committed,
        duration_s=time.perf_counter() - started, timings=timings,
    )


def _record(f: LoadedFile, n_chunks: int) -> FileRecord:
    return FileRecord(f.source, f.sha256, f.size, n_chunks)


def _carry_over(previous: Index | None, replaced: set[str]
                ) -> tuple[list[tuple[str, Chunk]], list[FileRecord], np.ndarray, int]:
    """Chunks, file records and vectors of the previous generation that stay."""
    if previous is None:
        return [], [], np.zeros((0, 0), dtype=np.float32), 0
    keep_pos: list[int] = []
    chunks: list[tuple[str, Chunk]] = []
    removed = 0
    for pos, file, chunk in previous.store.iter_chunks():
        if file in replaced:
            removed += 1
        else:
            keep_pos.append(pos)
            chunks.append((file, chunk))
    files = [r for s, r in previous.store.files().items() if s not in replaced]
    vectors = previous.dense.vectors()[keep_pos] if keep_pos else np.zeros((0, previous.dense.dimension), np.float32)
    return chunks, files, vectors, removed
