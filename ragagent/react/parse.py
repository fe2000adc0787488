"""Parsing one model turn of the ReAct text protocol; a pure function.

>>> parse_step(" I should search.\\nAction: search[transformer year]")
ParsedStep(thought='I should search.', action='search', args='transformer year', call='search[transformer year]')
>>> parse_step(' Two args.\\nAction: lookup {"term": "river", "document": "paris.md"}').args
{'term': 'river', 'document': 'paris.md'}
>>> parse_step("I am not sure what to do.").message
'Your reply has no Action line. Write one action, like: Action: search[your query]'

Accepted: ``Action: tool[input]`` (the input runs to the last ``]`` of the action, so it may span
lines and contain brackets), ``Action: tool {"json": "object"}``, an optional leading ``Thought:``,
numbered labels (``Action 2:``) and a ``Final Answer: ...`` line (read as ``finish``).  The action
ends where a new ``Thought:``/``Action:``/``Observation:``/``Question:`` line starts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ragagent.types import JSONValue

_LABEL = r"^[ \t]*{}(?:[ \t]*\d+)?[ \t]*:[ \t]*"
_ACTION = re.compile(_LABEL.format("Action"), re.I | re.M)
_FINAL = re.compile(_LABEL.format("Final Answer"), re.I | re.M)
_THOUGHT = re.compile(r"\A\s*" + _LABEL.format("Thought").lstrip("^"), re.I)
_NEXT = re.compile(_LABEL.format("(?:Thought|Action|Observation|Question|Final Answer)"), re.I | re.M)
_NAME = re.compile(r"([A-Za-z_]\w*)[ \t]*")

NO_ACTION = "Your reply has no Action line. Write one action, like: Action: search[your query]"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_MARKER = re.compile(r"\[\d+\]")
_DANGLING = re.compile(r"\s*\[\d*$")
_FILLER = re.compile(r"\b(?:and|see|passages?|sources?)\b|[^\w]", re.I)


@dataclass(frozen=True, slots=True)
class ParsedStep:
    """A thought and one tool call; ``args`` is the bracket text or the decoded JSON object."""

    thought: str
    action: str
    args: str | dict[str, JSONValue]
    call: str  # the action as it will be shown back in the transcript


@dataclass(frozen=True, slots=True)
class ParseError:
    """The turn could not be read; ``message`` tells the model how to write the action."""

    message: str
    text: str


def parse_step(text: str) -> ParsedStep | ParseError:
    """Read ``Thought: ... Action: ...`` from one completion (see the module docstring)."""
    action = _ACTION.search(text)
    if action is None:
        final = _FINAL.search(text)
        if final is None:
            return ParseError(NO_ACTION, text)
        answer = _until_next_label(text[final.end():])
        return ParsedStep(_thought(text[: final.start()]), "finish", answer, f"finish[{answer}]")
    return _parse_call(_thought(text[: action.start()]), _until_next_label(text[action.end():]), text)


def _thought(text: str) -> str:
    return " ".join(_THOUGHT.sub("", text, count=1).split())


def _until_next_label(text: str) -> str:
    following = _NEXT.search(text)
    return (text[: following.start()] if following else text).strip()


def _parse_call(thought: str, body: str, text: str) -> ParsedStep | ParseError:
    name = _NAME.match(body)
    if name is None:
        return ParseError("The action must start with a tool name, like: Action: search[your query]", text)
    tool, rest = name.group(1), body[name.end():]
    if rest.startswith("["):
        end = rest.rfind("]")
        if end < 0:
            return ParseError(f"The input of {tool} is missing its closing bracket: {tool}[input]", text)
        return ParsedStep(thought, tool, rest[1:end].strip(), f"{tool}{rest[: end + 1]}")
    if rest.startswith("{"):
        return _parse_json(thought, tool, rest, text)
    return ParseError(f'Give the input of {tool} in brackets, like {tool}[input], or as JSON, like {tool} {{"name": '
                      '"value"}.', text)


def _parse_json(thought: str, tool: str, rest: str, text: str) -> ParsedStep | ParseError:
    try:
        value, end = json.JSONDecoder().raw_decode(rest)
    except json.JSONDecodeError as exc:
        return ParseError(f"The arguments of {tool} are not valid JSON ({exc.msg}); write {tool}[input] or "
                          f'{tool} {{"name": "value"}}.', text)
    return ParsedStep(thought, tool, value, f"{tool} {rest[:end]}")


def tidy_answer(text: str, decline: str) -> str:
    """A final answer without the debris small models append after it: sentences that are only citation
    markers ("[1] and [3]."), a cut-off marker ("[2"), or ``decline`` added after a real answer.

    >>> tidy_answer("Paris [1]. [1], [3].", "No.")
    'Paris [1].'
    >>> tidy_answer("Paris [1]. No.", "No.")
    'Paris [1].'
    >>> tidy_answer("Paris. [1] and [2].", "No.")
    'Paris [1][2].'
    """
    kept: list[str] = []
    for sentence in _SENTENCE.split(_DANGLING.sub("", text.strip())):
        bare = _MARKER.sub("", sentence)
        if _FILLER.sub("", bare) == "" and kept:
            if not _MARKER.search(kept[-1]):  # the markers belong to the sentence before: move them there
                end = len(kept[-1].rstrip(".!?"))
                kept[-1] = kept[-1][:end] + " " + "".join(_MARKER.findall(sentence)) + kept[-1][end:]
            continue
        if kept and " ".join(bare.split()) == decline:
            continue
        kept.append(sentence)
    return " ".join(kept).strip()
