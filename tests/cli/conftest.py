"""CLI fixtures: ``ingest`` with the hash embedder (no model load) and a CliRunner with separate streams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ragagent.ingest import ingest_paths
from tests.fakes import HashEmbedder


@pytest.fixture
def hash_ingest(monkeypatch: pytest.MonkeyPatch) -> None:
    """``ragagent ingest`` embeds with the hash embedder (search then needs ``--mode sparse``)."""

    def ingest(paths: Any, index_dir: str | Path, **kwargs: Any) -> Any:
        return ingest_paths(paths, index_dir, embedder=HashEmbedder(), **kwargs)

    monkeypatch.setattr("ragagent.ingest.ingest_paths", ingest)
