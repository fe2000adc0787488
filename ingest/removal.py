"""Removing documents (sources) from an index through the writer API: one atomic commit without them.

Nothing is re-embedded: the backend carries the other files' chunks and vectors over.

>>> remove_sources(".ragagent", ["notes/old.md"])        # doctest: +SKIP
RemovalReport(removed=('notes/old.md',), chunks_removed=3, chunks_total=41)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ragagent.errors import ConfigError, IndexNotFoundError, SourceNotFoundError
from ragagent.index import open_writer
from ragagent.index.backend import Change, NoProgress


@dataclass(frozen=True, slots=True)
class RemovalReport:
    removed: tuple[str, ...]
    chunks_removed: int
    chunks_total: int


def remove_sources(index: str | Path, sources: Sequence[str]) -> RemovalReport:
    """Drop every chunk and file record of ``sources`` from the index ``index`` (a directory or spec).

    Raises (the index untouched) :class:`SourceNotFoundError` when a source is not in the index,
    :class:`~ragagent.errors.ConfigError` when nothing would be left, and
    :class:`~ragagent.errors.IndexLockedError` when another writer holds the lock.
    """
    with open_writer(index) as writer:
        state = writer.state
        if state.settings is None or state.embedding is None:
            raise IndexNotFoundError(f"no index at {index}")
        missing = [s for s in sources if s not in state.files]
        if missing:
            raise SourceNotFoundError(f"no document {missing[0]!r} in index {index}")
        gone = frozenset(sources)
        if not set(state.files) - gone:
            raise ConfigError(f"{sorted(gone)[0]!r} is the only document in index {index}; an index cannot be "
                              "empty: delete it to start over")
        change = Change(settings=state.settings, embedding=state.embedding, root=state.root or "", files=(),
                        chunks=(), vectors=np.zeros((0, state.embedding.dimension), np.float32), replaced=gone)
        committed = writer.commit(change, NoProgress())
    return RemovalReport(tuple(sorted(gone)), committed.chunks_removed, committed.chunks_total)
