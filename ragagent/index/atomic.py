"""Durable storage primitives: the writer lock, file hashing, fsync and the atomic commit.

Layout of an index directory::

    manifest.json          -> names the live generation (replaced atomically)
    gen-<id>/              -> chunks.sqlite, dense.faiss, sparse/ (immutable once committed)
    .lock                  -> flock held by the one writer
    .tmp-<id>/             -> a generation being written (removed by the next writer if left over)

A crash before the manifest is replaced leaves the previous generation live and loadable.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from ragagent.errors import IndexCorruptError, IndexLockedError
from ragagent.index.manifest import MANIFEST, Manifest

LOCK = ".lock"


@contextlib.contextmanager
def writer_lock(directory: Path) -> Iterator[None]:
    """Hold the index's exclusive writer lock (released on exit or process death)."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise IndexLockedError(
                f"index {directory} is being written by another process (pid {holder}); try again when it ends"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()}


def verify_tree(root: Path, expected: dict[str, str]) -> None:
    """Raise IndexCorruptError unless ``root`` holds exactly the expected files and hashes."""
    if not root.is_dir():
        raise IndexCorruptError(f"generation directory {root} is missing")
    actual = hash_tree(root)
    for name, digest in expected.items():
        if name not in actual:
            raise IndexCorruptError(f"index file {root / name} is missing")
        if actual[name] != digest:
            raise IndexCorruptError(f"index file {root / name} does not match its checksum (corrupted or modified)")
    extra = sorted(set(actual) - set(expected))
    if extra:
        raise IndexCorruptError(f"unexpected file {root / extra[0]} in the index")


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_staging_dir(directory: Path) -> tuple[Path, str]:
    gen_id = uuid.uuid4().hex[:16]
    staging = directory / f".tmp-{gen_id}"
    staging.mkdir()
    return staging, f"gen-{gen_id}"


def commit(directory: Path, staging: Path, manifest: Manifest) -> None:
    """fsync the staged files, move them into place, then atomically replace the manifest."""
    for p in staging.rglob("*"):
        _fsync_path(p)
    final = directory / manifest.generation
    staging.rename(final)
    _fsync_path(directory)
    tmp = directory / f".{MANIFEST}.{manifest.generation}"
    with tmp.open("w", encoding="utf-8") as f:
        f.write(manifest.to_json())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, directory / MANIFEST)
    _fsync_path(directory)


def remove_stale(directory: Path, keep: str | None, *, generations: bool = True) -> None:
    """Delete generations other than ``keep`` and leftover staging dirs (call under the lock).

    With ``generations=False`` only staging dirs go: a rebuild keeps the damaged generation until the
    new one has committed.
    """
    for p in directory.iterdir():
        old_generation = generations and p.name.startswith("gen-") and p.name != keep
        if p.is_dir() and (p.name.startswith(".tmp-") or old_generation):
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(f".{MANIFEST}."):
            p.unlink(missing_ok=True)
