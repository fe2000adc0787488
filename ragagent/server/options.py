"""How a server runs: its bind address, the write token, upload limits, and the start-up safety check."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from ragagent.errors import ConfigError
from ragagent.index.backends import backend_name

TOKEN_ENV = "RAGAGENT_API_TOKEN"
UPLOAD_TYPES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl")


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """Server-only settings (the answering ones are :class:`~ragagent.config.Settings`).

    ``api_token`` guards the write endpoints (``POST``/``DELETE /v1/documents``); without one they are open,
    which :func:`check_bind` allows on loopback only. Uploads are stored under ``upload_dir`` and ingested from
    there, so ``ingest --rebuild`` can find them again; by default ``INDEX/uploads`` for an index directory and
    ``PATH.db.uploads`` beside a Milvus Lite file (a Milvus server index needs ``upload_dir`` to take uploads).
    """

    host: str = "127.0.0.1"
    port: int = 8000
    api_token: str | None = None
    insecure: bool = False
    max_upload_mb: float = 50.0
    upload_dir: Path | None = None
    search_threads: int = 8

    def __post_init__(self) -> None:
        if self.max_upload_mb <= 0:
            raise ConfigError(f"--max-upload-mb must be positive, got {self.max_upload_mb}")
        if self.search_threads < 1:
            raise ConfigError(f"search_threads must be at least 1, got {self.search_threads}")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    def uploads(self, index: str | Path) -> Path:
        """The upload directory for the index spec ``index`` (a directory or a ``milvus:`` spec)."""
        if self.upload_dir is not None:
            return self.upload_dir
        if backend_name(index) == "local":
            return Path(index) / "uploads"
        from ragagent.index.milvus import MilvusTarget

        target = MilvusTarget.parse(str(index))
        if not target.lite:
            raise ConfigError(f"uploads to the Milvus server index {index} need a directory to keep them in: "
                              "start the server with --upload-dir DIR")
        return Path(f"{target.uri}.uploads")


def token_from_env() -> str | None:
    return os.environ.get(TOKEN_ENV) or None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(options: ServeOptions) -> None:
    """Refuse to serve the write endpoints to the network without a token (unless ``insecure``)."""
    if not is_loopback(options.host) and options.api_token is None and not options.insecure:
        raise ConfigError(
            f"refusing to listen on {options.host} without a token: set {TOKEN_ENV} (clients then send "
            "'Authorization: Bearer <token>' to upload or delete documents), bind to 127.0.0.1, "
            "or pass --insecure"
        )
