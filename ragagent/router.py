"""The auto router: picks rag, pal or react for a question and says why.

Rules first (cheap, predictable); a model may be consulted for questions the rules do not settle.

* arithmetic word problems (several numbers and a quantity cue such as "how many", "total", "each",
  "percent") and bare arithmetic ("What is 17 * 23?") → **pal**: an interpreter does the arithmetic exactly;
* comparisons that need two looked-up facts and a difference ("by how many years", "how many years
  after") → **react**: two searches, then the calculator;
* multi-hop or tool-needing questions (two linked facts: "and when", "both", "compare", "which … also",
  a pronoun-chained "the … of the …" question, or an explicit request to calculate or run code) → **react**;
* otherwise → **rag**.

>>> route("If Ann has 3 apples and buys 4 more, how many apples does she have?").mode
'pal'
>>> route("What is 17 * 23?").mode
'pal'
>>> route("By how many years did the transformer precede ReAct?").mode
'react'
>>> route("What is RAG?").mode
'rag'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragagent.llm.base import LLM, GenerationSettings
from ragagent.types import Mode

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?%?")
_QUANTITY = re.compile(
    r"\b(how (many|much|long|far|old)|total|altogether|in all|each|per|every|percent|sum|average|twice|"
    r"half|remain(s|ing)?|left|cost(s)?|spend(s)?|earn(s)?|profit)\b|%|\$",
    re.I,
)
_MULTI_HOP = re.compile(
    r"\b(and (when|where|who|what|how)|both|compare|compared|difference between|which .+ also|"
    r"same (year|person|country|company)|before or after|older|younger|earlier|later than|first.+then)\b",
    re.I,
)
_TOOLS = re.compile(r"\b(calculate|compute|run (the )?code|python|look ?up|search for)\b", re.I)
# A question that is only an expression, e.g. "What is 17 * 23?", "compute (3 + 4) ** 2", "12 divided by 5".
_OPERATOR = r"(?:\*\*|[-+*/×÷^x]|times|plus|minus|divided by|multiplied by|to the power of|mod(?:ulo)?)"
_OPERAND = r"\(*\s*-?\d+(?:[.,]\d+)?%?\s*\)*"
_BARE_ARITHMETIC = re.compile(
    rf"^\s*(?:(?:what|how much) (?:is|are|'s|does)|what's|calculate|compute|evaluate|solve)?\s*:?\s*"
    rf"({_OPERAND}(?:\s*{_OPERATOR}\s*{_OPERAND})+)\s*(?:equal|make|come to)?\s*[=?.!]*\s*$",
    re.I,
)
_DIFFERENCE = re.compile(
    r"\b(by how (many|much)|how many (years|months|days|decades|centuries) (after|before|apart|earlier|later|"
    r"between|separate|passed|elapsed)|how (much|many years) (older|younger|earlier|later|longer|newer))\b",
    re.I,
)
_CHAINED = re.compile(r"\b(who|what|when|where|which)\b.+\bof the\b.+\b(that|who|which)\b", re.I)


@dataclass(frozen=True, slots=True)
class Route:
    mode: Mode
    reason: str


def route(question: str) -> Route:
    """Rule-based routing; always returns a mode and the rule that chose it."""
    numbers = _NUMBER.findall(question)
    if len(numbers) >= 2 and _QUANTITY.search(question):
        return Route("pal", f"arithmetic word problem ({len(numbers)} numbers and a quantity question)")
    if m := _BARE_ARITHMETIC.match(question):
        return Route("pal", f"arithmetic expression ({' '.join(m.group(1).split())!r})")
    if m := _DIFFERENCE.search(question):
        return Route("react", f"comparison needing two facts and a difference (cue: {m.group(0)!r})")
    if m := _MULTI_HOP.search(question):
        return Route("react", f"multi-hop question (cue: {m.group(0)!r})")
    if m := _TOOLS.search(question):
        return Route("react", f"asks for a tool (cue: {m.group(0)!r})")
    if _CHAINED.search(question):
        return Route("react", "chained question (a fact about something another fact identifies)")
    return Route("rag", "factual question answerable from retrieved passages")


_ASK = (
    "Classify each question. rag = answer from documents. pal = a maths word problem to compute. "
    "react = needs several lookups or tools.\n"
    "Question: What does BM25 score?\nType: rag\n"
    "Question: A box holds 12 eggs. How many eggs are in 7 boxes?\nType: pal\n"
    "Question: Who proposed the method the PAL notes compare with, and when was it published?\nType: react\n"
    "Question: {question}\nType:"
)


def route_with_model(question: str, llm: LLM) -> Route:
    """Ask ``llm`` when the rules only fell through to the default; keep the rule otherwise."""
    ruled = route(question)
    if ruled.mode != "rag":
        return ruled
    reply = llm.complete(_ASK.format(question=question), stop=["\n"], settings=GenerationSettings(max_tokens=4))
    word = reply.text.strip().lower()
    for mode in ("pal", "react", "rag"):
        if word.startswith(mode):
            return Route(mode, f"model classified the question as {mode}")
    return Route("rag", f"model reply {reply.text.strip()[:20]!r} unclear; defaulting to rag")
