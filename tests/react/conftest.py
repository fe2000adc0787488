"""Fixtures: the small corpus index (read-only, built once per session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ragagent.index import Index
from tests.tools.corpus import build_index


@pytest.fixture(scope="session")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    built = build_index(tmp_path_factory.mktemp("corpus"))
    yield built
    built.close()
