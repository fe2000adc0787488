"""Adapters between our :class:`~ragagent.tools.Tool` and LangChain tools, both ways.

>>> from langchain_core.tools import tool as lc_tool
>>> @lc_tool
... def shout(text: str) -> str:
...     '''Upper-case the text.'''
...     return text.upper()
>>> from_langchain(shout).run("hi")
'HI'
>>> to_langchain(from_langchain(shout)).invoke({"text": "ok"})
'OK'

LangChain's ``ToolException`` and our :class:`~ragagent.errors.ToolError` map onto each other
(both are failures the model should see); every other exception propagates unchanged.
"""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from ragagent.errors import ToolError
from ragagent.types import JSONValue

from .base import InvalidArgumentsError, Tool, validation_reasons

_JSON_TYPES: dict[str, Any] = {"string": str, "integer": int, "number": float, "boolean": bool,
                               "array": list[Any], "object": dict[str, Any]}


def from_langchain(lc_tool: BaseTool) -> Tool:
    """Wrap a LangChain tool; its ``ToolException`` becomes a :class:`ToolError`."""

    model, optional = _args_model(lc_tool)

    def call(**arguments: JSONValue) -> object:
        # An optional JSON-schema argument left out stays out, so the tool applies its own default.
        given = {k: v for k, v in arguments.items() if not (v is None and k in optional)}
        try:
            return lc_tool.invoke(given)
        except ToolException as exc:
            raise ToolError(str(exc)) from exc

    return Tool(lc_tool.name, lc_tool.description or lc_tool.name, model, call)


def to_langchain(tool: Tool) -> StructuredTool:
    """A LangChain ``StructuredTool`` that runs ``tool``; model-visible failures become tool messages."""

    def call(**arguments: Any) -> str:
        try:
            text: str = tool.run(arguments)
        except ToolError as exc:
            raise ToolException(str(exc)) from exc
        return text

    def on_invalid(exc: Any) -> str:
        reason = validation_reasons(exc) if isinstance(exc, ValidationError) else str(exc)
        return str(InvalidArgumentsError(tool, reason))

    return StructuredTool.from_function(
        func=call, name=tool.name, description=tool.description, args_schema=tool.args_model,
        handle_tool_error=True, handle_validation_error=on_invalid,
    )


def _args_model(lc_tool: BaseTool) -> tuple[type[BaseModel], frozenset[str]]:
    """The argument model, and the optional arguments a JSON schema gives no default for."""
    schema = lc_tool.tool_call_schema  # the model-facing arguments (injected ones excluded)
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        return schema, frozenset()
    assert isinstance(schema, dict)
    required = set(schema.get("required", []))
    optional = frozenset(k for k, spec in schema.get("properties", {}).items()
                         if k not in required and "default" not in spec)
    return model_from_json_schema(f"{lc_tool.name}_args", schema), optional


def model_from_json_schema(name: str, schema: dict[str, Any]) -> type[BaseModel]:
    """A flat pydantic model from a JSON schema's ``properties`` (nested types stay loose)."""
    required = set(schema.get("required", []))
    fields: dict[str, Any] = {}
    for field_name, spec in schema.get("properties", {}).items():
        kind = _JSON_TYPES.get(spec.get("type", ""), Any)
        default = ... if field_name in required else spec.get("default")
        annotation = kind if field_name in required else kind | None
        fields[field_name] = (annotation, Field(default, description=spec.get("description")))
    model: type[BaseModel] = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)
    return model
