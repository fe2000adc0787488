"""The ReAct prompt: instructions, the tool list, worked examples and the transcript so far.

Two shapes. Completion-style for small base models (the prompt ends with ``Thought:`` and the model is
stopped before it can write an ``Observation:`` itself). A conversation for instruct models
(:func:`render_messages`): a system message with the exact reply grammar (one ``Thought:`` line, one
``Action:`` line), the tools and the worked examples; the question as the user's turn; each step as the
model's ``Thought/Action`` turn answered by a user turn ``Observation: ...`` (parse errors arrive there
too, with what to write instead).  Examples are shown only when the tools they use are present.  When
the prompt outgrows the model's budget, the oldest observations are elided first.

>>> from ragagent.tools import calculator_tool, finish_tool
>>> text = render_prompt("What is 2 + 2?", [calculator_tool(), finish_tool()], [])
>>> text.endswith("Question: What is 2 + 2?\\nThought:")
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ragagent.llm.base import Message, estimate_tokens, prompt_text
from ragagent.rag.prompt import NOT_IN_DOCUMENTS
from ragagent.tools import Tool

STOP = ("\nObservation:", "\nQuestion:", "<end_of_turn>")
CHAT_STOP = ("\nObservation:", "Observation:", "\nQuestion:")
FINAL_STOP = (*STOP, "\nThought:", "\nAction:")
ELIDED = "(elided to save space)"

INSTRUCTION = (
    "Answer the question by writing Thought, Action and Observation lines. Thought reasons about what to do "
    "next. Action calls one tool, written tool[input], or tool {\"argument\": value} for several arguments. "
    "Observation is the tool's result. When you know the answer, call finish and cite the numbered passages "
    f'it comes from, like [1]. If the documents do not contain the answer, finish with "{NOT_IN_DOCUMENTS}"\n'
    "Tools:\n"
)


@dataclass(frozen=True, slots=True)
class Example:
    """A worked example, shown when all of ``tools`` are available."""

    tools: frozenset[str]
    text: str


# One calculation for both prompt shapes; base models finish with a sentence, instruct models with the answer.
CALCULATION = """\
Question: What is 15% of 2,340?
Thought: I can compute this with the calculator.
Action: calculator[0.15 * 2340]
Observation: 351
Thought: 15% of 2,340 is 351.
"""

EXAMPLES = (
    Example(frozenset({"search", "lookup", "finish"}), """\
Question: Which river flows through the city where the Eiffel Tower stands?
Thought: I need the city of the Eiffel Tower, then the river that flows through that city.
Action: search[Eiffel Tower city]
Observation: [1] (landmarks/paris.md) The Eiffel Tower is a wrought-iron tower in Paris, completed in 1889.
[2] (landmarks/london.md) Big Ben is the nickname of the great bell of the clock tower in London.
Thought: The Eiffel Tower is in Paris, and search opened paris.md. I will look up "river" in it.
Action: lookup[river]
Observation: (Result 1/1) [3] (landmarks/paris.md) Paris lies on the Seine river in northern France.
Thought: The Seine flows through Paris. I can answer.
Action: finish[The Eiffel Tower stands in Paris [1], and the Seine river flows through Paris [3].]
"""),
    Example(frozenset({"calculator", "finish"}), CALCULATION + "Action: finish[15% of 2,340 is 351.]\n"),
    Example(frozenset({"python", "finish"}), """\
