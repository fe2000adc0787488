"""The contract every :class:`~ragagent.sandbox.Executor` passes: the real sandbox and the test double alike.

Subclass :class:`ExecutorContract` in a ``Test*`` class and provide a ``contract_executor`` fixture. The real
:class:`~ragagent.sandbox.BubblewrapExecutor` runs :data:`OUTCOMES` for real (tests/sandbox/test_executor_contract.py);
the double, :class:`tests.fakes.FakeExecutor`, is scripted with :data:`SCRIPT` (the same programs and results), so
the results unit tests script are results the sandbox really gives, and the double checks limits as it does.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ragagent.errors import ConfigError
from ragagent.options import SANDBOX_LIMITS
from ragagent.sandbox import ExecResult, Executor
from ragagent.types import JSONValue


@dataclass(frozen=True, slots=True)
class Outcome:
    """A program and what any executor reports for it (host details such as stderr and timings aside)."""

    code: str
    result: ExecResult
    timeout_s: float = SANDBOX_LIMITS.timeout_s


OUTCOMES: dict[str, Outcome] = {
    "solution-value": Outcome("def solution():\n    return 6 * 7\n", ExecResult(value=42)),
    "result-variable-and-stdout": Outcome("print('hello')\nresult = [1, 'a', {'k': 2.5}]\n",
                                          ExecResult(stdout="hello\n", value=[1, "a", {"k": 2.5}])),
    "no-value": Outcome("x = 1\n", ExecResult()),
    "exception": Outcome("def solution():\n    return 1 / 0\n",
                         ExecResult(error="ZeroDivisionError: division by zero", error_type="Exception")),
    "output-before-an-exception": Outcome("print('before')\nraise ValueError('bad input')\n",
                                          ExecResult(stdout="before\n", error="ValueError: bad input",
                                                     error_type="Exception")),
    "syntax-error": Outcome("def solution(:\n    return 1\n",
                            ExecResult(error="SyntaxError: invalid syntax (<solution>, line 1)",
                                       error_type="Exception")),
    "timeout": Outcome("while True:\n    pass\n",
                       ExecResult(error="TimeoutError: execution exceeded the 1 s time limit",
                                  error_type="TimeoutError", timed_out=True), timeout_s=1.0),
}
SCRIPT: dict[str, ExecResult] = {outcome.code: outcome.result for outcome in OUTCOMES.values()}
BAD_LIMITS = [(0.0, 256), (-1.0, 256), (float("inf"), 256), (float("nan"), 256), (1.0, 31)]


def observed(result: ExecResult) -> tuple[str, JSONValue, str | None, str | None, bool, bool]:
    """The fields a caller acts on (stderr, exit code and timings belong to the host)."""
    return result.stdout, result.value, result.error, result.error_type, result.timed_out, result.ok


class ExecutorContract:
    def test_implements_the_protocol(self, contract_executor: Executor) -> None:
        assert isinstance(contract_executor, Executor)

    @pytest.mark.parametrize("name", list(OUTCOMES))
    def test_what_a_program_causes_is_a_value(self, contract_executor: Executor, name: str) -> None:
        outcome = OUTCOMES[name]
        result = contract_executor.run(outcome.code, timeout_s=outcome.timeout_s)
        assert observed(result) == observed(outcome.result)
        assert result.duration_s >= 0 and result.teardown_complete and result.replaced_chars == 0

    @pytest.mark.parametrize(("timeout_s", "memory_mb"), BAD_LIMITS)
    def test_impossible_limits_are_config_errors(self, contract_executor: Executor, timeout_s: float,
                                                 memory_mb: int) -> None:
        with pytest.raises(ConfigError, match=r"^(timeout_s|memory_mb) must be"):
            contract_executor.run(OUTCOMES["solution-value"].code, timeout_s=timeout_s, memory_mb=memory_mb)

    def test_the_smallest_allowed_limits_run(self, contract_executor: Executor) -> None:
        outcome = OUTCOMES["solution-value"]
        assert contract_executor.run(outcome.code, timeout_s=1.0, memory_mb=32).value == outcome.result.value
