"""Root mode: bubblewrap runs as host uid 65534, so every file it binds must be readable by that uid.

When we are root, the sandbox is started by an unprivileged host user (``SANDBOX_ID``), never by root:
no sandbox uid is ever host root, and bubblewrap's own ``--disable-userns`` works.  An interpreter that
lives where uid 65534 cannot reach (pyenv under ``/root``, mode 0700) is copied once into a root-owned,
read-only cache (``/var/cache/ragagent``; about 110 MB for CPython 3.11 without its tests and
site-packages) and bound from there at its original paths.  The copy is also not a live view of the
files the host itself imports.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from ragagent.errors import SandboxUnavailableError
from ragagent.sandbox._layout import PythonLayout

SANDBOX_ID = 65534
CACHE_ROOT = Path("/var/cache/ragagent")
_NOT_COPIED = ("site-packages", "dist-packages", "test", "idlelib", "tkinter", "turtledemo", "ensurepip")

Binds = tuple[tuple[str, str], ...]  # (host source, path inside the sandbox)


def root_mode() -> bool:
    """True when we run as root: bubblewrap is then started as host uid 65534."""
    return os.geteuid() == 0


def world_readable(path: str) -> bool:
    """Can any user read ``path`` (and search every directory above it)?"""
    target = Path(path)
    for parent in target.parents:
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return False
    mode = os.stat(target).st_mode
    need = stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)
    return mode & need == need


@functools.cache
def host_binds(layout: PythonLayout, unprivileged: bool) -> tuple[Binds, tuple[str, ...]]:
    """The ``(source, dest)`` read-only binds and the masked dirs, mirrored for uid 65534 when needed."""
    if not unprivileged or all(world_readable(path) for path in layout.binds):
        return tuple((path, path) for path in layout.binds), layout.masked
    mirror = _mirror(layout)
    binds = tuple((path if world_readable(path) else str(mirror / path.lstrip("/")), path) for path in layout.binds)
    return binds, ()  # the copy has no site-packages to mask


def _mirror(layout: PythonLayout) -> Path:
    """The cached copy of every bind uid 65534 cannot read, made once per interpreter build."""
    private = [path for path in layout.binds if not world_readable(path)]
    key = hashlib.sha256(repr([(p, os.stat(p).st_mtime_ns, os.stat(p).st_size) for p in private]).encode())
    target = CACHE_ROOT / f"python-{key.hexdigest()[:16]}"
    if not target.is_dir():
        try:
            _build(private, target)
        except OSError as e:
            raise SandboxUnavailableError(
                f"cannot copy the interpreter to {CACHE_ROOT} for uid {SANDBOX_ID}: {e}"
            ) from e
    _check_owned_by_root(target)
    return target


def _build(private: list[str], target: Path) -> None:
    CACHE_ROOT.mkdir(mode=0o755, parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=CACHE_ROOT))
    try:
        for path in private:
            dest = staging / path.lstrip("/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            if os.path.isdir(path):
                shutil.copytree(path, dest, symlinks=True, ignore=shutil.ignore_patterns(*_NOT_COPIED))
            else:
                shutil.copy2(path, dest)
        for directory, _, _ in os.walk(staging):
            os.chmod(directory, 0o755)  # mkdtemp's 0700 and copied parents must be searchable
        os.rename(staging, target)  # atomic: a concurrent builder's rename fails and its copy is dropped
    except FileExistsError:
        pass
    except OSError as e:
        if not target.is_dir():
            raise e
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_owned_by_root(target: Path) -> None:
    for path in (CACHE_ROOT, target):
        info = os.lstat(path)
        if info.st_uid != 0 or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or not stat.S_ISDIR(info.st_mode):
            raise SandboxUnavailableError(f"{path} must be a directory owned by root and writable only by root")
