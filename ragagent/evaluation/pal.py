"""Evaluate PAL on GSM8K-style records (``question``, ``answer`` ending in ``#### N``).

>>> extract_gsm8k_answer("She makes 9 * 2 = $18.\\n#### 1,018")
'1018'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ragagent.errors import ConfigError
from ragagent.llm.base import LLM, GenerationSettings
from ragagent.options import SANDBOX_LIMITS
from ragagent.pal import answer_pal, format_value
from ragagent.sandbox.base import Executor
from ragagent.types import JSONValue

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class PalEvalItem:
    """One question: the expected number, what PAL produced, and whether they agree."""

    question: str
    expected: str
    predicted: str | None
    correct: bool
    error: str | None
    duration_s: float


@dataclass(frozen=True, slots=True)
class PalEvalResult:
    """Accuracy over ``n`` questions, with every item for inspection."""

    accuracy: float
    n: int
    correct: int
    items: tuple[PalEvalItem, ...]


def extract_gsm8k_answer(answer_field: str) -> str:
    """The number after ``####`` in a GSM8K answer, with thousands separators removed."""
    _, sep, tail = answer_field.rpartition("####")
    number = tail.strip().replace(",", "")
    if not sep or not _NUMBER.fullmatch(number):
        raise ConfigError(f"not a GSM8K answer (expected '#### <number>' at the end): {answer_field[-80:]!r}")
    return number


def numbers_match(predicted: JSONValue, expected: str, *, rel_tol: float = 1e-6) -> bool:
    """Numeric comparison with a float tolerance; strings such as ``"$1,018"`` are read as numbers."""
    value = _as_number(predicted)
    target = float(expected)
    return value is not None and abs(value - target) <= rel_tol * max(1.0, abs(target))


def _as_number(value: JSONValue) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        found = _NUMBER.search(value.replace(",", ""))
        return float(found.group()) if found else None
    return None


def evaluate_pal(
    records: Iterable[Mapping[str, str]],
    llm: LLM,
    *,
    limit: int | None = None,
    executor: Executor | None = None,
    settings: GenerationSettings | None = None,
    timeout_s: float = SANDBOX_LIMITS.timeout_s,
    memory_mb: int = SANDBOX_LIMITS.memory_mb,
) -> PalEvalResult:
    """Run PAL on the first ``limit`` records and score each answer against its ``#### N``."""
    if executor is None:
        from ragagent.sandbox import BubblewrapExecutor

        executor = BubblewrapExecutor()
    items = []
    for record in itertools.islice(records, limit):
        expected = extract_gsm8k_answer(record["answer"])
        answer = answer_pal(
            record["question"], llm, executor=executor, settings=settings, timeout_s=timeout_s, memory_mb=memory_mb
        )
        predicted = format_value(answer.value) if answer.answered else None
        error = None if answer.answered else answer.steps[-1].error
        correct = answer.answered and numbers_match(answer.value, expected)
        items.append(
            PalEvalItem(record["question"], expected, predicted, correct, error, answer.timings.get("total_s", 0.0))
        )
    n_correct = sum(item.correct for item in items)
    return PalEvalResult(n_correct / len(items) if items else 0.0, len(items), n_correct, tuple(items))
