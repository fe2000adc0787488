"""Bounded retries with exponential backoff and jitter for calls to a model server.

>>> attempts = []
>>> def flaky():
...     attempts.append(1)
...     if len(attempts) < 3:
...         raise ConnectionError("refused")
...     return "ok"
>>> call_with_retries(flaky, RetryPolicy(max_retries=2), sleep=lambda s: None)
'ok'
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ragagent.errors import ConfigError

T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retry ``retry_on`` errors up to ``max_retries`` times, waiting about base·2^attempt seconds."""

    max_retries: int = 2
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    retry_on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigError(f"max_retries must be >= 0, got {self.max_retries}")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (0-based), with jitter."""
        return min(self.max_delay_s, self.base_delay_s * 2.0**attempt) * random.uniform(0.5, 1.0)


def call_with_retries(
    fn: Callable[[], T], policy: RetryPolicy, *, sleep: Callable[[float], None] = time.sleep
) -> T:
    """Call ``fn``; on a retryable error wait and try again, at most ``policy.max_retries`` times."""
    for attempt in range(policy.max_retries):
        try:
            return fn()
        except policy.retry_on as error:
            delay = policy.delay(attempt)
            logger.warning("model call failed (%s); retry %d/%d in %.1fs", error, attempt + 1,
                           policy.max_retries, delay)
            sleep(delay)
    return fn()
