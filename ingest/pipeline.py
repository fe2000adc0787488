"""Ingestion into an index: discover → load → chunk → embed → commit, incrementally and atomically.

The pipeline works against the index's writer API (:mod:`ragagent.index.backend`), so it does not know
which backend it writes to (a FAISS + bm25s directory, or Milvus).

>>> report = ingest_paths(["examples/corpus"], ".ragagent")     # doctest: +SKIP
>>> report.chunks_total, report.failures                         # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ragagent.embeddings import Embedder, SentenceTransformerEmbedder
from ragagent.errors import IngestAbortedError
from ragagent.index import open_writer
from ragagent.index.backend import (
    Change,
    Embedding,
    FileRecord,
    IndexState,
    IndexWriter,
    NoProgress,
    Progress,
    check_embedding,
)
from ragagent.ingest.discovery import FoundFile, discover
from ragagent.ingest.distributed import EmbedSpec, NodeWork, RayStage
from ragagent.ingest.documents import IngestFailure
from ragagent.ingest.naming import SourceNaming, naming_for, recorded_sources
from ragagent.ingest.options import IngestOptions
from ragagent.ingest.stages import Plan, chunk_all, embed, load_all, load_on_ray, require_something
from ragagent.types import Chunk

__all__ = ["IngestReport", "ingest_paths"]


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
    nodes: tuple[NodeWork, ...] = ()  # with Ray: what each node loaded and embedded, busiest first

    @property
    def partial(self) -> bool:
        return bool(self.failures)


@dataclass(frozen=True, slots=True)
class _Work:
    """What was found and loaded, and how files are named."""

    found: Sequence[FoundFile]
    plan: Plan
    naming: SourceNaming
    renames: dict[str, str]


def ingest_paths(
    paths: Sequence[str | Path],
    index_dir: str | Path,
    *,
    options: IngestOptions = IngestOptions(),
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files and directories into the index ``index_dir`` (a directory, created if missing, or a
    ``milvus:`` spec; see :func:`ragagent.index.open_writer`).

    Unchanged files (same SHA-256) are skipped, changed files have their chunks replaced, and with
    ``options.prune`` indexed files not found this time are removed. The commit is atomic; with
    ``options.strict`` any failure aborts before the index is touched. Files are named relative to the
    index's root (see :mod:`ragagent.ingest.naming`). ``options.rebuild`` builds a fresh index from
    ``paths`` (or, when none are given, from the sources the index records), keeping the old one until
    the new one commits. Raises :class:`~ragagent.errors.NothingToIngestError` when nothing could be ingested.
    """
    started = time.perf_counter()
    sink = progress or NoProgress()
    with open_writer(index_dir, rebuild=options.rebuild) as writer, _ray_stage(options, sink) as stage:
        state = writer.state
        if embedder is not None and state.embedding is not None and not options.rebuild:
            check_embedding(embedder.model_name, embedder.dimension, state.embedding, str(index_dir))
        opts = options.resolved(state.settings, may_change=options.rebuild, dense_kinds=state.dense_kinds)
        work = (_plan_rebuild(paths, state, opts, sink, stage) if opts.rebuild
                else _plan(paths, state, opts, sink, stage))
        return _apply(writer, str(index_dir), opts, work, embedder, sink, started, stage)


def _ray_stage(options: IngestOptions, sink: Progress) -> AbstractContextManager[RayStage | None]:
    """Ray (connected on first use, only if some file needs work), or None for the local stages."""
    return RayStage(options.ray, sink) if options.ray is not None else nullcontext()


def _plan(paths: Sequence[str | Path], state: IndexState, opts: IngestOptions, sink: Progress,
          stage: RayStage | None) -> _Work:
    found, failures = discover(paths, include=opts.include, exclude=opts.exclude)
    naming, renames = naming_for(state, found)
    found = naming.assign(found)
    known = {renames.get(s, s): r.sha256 for s, r in state.files.items()}
    plan = _loaded(paths, found, failures, known, opts, sink, stage)
    if renames:
        plan.warnings.insert(0, f"index root is now {naming.root}: the names of {len(renames)} stored "
                                "file(s) were rewritten relative to it")
    return _Work(found, plan, naming, renames)


