"""The index backends the shared contracts run against: how to name a fresh index of each kind."""

from __future__ import annotations

from pathlib import Path

import pytest

BACKENDS = ("local", "milvus")


def spec_for(backend: str, directory: Path) -> str:
    """A fresh index spec: a directory (local) or a Milvus Lite file (skipped when the extra is missing)."""
    if backend == "milvus":
        pytest.importorskip("pymilvus", reason="the milvus extra (pymilvus, milvus-lite) is not installed")
        pytest.importorskip("milvus_lite", reason="the milvus extra (pymilvus, milvus-lite) is not installed")
        return f"milvus:{directory / 'index.db'}"
    return str(directory / "index")
