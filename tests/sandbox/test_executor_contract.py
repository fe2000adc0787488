"""The real sandbox and the test double held to one executor contract."""

from __future__ import annotations

import pytest

from ragagent.options import SANDBOX_LIMITS
from ragagent.sandbox import BubblewrapExecutor, ExecResult, Executor
from tests.fakes import FakeExecutor, UnscriptedProgramError
from tests.sandbox.executor_contract import OUTCOMES, SCRIPT, ExecutorContract


@pytest.mark.integration
class TestBubblewrapExecutor(ExecutorContract):
    @pytest.fixture
    def contract_executor(self, executor: BubblewrapExecutor) -> Executor:
        return executor


class TestFakeExecutor(ExecutorContract):
    @pytest.fixture
    def contract_executor(self) -> Executor:
        return FakeExecutor(SCRIPT)

    def test_records_every_call_and_refuses_unscripted_programs(self) -> None:
        fake = FakeExecutor(SCRIPT)
        code = OUTCOMES["exception"].code
        assert fake.run(code, timeout_s=3.0, memory_mb=128) == OUTCOMES["exception"].result
        other = "result = 'not in the script'"
        with pytest.raises(UnscriptedProgramError):
            fake.run(other)
        assert fake.calls == [(code, 3.0, 128), (other, SANDBOX_LIMITS.timeout_s, SANDBOX_LIMITS.memory_mb)]

    def test_one_result_for_every_program(self) -> None:
        fake = FakeExecutor(ExecResult(value=7))
        assert [fake.run(code).value for code in ("a = 1", "b = 2")] == [7, 7]
