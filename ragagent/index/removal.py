"""Removing documents (sources) from an index: a new generation without them, committed atomically.

>>> remove_sources(".ragagent", ["notes/old.md"])        # doctest: +SKIP
RemovalReport(removed=('notes/old.md',), chunks_removed=3, chunks_total=41)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ragagent.errors import ConfigError, SourceNotFoundError
from ragagent.index.index import Index
from ragagent.index.options import IngestOptions
from ragagent.index.pipeline import NoProgress
from ragagent.index.storage import remove_stale, writer_lock
from ragagent.index.writer import NewGeneration, write_generation
from ragagent.types import Chunk


@dataclass(frozen=True, slots=True)
class RemovalReport:
    removed: tuple[str, ...]
    chunks_removed: int
    chunks_total: int


def remove_sources(index_dir: str | Path, sources: Sequence[str]) -> RemovalReport:
    """Drop every chunk and file record of ``sources``; the others keep their vectors (nothing is re-embedded).

    Raises :class:`SourceNotFoundError` (index untouched) when a source is not in the index, and
    :class:`~ragagent.errors.IndexLockedError` when another writer holds the lock.
    """
    directory = Path(index_dir)
    with writer_lock(directory):
        previous = Index.open(directory)
        try:
            known = previous.store.files()
            missing = [s for s in sources if s not in known]
            if missing:
                raise SourceNotFoundError(f"no document {missing[0]!r} in index {directory}")
            gone = set(sources)
            if not set(known) - gone:
                raise ConfigError(f"{sorted(gone)[0]!r} is the only document in index {directory}; an index "
                                  "cannot be empty: delete the directory to start over")
            keep: list[int] = []
            chunks: list[tuple[str, Chunk]] = []
            for pos, file, chunk in previous.store.iter_chunks():
                if file not in gone:
                    keep.append(pos)
                    chunks.append((file, chunk))
            dimension = previous.dense.dimension
            vectors = previous.dense.vectors()[keep] if keep else np.zeros((0, dimension), np.float32)
            manifest = previous.manifest
            generation = NewGeneration(
                chunks=chunks, vectors=vectors, files=[r for s, r in known.items() if s not in gone],
                dimension=dimension, model_name=manifest.embedding.model, root=manifest.root or "",
            )
            opts = IngestOptions().resolved(manifest)
            written = write_generation(directory, generation, opts, NoProgress())
        finally:
            previous.close()
        remove_stale(directory, written.generation)
    return RemovalReport(tuple(sorted(gone)), len(previous) - len(chunks), len(chunks))
