"""A Ray cluster shared by the distributed-ingestion tests (one per session, always shut down)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import ModuleType

import pytest

RAY_MISSING = "Ray Data is not installed (pip install 'ragagent[ray]'); under CI=true this fails"


def import_ray_or_skip() -> ModuleType:
    ray = pytest.importorskip("ray", reason=RAY_MISSING)
    pytest.importorskip("ray.data", reason=RAY_MISSING)
    return ray


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[ModuleType]:
    """A real local Ray cluster with 2 CPUs; ingest with ``--ray auto`` joins it (and leaves it running)."""
    ray = import_ray_or_skip()
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=100 * 2**20,
             logging_level=logging.ERROR,
             runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}})
    try:
        yield ray
    finally:
        ray.shutdown()
