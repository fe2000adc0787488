"""``manifest.json``: the single entry point of an index directory.

It names the current generation directory and records the format version, the embedding model
and dimension, the dense and sparse settings, counts, and a SHA-256 of every file in the
generation (checked on open, so truncation or tampering is a clear error, never undefined
behaviour). It is replaced atomically, which is what makes a commit atomic.

Format 2 adds ``root`` (the absolute directory every source name is relative to) and ``sources`` (the
ingested files, so a damaged index can be rebuilt from them). Format 1 indexes are still read; the
next ingest migrates them (see ``ragagent.ingest.naming``).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ragagent.errors import IndexCorruptError, IndexNotFoundError

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EmbeddingInfo(_Frozen):
    model: str
    dimension: int = Field(gt=0)


class SparseInfo(_Frozen):
    engine: str
    method: str
    stopwords: str | None
    stemmer: str | None
    lowercase: bool
    k1: float
    b: float


class Counts(_Frozen):
    files: int = Field(ge=0)
    chunks: int = Field(ge=0)


class Manifest(_Frozen):
    format_version: int
    generation: str = Field(pattern=r"^gen-[0-9a-f]{8,32}$")
    created_at: str
    embedding: EmbeddingInfo
    dense_kind: str
    sparse: SparseInfo
    chunk_size: int
    chunk_overlap: int
    counts: Counts
    file_hashes: dict[str, str]
    root: str | None = None  # absolute; None in format 1
    sources: tuple[str, ...] = ()  # ingested files, relative to root (format 2)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    if not path.is_file():
        raise IndexNotFoundError(f"no index at {directory} (no {MANIFEST}); run `ragagent ingest` first")
    try:
        manifest = Manifest.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise IndexCorruptError(f"{path} is invalid at {where}: {first['msg']}") from exc
    if manifest.format_version not in READABLE_VERSIONS:
        raise IndexCorruptError(
            f"{path} has format version {manifest.format_version}; this ragagent reads "
            f"{' and '.join(map(str, READABLE_VERSIONS))}"
        )
    return manifest


def readable_manifest(directory: Path) -> Manifest | None:
    """The manifest, or None when there is none or it cannot be read (a rebuild goes on without it)."""
    try:
        return read_manifest(directory) if (directory / MANIFEST).exists() else None
    except IndexCorruptError:
        return None
