"""Bounded retries with backoff: how many attempts, which errors, how long the waits."""

from __future__ import annotations

import pytest

from ragagent.errors import ConfigError
from ragagent.llm.retry import RetryPolicy, call_with_retries


class Flaky:
    def __init__(self, failures: list[BaseException]) -> None:
        self.failures = failures
        self.attempts = 0

    def __call__(self) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def test_retries_transient_errors_then_succeeds() -> None:
    waits: list[float] = []
    flaky = Flaky([ConnectionError("refused"), TimeoutError("slow")])
    assert call_with_retries(flaky, RetryPolicy(max_retries=2), sleep=waits.append) == "ok"
    assert flaky.attempts == 3
    assert len(waits) == 2


def test_gives_up_after_max_retries_with_the_last_error() -> None:
    flaky = Flaky([ConnectionError("1"), ConnectionError("2"), ConnectionError("3")])
    with pytest.raises(ConnectionError, match="2"):
        call_with_retries(flaky, RetryPolicy(max_retries=1), sleep=lambda s: None)
    assert flaky.attempts == 2


def test_zero_retries_means_one_attempt() -> None:
    flaky = Flaky([ConnectionError("refused")])
    with pytest.raises(ConnectionError):
        call_with_retries(flaky, RetryPolicy(max_retries=0), sleep=lambda s: pytest.fail("slept"))
    assert flaky.attempts == 1


def test_other_errors_are_not_retried() -> None:
    flaky = Flaky([ValueError("a bug")])
    with pytest.raises(ValueError):
        call_with_retries(flaky, RetryPolicy(max_retries=3), sleep=lambda s: pytest.fail("slept"))
    assert flaky.attempts == 1


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=5.0)
    for attempt, full in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 5.0), (10, 5.0)]:
        delays = [policy.delay(attempt) for _ in range(50)]
        assert all(full / 2 <= d <= full for d in delays)


def test_negative_retries_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="max_retries"):
        RetryPolicy(max_retries=-1)
