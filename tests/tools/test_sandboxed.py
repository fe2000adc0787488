"""The python tool's observation, with an executor double (the real sandbox runs in tests/react)."""

from __future__ import annotations

import pytest

from ragagent.errors import ToolError
from ragagent.index import Index
from ragagent.sandbox import ExecResult
from ragagent.tools import Toolbox, default_tools, python_tool
from ragagent.tools.sandboxed import MAX_OUTPUT_CHARS
from tests.fakes import FakeExecutor


def test_stdout_and_value_are_observed_and_limits_are_passed() -> None:
    executor = FakeExecutor(ExecResult(stdout="hello\n", value={"n": 42}))
    assert python_tool(executor, timeout_s=3.0, memory_mb=128).run("print('hello')") == 'hello\nresult = {"n": 42}'
    assert executor.calls == [("print('hello')", 3.0, 128)]


def test_silent_code_gets_a_hint() -> None:
    assert "print() the answer" in python_tool(FakeExecutor(ExecResult())).run("x = 1")


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (ExecResult(stdout="partial\n", error="ZeroDivisionError: division by zero"),
         "partial\nZeroDivisionError: division by zero"),
        (ExecResult(timed_out=True), "the code timed out after 10 s"),
    ],
)
def test_failures_are_tool_errors(result: ExecResult, message: str) -> None:
    with pytest.raises(ToolError) as caught:
        python_tool(FakeExecutor(result)).run("...")
    assert str(caught.value) == message


def test_long_output_is_capped() -> None:
    observed = python_tool(FakeExecutor(ExecResult(stdout="x" * 5000))).run("print('x' * 5000)")
    assert observed.startswith("x" * MAX_OUTPUT_CHARS) and observed.endswith("(3000 more characters)")


def test_default_tools_include_python_with_an_executor(index: Index) -> None:
    tools = default_tools(index, FakeExecutor(ExecResult(value=1)))
    assert [t.name for t in tools] == ["search", "lookup", "calculator", "python", "finish"]
    assert Toolbox(tools).call("python", "result = 1").observation == "result = 1"
