"""The one rule for what the model sees when it calls a tool.

>>> from ragagent.tools import calculator_tool
>>> box = Toolbox([calculator_tool()])
>>> box.call("calculator", "2 ** 10").observation
'1024'
>>> box.call("calc", "1").error
"unknown tool 'calc'"
>>> box.call("calculator", "2 ** 10").error
'repeated action'

Unknown tools, invalid arguments, a :class:`~ragagent.errors.ToolError` raised by the tool and an
exact repeat of an earlier call become a :class:`ToolResult` with ``error`` set and an observation
that tells the model what to do instead.  Any other exception is a bug and propagates.
A toolbox remembers the calls made through it: make one per run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ragagent.errors import ConfigError, ToolError
from ragagent.types import JSONValue

from .base import Passage, RawArgs, Tool

REPEATED = "You already ran this exact action; its observation is above. Try a different action or finish."


@dataclass(frozen=True, slots=True)
class ToolResult:
    """The outcome of one call, as the model will see it."""

    tool: str
    args: Mapping[str, JSONValue]
    observation: str
    error: str | None = None
    passages: tuple[Passage, ...] = ()
    final: bool = False


@dataclass
class Toolbox:
    """Tools by name (case-insensitive) plus the calls made so far, for repeat detection."""

    tools: Sequence[Tool]
    _seen: set[str] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        names = [t.name.lower() for t in self.tools]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ConfigError(f"two tools share the name {duplicates[0]!r}; tool names must be unique")

    def get(self, name: str) -> Tool | None:
        return next((t for t in self.tools if t.name.lower() == name.lower()), None)

    def names(self) -> list[str]:
        return [t.name for t in self.tools]

    def call(self, name: str, raw_args: RawArgs) -> ToolResult:
        """Run one call and describe its outcome (see the module docstring for the rule)."""
        found = self.get(name)
        raw = dict(raw_args) if isinstance(raw_args, Mapping) else {"input": raw_args}
        if found is None:
            valid = ", ".join(self.names())
            return ToolResult(name, raw, f"Unknown tool {name!r}. Valid tools: {valid}.", f"unknown tool {name!r}")
        try:
            args = found.bind(raw_args)
        except ToolError as exc:
            return ToolResult(found.name, raw, str(exc), str(exc))
        key = json.dumps([found.name, args], sort_keys=True, default=str)
        if key in self._seen and not found.repeatable:
            return ToolResult(found.name, args, REPEATED, "repeated action")
        self._seen.add(key)
        return _run(found, args)


def _run(tool: Tool, args: dict[str, JSONValue]) -> ToolResult:
    try:
        output = tool.invoke(args)
    except ToolError as exc:
        return ToolResult(tool.name, args, f"Error: {exc}", str(exc))
    return ToolResult(tool.name, args, output.text, passages=output.passages, final=tool.final)