Question: How many of the numbers from 1 to 100 are divisible by 3 or 5?
Thought: I will count them with Python.
Action: python[print(sum(1 for n in range(1, 101) if n % 3 == 0 or n % 5 == 0))]
Observation: 47
Thought: 47 of the numbers from 1 to 100 are divisible by 3 or 5.
Action: finish[47 of the numbers from 1 to 100 are divisible by 3 or 5.]
"""),
)


@dataclass(frozen=True, slots=True)
class Turn:
    """One step of the transcript: what the model wrote (or its canonical form) and what it saw."""

    text: str
    observation: str

    def render(self) -> str:
        return f"{self.text}\nObservation: {self.observation}\n"


def header(tools: Sequence[Tool]) -> str:
    """Instructions, tool descriptions and the applicable examples."""
    names = {t.name for t in tools}
    examples = [e.text for e in EXAMPLES if e.tools <= names]
    lines = "".join(f"{t.describe()}\n" for t in tools)
    return INSTRUCTION + lines + "".join(f"\n{e}" for e in examples) + "\n"


def render_prompt(question: str, tools: Sequence[Tool], turns: Sequence[Turn], *, budget_tokens: int | None = None,
                  count_tokens: Callable[[str], int] = estimate_tokens, suffix: str = "") -> str:
    """The full prompt, ending with ``Thought:`` (plus ``suffix``); old observations elided to fit."""
    head = header(tools) + f"Question: {question}\n"
    tail = "Thought:" + suffix
    shown = list(turns)
    text = head + "".join(t.render() for t in shown) + tail
    for i in range(len(shown)):
        if budget_tokens is None or count_tokens(text) <= budget_tokens:
            break
        shown[i] = replace(shown[i], observation=ELIDED)
        text = head + "".join(t.render() for t in shown) + tail
    return text


CHAT_RULES = (
    "You answer the user's question by using tools, one step at a time. Reply to every message with exactly "
    "two lines and nothing else:\n"
    "Thought: <one sentence: what you know and what you need next>\n"
    "Action: <tool>[<input>]\n"
    "After each Action the user replies with \"Observation: <result>\". Never write an Observation yourself. "
    'For a tool with several arguments write Action: <tool> {"argument": "value"}.\n'
    "How to search: many questions take two steps. If the question describes something through another thing "
    "(\"the director of the film X\", \"the river in the town where Y was born\"), first find that thing's "
    "name, then search for the name itself with the fact you need. A question about two things needs a "
    "search for each. Search with a few keywords or a name, not the whole question again. lookup[<word>] "
    "finds the next sentence with that word in the document the last search opened.\n"
    "When you know the answer, write Action: finish[<the answer in a few words> [n]]: the answer itself "
    "(a name, place, date, number, yes or no, or a short phrase), then the numbers of the passages that state "
    f"it. If the documents do not contain the answer, write Action: finish[{NOT_IN_DOCUMENTS}]"
    "\n\nTools:\n"
)
FORMAT_HINT = "\nReply with exactly two lines:\nThought: <one sentence>\nAction: <tool>[<input>]"
FINAL_NUDGE = ("Observation: You are out of steps. Reply with one line only: Action: finish[your best answer in "
               "a few words, then the passages like [1]]")
# Worked runs for instruct models (our own, about invented places and people): a question through another
# thing (two searches, the second for the name found by the first), a comparison and a calculation.
CHAT_EXAMPLES = (
    Example(frozenset({"search", "finish"}), """\
Question: Which river flows through the town where the painter of "Blue Harbour" was born?
Thought: I need the painter of "Blue Harbour" first.
Action: search[Blue Harbour painting painter]
Observation: [1] (art/blue-harbour.md) "Blue Harbour" is an 1898 oil painting by the Danish painter Ida Berg.
[2] (art/red-mill.md) "Red Mill" is a watercolour by Karl Holm.
Thought: The painter is Ida Berg. Now I need the town where Ida Berg was born.
Action: search[Ida Berg born]
Observation: [3] (people/ida-berg.md) Ida Berg (1861-1930) was a painter born in Ribe, a town in Denmark.
[4] (towns/ribe.md) Ribe is the oldest town in Denmark; the Ribe River flows through it.
Thought: Ida Berg was born in Ribe [3], and the Ribe River flows through Ribe [4].
Action: finish[the Ribe River [3][4]]
"""),
    Example(frozenset({"search", "finish"}), """\
Question: Which was founded first, Norrby College or Alvik Institute?
Thought: I need the founding year of each.
Action: search[Norrby College founded]
Observation: [1] (schools/norrby.md) Norrby College was founded in 1921 in Uppsala.
Thought: Norrby College was founded in 1921. Now Alvik Institute.
Action: search[Alvik Institute founded]
Observation: [2] (schools/alvik.md) Alvik Institute is a research institute founded in 1897.
Thought: Alvik Institute (1897) is older than Norrby College (1921).
Action: finish[Alvik Institute [1][2]]
"""),
    Example(frozenset({"calculator", "finish"}), CALCULATION + "Action: finish[351]\n"),  # short, as the rules ask
)


def chat_system(tools: Sequence[Tool]) -> str:
    """The system message: the reply grammar, the tools and the applicable worked examples."""
    names = {t.name for t in tools}
    examples = [e.text for e in CHAT_EXAMPLES if e.tools <= names]
    lines = "".join(f"{t.describe()}\n" for t in tools)
    shown = "".join(f"\n{e}" for e in examples)
    return CHAT_RULES + lines + (f"\nExamples of whole runs:\n{shown}" if shown else "")


def render_messages(question: str, tools: Sequence[Tool], turns: Sequence[Turn], *,
                    budget_tokens: int | None = None, count_tokens: Callable[[str], int] = estimate_tokens,
                    final: bool = False) -> tuple[Message, ...]:
    """The conversation for instruct models; ``final`` ends it with a request for ``finish`` now."""
    def build(shown: Sequence[Turn]) -> tuple[Message, ...]:
        messages = [Message("system", chat_system(tools)), Message("user", f"Question: {question}")]
        for turn in shown:
            messages += [Message("assistant", turn.text), Message("user", f"Observation: {turn.observation}")]
        if final:  # the last message is always the user's
            messages[-1] = Message("user", f"{messages[-1].content}\n\n{FINAL_NUDGE}")
        return tuple(messages)

    shown = list(turns)
    messages = build(shown)
    for i in range(len(shown)):
        if budget_tokens is None or count_tokens(prompt_text(messages)) <= budget_tokens:
            break
        shown[i] = replace(shown[i], observation=ELIDED)
        messages = build(shown)
    return messages
