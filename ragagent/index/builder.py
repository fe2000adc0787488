"""Ingestion into an index: discover → load → chunk → embed → write, incrementally and atomically.

>>> report = ingest_paths(["examples/corpus"], ".ragagent")     # doctest: +SKIP
>>> report.chunks_total, report.failures                         # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ragagent.embeddings import Embedder, SentenceTransformerEmbedder
from ragagent.errors import IngestAbortedError
from ragagent.index.index import Index, check_embedder
from ragagent.index.options import IngestOptions
from ragagent.index.pipeline import NoProgress, Plan, Progress, chunk_all, embed, load_all, require_something
from ragagent.index.sources import (
    SourceNaming,
    naming_for,
    readable_manifest,
    recorded_sources,
    rename_chunk_source,
    root_of,
)
from ragagent.index.storage import remove_stale, writer_lock
from ragagent.index.store import FileRecord
from ragagent.index.writer import NewGeneration, write_generation
from ragagent.ingest import FoundFile, IngestFailure, LoadedFile, discover
from ragagent.types import Chunk

__all__ = ["IngestReport", "Progress", "ingest_paths"]


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
    root: str = ""  # the absolute directory the file names are relative to
    rebuilt: bool = False

    @property
    def partial(self) -> bool:
        return bool(self.failures)


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
    ``options.strict`` any failure aborts before the index is touched. Files are named relative to the
    index's root (see :mod:`ragagent.index.sources`). ``options.rebuild`` builds a fresh generation from
    ``paths`` (or, when none are given, from the sources the manifest records), keeping the old one until
    the new one commits. Raises :class:`~ragagent.errors.NothingToIngestError` when nothing could be ingested.
    """
    started = time.perf_counter()
    directory = Path(index_dir)
    sink = progress or NoProgress()
    with writer_lock(directory):
        if options.rebuild:
            return _rebuild(paths, directory, options, embedder, sink, started)
        previous = Index.open(directory, embedder=embedder) if (directory / "manifest.json").exists() else None
        remove_stale(directory, previous.manifest.generation if previous else None)
        opts = options.resolved(previous.manifest if previous else None)
        found, failures = discover(paths, include=opts.include, exclude=opts.exclude)
        known = previous.store.files() if previous else {}
        naming, renames = naming_for(directory, previous.manifest if previous else None, known, found)
        found = naming.assign(found)
        known = {renames.get(s, s): replace(r, source=renames.get(s, s)) for s, r in known.items()}
        plan = load_all(found, known, opts, sink)
        plan.failures[:0] = failures
        require_something(paths, found, plan, opts)
        if opts.strict and plan.failures:
            raise IngestAbortedError([(f.source, f.reason) for f in plan.failures])
        if renames:
            plan.warnings.insert(0, f"index root is now {naming.root}: the names of {len(renames)} stored "
                                    "file(s) were rewritten relative to it")
        return _apply(directory, previous, opts, found, plan, embedder, sink, started, naming, renames)


def _rebuild(paths: Sequence[str | Path], directory: Path, options: IngestOptions, embedder: Embedder | None,
             sink: Progress, started: float) -> IngestReport:
    """A fresh generation from ``paths`` or the recorded sources; the old one stays until the commit."""
    remove_stale(directory, None, generations=False)
    manifest = readable_manifest(directory)
    opts = options.resolved(manifest, may_change=True)
    if paths:
        found, failures = discover(paths, include=opts.include, exclude=opts.exclude)
        naming = SourceNaming(SourceNaming.common_root([f.base for f in found], None))
    else:
        naming, found, failures = recorded_sources(directory, manifest)
    found = naming.assign(found)
    plan = load_all(found, {}, opts, sink)
    plan.failures[:0] = failures
    require_something(paths or [str(naming.root)], found, plan, opts)
    if opts.strict and plan.failures:
        raise IngestAbortedError([(f.source, f.reason) for f in plan.failures])
    return _apply(directory, None, opts, found, plan, embedder, sink, started, naming, {})


def _apply(directory: Path, previous: Index | None, opts: IngestOptions, found: Sequence[FoundFile],
           plan: Plan, embedder: Embedder | None, sink: Progress, started: float, naming: SourceNaming,
           renames: dict[str, str]) -> IngestReport:
    known = {renames.get(s, s): r for s, r in previous.store.files().items()} if previous else {}
    found_names = {f.source for f in found}
    failed = {f.source for f in plan.failures}
    removed = sorted(s for s in known if opts.prune and s not in found_names and s not in failed)
    new_chunks = chunk_all(plan.loaded, opts, sink, plan.warnings)
    changed = [s for s in new_chunks if s in known]
    added = [s for s in new_chunks if s not in known]
    replaced = set(changed) | set(removed)
    kept_chunks, kept_files, kept_vectors, chunks_removed = _carry_over(previous, replaced, renames)
    fresh = [c for cs in new_chunks.values() for c in cs]  # sources differ from kept ones: no id clash
    timings: dict[str, float] = {}
    committed = bool(new_chunks or removed or renames or previous is None or root_of(previous.manifest) is None)
    if committed:
        model = embedder or SentenceTransformerEmbedder(str(opts.embedding_model), batch_size=opts.embed_batch_size)
        if previous:
            check_embedder(model, previous.manifest, directory)
        t = time.perf_counter()
        vectors = embed(model, fresh, opts.embed_batch_size, sink)
        timings["embed_s"] = time.perf_counter() - t
        file_of = {c.id: src for src, cs in new_chunks.items() for c in cs}
        files = kept_files + [_record(f, len(new_chunks[f.source])) for f in plan.loaded]
        generation = NewGeneration(
            chunks=kept_chunks + [(file_of[c.id], c) for c in fresh],
            vectors=np.concatenate([kept_vectors, vectors]) if len(kept_vectors) else vectors,
            files=files, dimension=model.dimension, model_name=model.model_name, root=str(naming.root),
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
        duration_s=time.perf_counter() - started, timings=timings, root=str(naming.root), rebuilt=opts.rebuild,
    )


def _record(f: LoadedFile, n_chunks: int) -> FileRecord:
    return FileRecord(f.source, f.sha256, f.size, n_chunks)


def _carry_over(previous: Index | None, replaced: set[str], renames: dict[str, str]
                ) -> tuple[list[tuple[str, Chunk]], list[FileRecord], np.ndarray, int]:
    """Chunks, file records and vectors of the previous generation that stay (renamed if the root widened)."""
    if previous is None:
        return [], [], np.zeros((0, 0), dtype=np.float32), 0
    keep_pos: list[int] = []
    chunks: list[tuple[str, Chunk]] = []
    removed = 0
    for pos, file, chunk in previous.store.iter_chunks():
        name = renames.get(file, file)
        if name in replaced:
            removed += 1
        else:
            keep_pos.append(pos)
            chunks.append((name, _renamed(chunk, file, renames)))
    files = [replace(r, source=renames.get(s, s)) for s, r in previous.store.files().items()
             if renames.get(s, s) not in replaced]
    vectors = previous.dense.vectors()[keep_pos] if keep_pos else np.zeros((0, previous.dense.dimension), np.float32)
    return chunks, files, vectors, removed


def _renamed(chunk: Chunk, file: str, renames: dict[str, str]) -> Chunk:
    source = rename_chunk_source(file, chunk.span.source, renames)
    if source == chunk.span.source:
        return chunk
    return Chunk.create(chunk.text, replace(chunk.span, source=source), title=chunk.title)