def _plan_rebuild(paths: Sequence[str | Path], state: IndexState, opts: IngestOptions, sink: Progress,
                  stage: RayStage | None) -> _Work:
    """A fresh index from ``paths`` or the recorded sources; the old one stays until the commit."""
    if paths:
        found, failures = discover(paths, include=opts.include, exclude=opts.exclude)
        naming = SourceNaming(SourceNaming.common_root([f.base for f in found], None))
    else:
        naming, found, failures = recorded_sources(state)
    found = naming.assign(found)
    plan = _loaded(paths or [str(naming.root)], found, failures, {}, opts, sink, stage)
    return _Work(found, plan, naming, {})


def _loaded(paths: Sequence[str | Path], found: Sequence[FoundFile], failures: list[IngestFailure],
            known: dict[str, str], opts: IngestOptions, sink: Progress, stage: RayStage | None) -> Plan:
    plan = load_all(found, known, opts, sink) if stage is None else load_on_ray(stage, found, known, opts)
    plan.failures[:0] = failures
    require_something(paths, found, plan, opts)
    if opts.strict and plan.failures:
        raise IngestAbortedError([(f.source, f.reason) for f in plan.failures])
    return plan


def _apply(writer: IndexWriter, location: str, opts: IngestOptions, work: _Work, embedder: Embedder | None,
           sink: Progress, started: float, stage: RayStage | None) -> IngestReport:
    state, plan = writer.state, work.plan
    known = set() if opts.rebuild else {work.renames.get(s, s) for s in state.files}
    found_names = {f.source for f in work.found}
    failed = {f.source for f in plan.failures}
    removed = sorted(s for s in known if opts.prune and s not in found_names and s not in failed)
    new_chunks = plan.chunks if plan.chunks is not None else chunk_all(plan.loaded, opts, sink, plan.warnings)
    changed = [s for s in new_chunks if s in known]
    added = [s for s in new_chunks if s not in known]
    timings: dict[str, float] = {}
    committed = bool(new_chunks or removed or work.renames or opts.rebuild or state.root is None)
    chunks_removed, total = 0, sum(r.n_chunks for r in state.files.values())
    if committed:
        fresh = [c for cs in new_chunks.values() for c in cs]  # sources differ from kept ones: no id clash
        t = time.perf_counter()
        vectors, model = _embed(fresh, opts, embedder, sink, stage, None if opts.rebuild else state.embedding,
                                location)
        timings["embed_s"] = time.perf_counter() - t
        file_of = {c.id: src for src, cs in new_chunks.items() for c in cs}
        change = Change(
            settings=opts.index_settings(), embedding=model,
            root=str(work.naming.root),
            files=[FileRecord(f.source, f.sha256, f.size, len(new_chunks[f.source])) for f in plan.loaded],
            chunks=[(file_of[c.id], c) for c in fresh], vectors=vectors,
            replaced=frozenset(changed) | frozenset(removed), renames=work.renames, fresh=opts.rebuild,
        )
        t = time.perf_counter()
        done = writer.commit(change, sink)
        timings["write_s"] = time.perf_counter() - t
        chunks_removed, total = done.chunks_removed, done.chunks_total
    return IngestReport(
        index_dir=location, files_seen=len(work.found), files_added=tuple(added), files_changed=tuple(changed),
        files_unchanged=len(plan.unchanged), files_removed=tuple(removed),
        chunks_added=sum(len(v) for v in new_chunks.values()), chunks_removed=chunks_removed, chunks_total=total,
        failures=tuple(plan.failures), warnings=tuple(plan.warnings), committed=committed,
        duration_s=time.perf_counter() - started, timings=timings, root=str(work.naming.root), rebuilt=opts.rebuild,
        nodes=stage.nodes() if stage is not None else (),
    )


def _embed(fresh: Sequence[Chunk], opts: IngestOptions, embedder: Embedder | None, sink: Progress,
           stage: RayStage | None, recorded: Embedding | None, location: str) -> tuple[np.ndarray, Embedding]:
    """The vectors of ``fresh`` and their model, checked against the index's: on the Ray actors, or here."""
    if stage is not None and fresh:  # the model is loaded on the actors only
        done = stage.embed(fresh, EmbedSpec(str(opts.embedding_model), opts.embed_batch_size, embedder=embedder))
        if recorded is not None:
            check_embedding(done.model_name, done.dimension, recorded, location)
        return done.vectors, Embedding(done.model_name, done.dimension)
    model = embedder or SentenceTransformerEmbedder(str(opts.embedding_model), batch_size=opts.embed_batch_size)
    if recorded is not None:
        check_embedding(model.model_name, model.dimension, recorded, location)
    return embed(model, fresh, opts.embed_batch_size, sink), Embedding(model.model_name, model.dimension)
