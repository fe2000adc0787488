"""The chunk store: a SQLite file mapping FAISS/BM25 positions to chunks and files to hashes.

Written once per generation (never updated in place) and opened read-only afterwards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from ragagent.errors import IndexCorruptError
from ragagent.index.backend import FileRecord
from ragagent.types import Chunk, Span

_SCHEMA = """
CREATE TABLE files (source TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
                    n_chunks INTEGER NOT NULL);
CREATE TABLE chunks (pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, file TEXT NOT NULL,
                     source TEXT NOT NULL, page INTEGER, page_label TEXT, start INTEGER NOT NULL,
                     "end" INTEGER NOT NULL, title TEXT, text TEXT NOT NULL);
CREATE INDEX chunks_file ON chunks(file);
"""
_COLUMNS = 'id, source, page, page_label, start, "end", title, text'


def _row_to_chunk(row: Sequence[object]) -> Chunk:
    cid, source, page, label, start, end, title, text = row
    span = Span(str(source), page if isinstance(page, int) else None, int(start), int(end),  # type: ignore[call-overload]
                label if isinstance(label, str) else None)
    return Chunk(id=str(cid), text=str(text), span=span, title=title if isinstance(title, str) else None)


def write_store(path: Path, files: Iterable[FileRecord], chunks: Iterable[tuple[str, Chunk]]) -> None:
    """Write a new store; ``chunks`` are (file source, chunk) in position order."""
    con = sqlite3.connect(path)
    try:
        con.executescript(_SCHEMA)
        con.executemany("INSERT INTO files VALUES (?, ?, ?, ?)",
                        ((f.source, f.sha256, f.size, f.n_chunks) for f in files))
        con.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((pos, c.id, file, c.span.source, c.span.page, c.span.page_label, c.span.start, c.span.end,
              c.title, c.text) for pos, (file, c) in enumerate(chunks)),
        )
        con.commit()
    finally:
        con.close()


class ChunkStore:
    """Read-only access to a written store."""

    def __init__(self, path: Path) -> None:
        try:
            self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            self._con.execute("SELECT count(*) FROM chunks").fetchone()
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(f"chunk store {path} cannot be read: {exc}") from exc

    def close(self) -> None:
        self._con.close()

    def count(self) -> int:
        return int(self._con.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def get(self, positions: Sequence[int]) -> dict[int, Chunk]:
        if not positions:
            return {}
        marks = ",".join("?" * len(positions))
        rows = self._con.execute(f"SELECT pos, {_COLUMNS} FROM chunks WHERE pos IN ({marks})", list(positions))
        return {int(r[0]): _row_to_chunk(r[1:]) for r in rows}

    def iter_chunks(self) -> Iterable[tuple[int, str, Chunk]]:
        """(position, file source, chunk) for every chunk in position order."""
        for row in self._con.execute(f"SELECT pos, file, {_COLUMNS} FROM chunks ORDER BY pos"):
            yield int(row[0]), str(row[1]), _row_to_chunk(row[2:])

    def texts(self) -> list[str]:
        return [str(r[0]) for r in self._con.execute("SELECT text FROM chunks ORDER BY pos")]

    def files(self) -> dict[str, FileRecord]:
        rows = self._con.execute("SELECT source, sha256, size, n_chunks FROM files")
        return {str(r[0]): FileRecord(str(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows}

    def find(self, chunk_id: str) -> tuple[int, Chunk] | None:
        row = self._con.execute(f"SELECT pos, {_COLUMNS} FROM chunks WHERE id = ?", (chunk_id,)).fetchone()
        return (int(row[0]), _row_to_chunk(row[1:])) if row else None

    def titled_sources(self) -> dict[str, tuple[str, ...]]:
        """Each chunk title and the sources whose chunks carry it (sorted)."""
        rows = self._con.execute("SELECT DISTINCT title, source FROM chunks WHERE title IS NOT NULL ORDER BY source")
        out: dict[str, list[str]] = {}
        for title, source in rows:
            out.setdefault(str(title), []).append(str(source))
        return {t: tuple(s) for t, s in out.items()}

    def chunks_for_source(self, source: str) -> list[Chunk]:
        """The chunks whose span source is exactly ``source`` (one document), in document order."""
        rows = self._con.execute(f"SELECT {_COLUMNS} FROM chunks WHERE source = ? ORDER BY pos", (source,))
        return [_row_to_chunk(r) for r in rows]
