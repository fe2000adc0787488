"""The Tool contract, the @tool decorator and the Toolbox rule for what the model sees."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, Field

from ragagent.errors import ConfigError, ToolError
from ragagent.tools import InvalidArgumentsError, Tool, Toolbox, ToolOutput, tool


@tool
def convert(amount: float, unit: str = "km", precise: bool = False) -> dict[str, object]:
    """Convert a distance to metres.

    Only kilometres and miles are known.

    Args:
        amount: How far, in ``unit``.
        unit: ``km`` or ``mi``;
            anything else is an error.
        precise: Keep all decimals.
    """
    if unit not in ("km", "mi"):
        raise ToolError(f"unknown unit {unit!r} (use km or mi)")
    metres = amount * (1000 if unit == "km" else 1609.344)
    return {"metres": metres if precise else round(metres)}


@tool(name="shout", repeatable=True)
def upper(text: Annotated[str, Field(min_length=2)]) -> str:
    """Upper-case a text."""
    return text.upper()


def test_type_hints_and_docstring_make_the_schema() -> None:
    schema = convert.args_model.model_json_schema()
    assert convert.name == "convert" and convert.description == "Convert a distance to metres."
    assert schema["required"] == ["amount"]
    props = schema["properties"]
    assert (props["amount"]["type"], props["unit"]["type"], props["precise"]["type"]) == ("number", "string", "boolean")
    assert props["unit"]["default"] == "km"
    assert props["unit"]["description"] == "``km`` or ``mi``; anything else is an error."
    assert props["amount"]["description"] == "How far, in ``unit``."
    assert upper.args_model.model_json_schema()["properties"]["text"]["minLength"] == 2


def test_usage_and_description_lines() -> None:
    assert convert.usage() == "convert[amount]"
    assert upper.describe() == "shout[text]: Upper-case a text."
    assert "amount (number, required): How far" in convert.argument_help()
    assert "unit (string, optional)" in convert.argument_help()


def test_plain_string_binds_to_the_only_required_argument_and_is_coerced() -> None:
    assert convert.run("2.5") == '{"metres": 2500}'
    assert convert.run({"amount": "1", "unit": "mi", "precise": True}) == '{"metres": 1609.344}'
    assert convert.run('{"amount": 1, "unit": "mi"}') == '{"metres": 1609}'  # JSON text for multi-arg tools


def test_invalid_arguments_list_what_is_expected() -> None:
    with pytest.raises(InvalidArgumentsError) as caught:
        convert.run({"amount": "far", "colour": "red"})
    message = str(caught.value)
    assert "amount: Input should be a valid number" in message and "colour: Extra inputs are not permitted" in message
    assert "Expected convert[amount] where amount (number, required)" in message
    with pytest.raises(InvalidArgumentsError, match="at least 2 characters"):
        upper.run("a")


def test_several_required_arguments_need_json() -> None:
    @tool
    def pair(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    assert pair.usage() == 'pair {"a": ..., "b": ...}'
    with pytest.raises(InvalidArgumentsError, match="give them as a JSON object"):
        pair.run("1 2")


def test_tool_output_keeps_passages_and_none_becomes_a_note() -> None:
    class Empty(BaseModel):
        pass

    noop = Tool("noop", "Does nothing.", Empty, lambda: None)
    assert noop.run({}) == noop.run("") == "(no output)" and noop.usage() == "noop[]"
    with pytest.raises(InvalidArgumentsError, match="takes no arguments"):
        noop.run("x")
    assert Tool("out", "Says hi.", Empty, lambda: ToolOutput("hi")).invoke({}) == ToolOutput("hi")


def test_toolbox_turns_model_mistakes_into_observations() -> None:
    box = Toolbox([convert, upper])
    unknown = box.call("weather", "Paris")
    assert unknown.observation == "Unknown tool 'weather'. Valid tools: convert, shout."
    assert unknown.error == "unknown tool 'weather'" and unknown.args == {"input": "Paris"}
    invalid = box.call("convert", {"amount": "x"})
    assert invalid.error and invalid.observation.startswith("Error: Invalid arguments for convert")
    failed = box.call("convert", {"amount": 1, "unit": "yd"})
    assert failed.observation == "Error: unknown unit 'yd' (use km or mi)" and failed.tool == "convert"
    ok = box.call("CONVERT", "3")  # names match case-insensitively
    assert (ok.observation, ok.error, ok.args, ok.final) == ('{"metres": 3000}', None, {"amount": "3"}, False)


def test_toolbox_refuses_exact_repeats_unless_the_tool_is_repeatable() -> None:
    calls: list[str] = []

    @tool
    def note(text: str) -> str:
        """Write a note."""
        calls.append(text)
        return "noted"

    box = Toolbox([note, upper])
    assert box.call("note", "a").error is None
    assert box.call("note", {"text": "a"}).error == "repeated action"  # same call, other spelling
    assert box.call("note", "b").error is None and calls == ["a", "b"]
    assert box.call("shout", "hey").observation == box.call("shout", "hey").observation == "HEY"


def test_bugs_in_tools_propagate() -> None:
    @tool
    def ratio(a: int, b: int) -> float:
        """Divide."""
        return a / b

    with pytest.raises(ZeroDivisionError):
        Toolbox([ratio]).call("ratio", {"a": 1, "b": 0})


def test_bad_definitions_are_config_errors() -> None:
    def untyped(x) -> str:  # type: ignore[no-untyped-def]
        """Untyped."""
        return str(x)

    def undocumented(x: int) -> int:
        return x

    def variadic(*xs: int) -> int:
        """Sum."""
        return sum(xs)

    with pytest.raises(ConfigError, match="no type hint"):
        tool(untyped)
    with pytest.raises(ConfigError, match="needs a docstring"):
        tool(undocumented)
    with pytest.raises(ConfigError, match="must be a named argument"):
        tool(variadic)
    with pytest.raises(ConfigError, match="must be an identifier"):
        tool(name="two words")(convert.func)
    with pytest.raises(ConfigError, match="share the name"):
        Toolbox([convert, tool(name="Convert")(convert.func)])
