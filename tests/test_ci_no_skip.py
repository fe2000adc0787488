"""The CI rule itself: a skip fails under CI=true and stays a skip elsewhere."""

from __future__ import annotations

import pytest

INNER = """
import pytest

def test_needs_a_missing_widget():
    pytest.skip("no widget here")

@pytest.mark.xfail(reason="known")
def test_known_failure():
    assert False

def test_fine():
    assert True
"""


@pytest.mark.parametrize(("ci", "failed", "skipped"), [("true", 1, 0), ("", 0, 1)])
def test_skip_outcome_depends_on_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str, failed: int, skipped: int
) -> None:
    monkeypatch.setenv("CI", ci)
    pytester.makepyfile(INNER)
    result = pytester.runpytest("-p", "tests.ci_no_skip", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=failed, skipped=skipped, xfailed=1)
    if failed:
        result.stdout.fnmatch_lines(["*skipped under CI=true*no widget here*"])
