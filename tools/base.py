"""The tool contract: a name, a description, a pydantic argument model and a function.

>>> from pydantic import BaseModel
>>> class EchoArgs(BaseModel):
...     text: str
>>> echo = Tool("echo", "Repeat the text.", EchoArgs, lambda text: text)
>>> echo.run("hello"), echo.run({"text": "hi"}), echo.usage()
('hello', 'hi', 'echo[text]')

A tool reports failures the model should see by raising :class:`~ragagent.errors.ToolError`
(invalid arguments raise its subclass :class:`InvalidArgumentsError`); any other exception is a bug
and propagates.  Most tools are built with the :func:`~ragagent.tools.tool` decorator instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from ragagent.errors import ConfigError, ToolError
from ragagent.types import Hit, JSONValue

RawArgs = str | Mapping[str, JSONValue]
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class InvalidArgumentsError(ToolError):
    """The arguments do not fit the tool's argument model; the message lists the expected ones."""

    def __init__(self, tool: Tool, reason: str) -> None:
        self.tool_name = tool.name
        self.reason = reason
        expected = f"Expected {tool.usage()} where {tool.argument_help()}".rstrip(".")
        super().__init__(f"Invalid arguments for {tool.name}: {reason}. {expected}.")


@dataclass(frozen=True, slots=True)
class Passage:
    """A passage a tool showed the model under the citation number ``n``."""

    n: int
    hit: Hit


@dataclass(frozen=True, slots=True)
class ToolOutput:
    """What a tool returns: the observation text and the numbered passages it showed (if any)."""

    text: str
    passages: tuple[Passage, ...] = ()


@dataclass(frozen=True, slots=True)
class Tool:
    """A named function with validated arguments.

    ``final`` marks a tool whose call ends a ReAct run (its output is the answer); ``repeatable``
    marks one whose repeated identical call may give a new result (so repeats are not refused).
    """

    name: str
    description: str
    args_model: type[BaseModel]
    func: Callable[..., object]
    final: bool = False
    repeatable: bool = False

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ConfigError(f"tool name {self.name!r} must be an identifier (letters, digits, underscores)")
        if not self.description.strip():
            raise ConfigError(f"tool {self.name!r} needs a description (the model reads it)")

    def run(self, raw_args: RawArgs) -> str:
        """Validate ``raw_args``, call the function and return the observation text."""
        return self.invoke(raw_args).text

    def invoke(self, raw_args: RawArgs) -> ToolOutput:
        """Like :meth:`run`, keeping the passages the tool showed."""
        arguments = self.validate(self.bind(raw_args))
        return as_output(self.func(**arguments))

    def bind(self, raw_args: RawArgs) -> dict[str, JSONValue]:
        """Name the arguments: a plain string goes to the only (or only required) argument."""
        return dict(raw_args) if isinstance(raw_args, Mapping) else self._bind_text(raw_args)

    def _bind_text(self, text: str) -> dict[str, JSONValue]:
        fields = self.args_model.model_fields
        if not fields:
            if text.strip():
                raise InvalidArgumentsError(self, "this tool takes no arguments")
            return {}
        decoded = _json_object(text) if len(fields) > 1 else None
        if decoded is not None:
            return decoded
        required = [name for name, f in fields.items() if f.is_required()]
        target = list(fields) if len(fields) == 1 else required
        if len(target) != 1:
            raise InvalidArgumentsError(self, "this tool takes several arguments; give them as a JSON object")
        return {target[0]: text}

    def validate(self, arguments: Mapping[str, JSONValue]) -> dict[str, Any]:
        """Check ``arguments`` against the model; returns the validated values by name."""
        try:
            model = self.args_model.model_validate(dict(arguments))
        except ValidationError as exc:
            raise InvalidArgumentsError(self, validation_reasons(exc)) from exc
        return {name: getattr(model, name) for name in type(model).model_fields}

    def usage(self) -> str:
        """How the model writes a call: ``name[arg]`` or ``name {"a": ..., "b": ...}``."""
        fields = self.args_model.model_fields
        if len(fields) <= 1:
            return f"{self.name}[{''.join(fields)}]"
        required = [name for name, f in fields.items() if f.is_required()]
        if len(required) == 1:
            return f"{self.name}[{required[0]}]"
        return self.name + " {" + ", ".join(f'"{name}": ...' for name in fields) + "}"

    def argument_help(self) -> str:
        """Each argument with its JSON type, whether required, and its description."""
        schema = self.args_model.model_json_schema()
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        return "; ".join(_describe_field(name, spec, name in required) for name, spec in properties.items()) or (
            "no arguments"
        )

    def describe(self) -> str:
        """One line for a prompt: usage and description."""
        return f"{self.usage()}: {' '.join(self.description.split())}"


def as_output(value: object) -> ToolOutput:
    """A function's return value as a :class:`ToolOutput` (non-strings become JSON text)."""
    if isinstance(value, ToolOutput):
        return value
    if isinstance(value, str):
        return ToolOutput(value)
    if value is None:
        return ToolOutput("(no output)")
    return ToolOutput(json.dumps(value, ensure_ascii=False, default=str))


def _json_object(text: str) -> dict[str, JSONValue] | None:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def validation_reasons(exc: ValidationError) -> str:
    """Pydantic errors as one line: ``field: message; ...``."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "arguments"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def _describe_field(name: str, spec: Mapping[str, Any], required: bool) -> str:
    kind = spec.get("type") or "/".join(str(o.get("type", "any")) for o in spec.get("anyOf", [])) or "any"
    text = f"{name} ({kind}, {'required' if required else 'optional'})"
    return f"{text}: {spec['description']}" if spec.get("description") else text
