"""The ingest stages before writing: load (skipping unchanged files), chunk, embed.

Each stage is a function over plain values (files, hashes, loaded files, chunks) so another engine (Ray Data)
can run it over batches; :func:`ragagent.ingest.pipeline.ingest_paths` runs them in this process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ragagent.embeddings import Embedder
from ragagent.errors import IngestError, NothingToIngestError
from ragagent.index.backend import Progress
from ragagent.ingest.chunking import Chunker, keep_unseen
from ragagent.ingest.discovery import MISSING, FoundFile
from ragagent.ingest.distributed import LoadSpec, RayStage, needs_work
from ragagent.ingest.documents import IngestFailure, LoadedFile
from ragagent.ingest.loaders import LOADERS, parse_source, read_source
from ragagent.ingest.options import IngestOptions
from ragagent.types import Chunk


@dataclass
class Plan:
    loaded: list[LoadedFile] = field(default_factory=list)
    unchanged: set[str] = field(default_factory=set)
    failures: list[IngestFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks: dict[str, list[Chunk]] | None = None  # already chunked (by Ray), else chunk_all does it


def load_all(found: Sequence[FoundFile], known: Mapping[str, str], opts: IngestOptions,
             progress: Progress) -> Plan:
    """Read and parse each file, skipping those whose SHA-256 equals ``known[source]`` (unchanged)."""
    plan = Plan()
    max_bytes = int(opts.max_file_mb * 2**20)
    for i, f in enumerate(found, start=1):
        try:
            data = read_source(f.path, f.source, max_bytes=max_bytes)
            if f.source in known and known[f.source] == hashlib.sha256(data).hexdigest():
                plan.unchanged.add(f.source)
            else:
                loaded = parse_source(data, f.path.suffix, f.source, opts.jsonl)
                plan.loaded.append(loaded)
                plan.warnings.extend(f"{f.source}: {w}" for w in loaded.warnings)
        except IngestError as exc:
            plan.failures.append(IngestFailure(f.source, exc.reason))
        progress.update("load", i, len(found))
    return plan


def load_on_ray(stage: RayStage, found: Sequence[FoundFile], known: Mapping[str, str], opts: IngestOptions) -> Plan:
    """load_all + chunk_all on Ray: the driver checks the hashes, Ray tasks load and chunk what changed."""
    max_bytes = int(opts.max_file_mb * 2**20)
    todo, unchanged, failures = needs_work(found, known, max_bytes=max_bytes)
    done = stage.load_and_chunk(todo, LoadSpec(opts.chunking(), opts.jsonl, max_bytes))
    order = {f.source: i for i, f in enumerate(found)}
    failed = sorted(failures + done.failures, key=lambda f: order.get(f.source, -1))
    return Plan(done.loaded, unchanged, failed, done.warnings, done.chunks)


def chunk_all(loaded: Sequence[LoadedFile], opts: IngestOptions, progress: Progress,
              warnings: list[str]) -> dict[str, list[Chunk]]:
    """Each file's chunks (a chunk already seen, e.g. a duplicated JSONL record, is skipped with a warning)."""
    chunker = Chunker(opts.chunking())
    out: dict[str, list[Chunk]] = {}
    seen: set[str] = set()
    for i, f in enumerate(loaded, start=1):
        out[f.source] = keep_unseen(chunker.chunk(f.pages), seen, warnings)
        progress.update("chunk", i, len(loaded))
    return out


def embed(embedder: Embedder, chunks: Sequence[Chunk], batch: int, progress: Progress) -> np.ndarray:
    """Embed in length order (less padding per batch), report progress, return rows in chunk order."""
    order = sorted(range(len(chunks)), key=lambda i: len(chunks[i].text))
    out = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    step = max(batch * 16, 256)  # outer slices only report progress; the model batches inside each
    for start in range(0, len(order), step):
        rows = order[start:start + step]
        out[rows] = embedder.embed_documents([chunks[i].text for i in rows])
        progress.update("embed", min(start + step, len(order)), len(order))
    return out


def require_something(paths: Sequence[str | Path], found: Sequence[FoundFile], plan: Plan,
                      opts: IngestOptions) -> None:
    """Nothing found, or every file failed: an error naming the paths (the index is not touched)."""
    if plan.loaded or plan.unchanged:
        return
    where = ", ".join(str(p) for p in paths) or "(no paths)"
    if not found and plan.failures and all(f.reason == MISSING for f in plan.failures):
        raise NothingToIngestError(", ".join(f.source for f in plan.failures), f"{MISSING}; nothing to ingest")
    if plan.failures:
        first = "; ".join(f"{f.source}: {f.reason}" for f in plan.failures[:3])
        more = f" (+{len(plan.failures) - 3} more)" if len(plan.failures) > 3 else ""
        raise NothingToIngestError(where, f"nothing could be ingested: {first}{more}")
    filters = " or matched by --include/--exclude" if opts.include or opts.exclude else ""
    raise NothingToIngestError(where, f"nothing to ingest: no files found (hidden files are skipped{filters}); "
                                      f"supported: {', '.join(sorted(LOADERS))}")
