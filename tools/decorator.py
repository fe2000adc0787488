"""``@tool``: build a :class:`~ragagent.tools.Tool` from a function's type hints and docstring.

>>> @tool
... def add(a: int, b: int = 1) -> int:
...     '''Add two integers.
...
...     Args:
...         a: The first number.
...         b: The second number.
...     '''
...     return a + b
>>> add.name, add.description, add.run({"a": 2, "b": "3"})
('add', 'Add two integers.', '5')

The first paragraph of the docstring is the description; a Google-style ``Args:`` section
describes the arguments.  ``@tool(name=..., description=..., final=..., repeatable=...)`` overrides.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, overload

from pydantic import BaseModel, ConfigDict, Field, create_model

from ragagent.errors import ConfigError

from .base import Tool

_ARG_LINE = re.compile(r"^\s*(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Returns|Raises|Yields|Examples?)\s*:\s*$")
_FORBID_EXTRA = ConfigDict(extra="forbid")
_ARG_SECTIONS = ("Args", "Arguments", "Parameters")

P = ParamSpec("P")
ToolFunction = Callable[..., object]


class ToolDecorator(Protocol):
    """What ``tool(...)`` with options returns."""

    def __call__(self, func: Callable[P, object], /) -> Tool: ...


@overload
def tool(func: Callable[P, object], /) -> Tool: ...


@overload
def tool(
    *, name: str | None = None, description: str | None = None, final: bool = False, repeatable: bool = False
) -> ToolDecorator: ...


def tool(
    func: ToolFunction | None = None, /, *, name: str | None = None, description: str | None = None,
    final: bool = False, repeatable: bool = False,
) -> Tool | ToolDecorator:
    """Turn a typed function into a :class:`Tool` (use bare or with keyword options)."""

    def build(f: ToolFunction, /) -> Tool:
        doc = inspect.getdoc(f) or ""
        text = description or first_paragraph(doc)
        tool_name = name or f.__name__
        if not text:
            raise ConfigError(f"tool function {tool_name!r} needs a docstring or a description=")
        model = args_model_of(f, f"{_camel(tool_name)}Args", arg_descriptions(doc))
        return Tool(tool_name, text, model, f, final=final, repeatable=repeatable)

    return build(func) if func is not None else build


def args_model_of(func: ToolFunction, model_name: str, descriptions: dict[str, str]) -> type[BaseModel]:
    """A pydantic model of ``func``'s parameters (type hints required; unknown keys rejected)."""
    hints = typing.get_type_hints(func, include_extras=True)
    fields: dict[str, Any] = {}
    for param in inspect.signature(func).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            raise ConfigError(f"tool function {func.__name__!r}: parameter {param.name!r} must be a named argument")
        if param.name not in hints:
            raise ConfigError(f"tool function {func.__name__!r}: parameter {param.name!r} has no type hint")
        default = ... if param.default is param.empty else param.default
        fields[param.name] = (hints[param.name], Field(default, description=descriptions.get(param.name)))
    model: type[BaseModel] = create_model(model_name, __config__=_FORBID_EXTRA, **fields)
    return model


def first_paragraph(doc: str) -> str:
    """The docstring's first paragraph on one line."""
    return " ".join(doc.strip().split("\n\n", 1)[0].split())


def arg_descriptions(doc: str) -> dict[str, str]:
    """Argument descriptions from a Google-style ``Args:`` section (continuation lines joined)."""
    found: dict[str, str] = {}
    in_args, indent, current = False, -1, ""
    for line in doc.splitlines():
        header = _SECTION.match(line)
        if header:
            in_args, indent, current = header.group(1) in _ARG_SECTIONS, -1, ""
            continue
        if not in_args or not line.strip():
            continue
        here = len(line) - len(line.lstrip())
        match = _ARG_LINE.match(line)
        if match and (indent < 0 or here == indent):
            indent, current = here, match.group(1)
            found[current] = match.group(2).strip()
        elif current and here > indent:
            found[current] = f"{found[current]} {line.strip()}"
        else:
            in_args = False  # text back at the section's indent or left of it ends the section
    return found


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) or "Tool"
