"""pytest plugin: under ``CI=true`` a skipped test is a failed test.

CI must fail, not skip, when bubblewrap, a model, an extra or the shared data is missing; locally a skip
still says what is missing. (Loaded by tests/conftest.py.)
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if on_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where every component must be present: {reason}"
