"""Connecting to Milvus (Milvus Lite file or server) and the collections of one ragagent index.

``milvus:PATH.db`` opens Milvus Lite (an embedded Milvus engine, one process at a time);
``milvus://HOST:PORT[/collection]`` a Milvus server or cluster, with the token from ``$RAGAGENT_MILVUS_TOKEN``.
pymilvus is imported here only, on first use, with a clear error when the ``milvus`` extra is missing.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ragagent.errors import ConfigError, IndexLockedError, IndexUnusableError

TOKEN_ENV = "RAGAGENT_MILVUS_TOKEN"
DEFAULT_COLLECTION = "ragagent"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")
MISSING_EXTRA = "the Milvus backend needs the milvus extra: pip install 'ragagent[milvus]' (pymilvus, milvus-lite)"


@dataclass(frozen=True, slots=True)
class MilvusTarget:
    """Where an index lives: the client URI, the chunk collection's name, and whether it is Milvus Lite."""

    spec: str
    uri: str
    collection: str
    lite: bool

    @property
    def sources(self) -> str:
        return f"{self.collection}_sources"

    @staticmethod
    def parse(spec: str) -> MilvusTarget:
        """``milvus:PATH.db`` or ``milvus://HOST:PORT[/collection]``; anything else is a ConfigError naming it."""
        rest = spec.removeprefix("milvus:")
        if rest.startswith("//"):
            host, _, collection = rest[2:].partition("/")
            if not re.fullmatch(r"[^/:\s]+:\d{1,5}", host):
                raise ConfigError(f"--index {spec}: expected milvus://HOST:PORT[/collection]")
            return MilvusTarget(spec, f"http://{host}", _checked(spec, collection or DEFAULT_COLLECTION), False)
        if not rest.endswith(".db") or rest == ".db":
            raise ConfigError(f"--index {spec}: a Milvus Lite index is a file ending in .db (milvus:PATH.db)")
        return MilvusTarget(spec, str(Path(rest).expanduser().resolve()), DEFAULT_COLLECTION, True)


def _checked(spec: str, collection: str) -> str:
    if not _NAME.match(collection):
        raise ConfigError(f"--index {spec}: collection name {collection!r} must be letters, digits and _")
    return collection


def pymilvus() -> Any:
    """The pymilvus module, or a ConfigError saying which extra to install."""
    try:
        import pymilvus as module
    except ImportError as exc:
        raise ConfigError(MISSING_EXTRA) from exc
    return module


_OPEN: dict[str, int] = {}  # Milvus Lite files this process has open, and how many clients use each
_COMMITS: dict[str, int] = {}  # commits this process made to each Milvus Lite file (readers refresh on a change)


def note_commit(target: MilvusTarget) -> None:
    """Tell this process's readers of a Milvus Lite file that a commit went live (see :func:`commits`)."""
    _COMMITS[target.uri] = _COMMITS.get(target.uri, 0) + 1


def commits(target: MilvusTarget) -> int:
    """How many commits this process made to a Milvus Lite file (no other process can write it meanwhile)."""
    return _COMMITS.get(target.uri, 0)


def connect(target: MilvusTarget) -> Any:
    """A ``MilvusClient`` for ``target``; a locked Lite file or an unreachable server is a one-line error.

    Milvus Lite runs in this process and holds the file's lock until :func:`release` is called for every client.
    """
    module = pymilvus()
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)  # failures reach the caller as our errors
    if target.lite:
        try:
            import milvus_lite  # noqa: F401  (pymilvus starts it for .db URIs)
        except ImportError as exc:
            raise ConfigError(MISSING_EXTRA) from exc
        for name in ("milvus_lite", "grpc._server"):  # Lite's in-process server logs unimplemented calls
            logging.getLogger(name).setLevel(logging.CRITICAL)
        Path(target.uri).parent.mkdir(parents=True, exist_ok=True)
        if target.uri not in _OPEN and _locked(Path(target.uri)):
            raise IndexLockedError(f"index {target.spec} is open in another process; try again when it ends")
    try:
        client = module.MilvusClient(uri=target.uri, token=os.environ.get(TOKEN_ENV, ""))
    except Exception as exc:  # pymilvus raises MilvusException or grpc errors
        raise IndexUnusableError(f"cannot connect to Milvus for index {target.spec}: {_first_line(exc)}") from exc
    if target.lite:
        _OPEN[target.uri] = _OPEN.get(target.uri, 0) + 1
    return client


def release(target: MilvusTarget, client: Any) -> None:
    """Close ``client``; the last one of a Milvus Lite file stops its engine and frees the file for others."""
    client.close()
    if not target.lite or target.uri not in _OPEN:
        return
    _OPEN[target.uri] -= 1
    if _OPEN[target.uri] == 0:
        del _OPEN[target.uri]
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(target.uri)


def _locked(data_dir: Path) -> bool:
    """Whether another process holds the Milvus Lite file (its advisory lock)."""
    lock = data_dir / "LOCK"
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def quoted(value: str) -> str:
    """A string literal for a Milvus filter expression."""
    return json.dumps(value, ensure_ascii=False)


def any_of(field: str, values: list[str]) -> str:
    return f"{field} in [{', '.join(quoted(v) for v in values)}]"


def sole_user(target: MilvusTarget) -> bool:
    """Whether one client alone has this Milvus Lite file open (then no writer can be half-way through)."""
    return target.lite and _OPEN.get(target.uri) == 1
