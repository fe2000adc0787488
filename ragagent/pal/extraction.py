"""From a model's completion to a program, and from the program's value to the answer text.

>>> extract_code("```python\\ndef solution():\\n    return 12\\n```\\nThe answer is 12.", "q")
'def solution():\\n    return 12\\n'
>>> format_value(12.0), format_value(0.1 + 0.2)
('12', '0.3')
"""

from __future__ import annotations

import json
import math
import re

from ragagent.pal.prompt import primer
from ragagent.types import JSONValue

_FENCE = re.compile(r"```[ \t]*(?:python|py)?[ \t]*\n(.*?)(?:```|\Z)", re.S | re.I)
_DEF = re.compile(r"^def solution\(", re.M)
_KEEP_TOP_LEVEL = ("def ", "class ", "import ", "from ", "@", "#")


def extract_code(completion: str, question: str) -> str:
    """The program in a completion: a fenced block, a whole ``def solution``, or the primed body.

    Text after the function (prose, ``print(solution())``, the start of a next question) is dropped;
    top-level imports written before ``def solution`` are kept.
    """
    fenced = _FENCE.search(completion)
    text = fenced.group(1) if fenced else completion
    found = _DEF.search(text)
    if found:
        imports = [line for line in text[: found.start()].splitlines() if line.startswith(("import ", "from "))]
        return _trim("".join(f"{line}\n" for line in imports) + text[found.start() :])
    if fenced and not text[:1].isspace():
        return text.strip() + "\n"  # plain top-level code that sets ``result``
    return _trim(primer(question) + text)


def _trim(code: str) -> str:
    lines = code.splitlines()
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() and not line[0].isspace() and not line.startswith(_KEEP_TOP_LEVEL):
            lines = lines[:i]
            break
    return "\n".join(lines).rstrip() + "\n"


def format_value(value: JSONValue) -> str:
    """Ints as ints; floats rounded to 6 decimals without trailing zeros (12.0 -> "12"); others as JSON."""
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        rounded = round(value, 6) + 0.0  # + 0.0 turns -0.0 into 0.0
        return f"{rounded:.6f}".rstrip("0").rstrip(".")
    if isinstance(value, str):
        return value.strip()
    return json.dumps(value, ensure_ascii=False)
