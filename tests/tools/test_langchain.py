"""Adapters with real LangChain tools, both ways."""

from __future__ import annotations

import pytest
from langchain_core.tools import StructuredTool, ToolException
from langchain_core.tools import tool as lc_tool

from ragagent.errors import ToolError
from ragagent.tools import InvalidArgumentsError, Toolbox, calculator_tool, tool
from ragagent.tools.langchain import from_langchain, to_langchain


@lc_tool
def multiply(a: int, b: int = 2) -> int:
    """Multiply two integers."""
    return a * b


@lc_tool
def fragile(text: str) -> str:
    """Fail the way LangChain tools report errors."""
    raise ToolException(f"cannot handle {text!r}")


def test_from_langchain_keeps_name_description_and_schema() -> None:
    ours = from_langchain(multiply)
    assert (ours.name, ours.description) == ("multiply", "Multiply two integers.")
    assert ours.args_model.model_json_schema()["required"] == ["a"]
    assert ours.run("21") == "42" and ours.run({"a": 3, "b": 5}) == "15"
    with pytest.raises(InvalidArgumentsError, match="a: Input should be a valid integer"):
        ours.run({"a": "many"})


def test_tool_exception_becomes_a_model_visible_error() -> None:
    with pytest.raises(ToolError, match="cannot handle 'x'"):
        from_langchain(fragile).run("x")
    assert Toolbox([from_langchain(fragile)]).call("fragile", "x").observation == "Error: cannot handle 'x'"


def test_from_langchain_with_a_json_schema() -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string", "description": "A city."},
                                               "days": {"type": "integer"}}, "required": ["city"]}
    weather = StructuredTool.from_function(func=lambda city, days=1: f"{city}: sunny for {days} day(s)",
                                           name="weather", description="Forecast.", args_schema=schema)
    ours = from_langchain(weather)
    assert ours.usage() == "weather[city]"
    assert ours.run("Oslo") == "Oslo: sunny for 1 day(s)"
    assert ours.run({"city": "Oslo", "days": 3}) == "Oslo: sunny for 3 day(s)"


def test_to_langchain_runs_our_tool() -> None:
    ours = calculator_tool()
    lc = to_langchain(ours)
    assert isinstance(lc, StructuredTool) and (lc.name, lc.description) == ("calculator", ours.description)
    assert lc.args_schema is ours.args_model
    assert lc.invoke({"expression": "6 * 7"}) == "42"
    assert lc.invoke({"expression": "os.getcwd()"}).startswith("function 'os.getcwd' is not allowed")


def test_to_langchain_reports_invalid_arguments_like_we_do() -> None:
    @tool
    def repeat(text: str, times: int) -> str:
        """Repeat a text."""
        return text * times

    lc = to_langchain(repeat)
    assert lc.invoke({"text": "ab", "times": 2}) == "abab"
    assert lc.invoke({"text": "ab", "times": "often"}).startswith(
        "Invalid arguments for repeat: times: Input should be a valid integer")


def test_bugs_propagate_through_the_adapters() -> None:
    @tool
    def broken(x: int) -> int:
        """Divide by zero."""
        return x // 0

    with pytest.raises(ZeroDivisionError):
        to_langchain(broken).invoke({"x": 1})
    with pytest.raises(ZeroDivisionError):
        from_langchain(to_langchain(broken)).run("1")
