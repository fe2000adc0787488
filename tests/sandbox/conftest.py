"""Sandbox fixtures: skip when isolation is unavailable (test_availability.py makes sure that is not silent)."""

from __future__ import annotations

import pytest

from ragagent.errors import SandboxUnavailableError
from ragagent.sandbox import BubblewrapExecutor, check_available


def _unavailable_reason() -> str | None:
    try:
        check_available()
    except SandboxUnavailableError as e:
        return str(e)
    return None


@pytest.fixture(scope="session")
def executor() -> BubblewrapExecutor:
    """The real executor; tests using it are skipped (loudly, with the reason) where isolation is missing."""
    reason = _unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    return BubblewrapExecutor()
