"""The RAG prompt: numbered passages packed into the model's context window, plus a worked example.

Completion-style, so it works with small base models (the default Gemma 3 270M) as well as chat
models: an instruction, one worked example that cites ``[n]``, then the real passages and question.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ragagent.types import Hit

NOT_IN_DOCUMENTS = "The documents do not say."
STOP = ("\nQuestion:", "\n\nPassages:", "\n\n\n", "\n[", "<end_of_turn>")

INSTRUCTION = (
    "Answer the question using only the numbered passages. After each sentence, cite the passage it "
    f'comes from, like [1]. If the passages do not contain the answer, reply "{NOT_IN_DOCUMENTS}"\n\n'
)
EXAMPLE = (
    "Passages:\n"
    "[1] (geography.txt) The Danube flows through ten countries and ends in the Black Sea.\n"
    "[2] (towers.md) The Eiffel Tower in Paris was completed in 1889 for the World's Fair.\n\n"
    "Question: When was the Eiffel Tower completed?\n"
    "Answer: The Eiffel Tower was completed in 1889 for the World's Fair [2].\n\n"
)


@dataclass(frozen=True, slots=True)
class PackedPrompt:
    """The prompt text and the hits it shows, in the order of their numbers."""

    text: str
    shown: tuple[Hit, ...]


def passage_line(n: int, hit: Hit) -> str:
    text = " ".join(hit.chunk.text.split())
    return f"[{n}] ({hit.chunk.span.locator()}) {text}\n"


def build_prompt(question: str, hits: Sequence[Hit], *, budget_tokens: int,
                 count_tokens: Callable[[str], int], history: str = "") -> PackedPrompt:
    """Add passages best-first while the whole prompt fits in ``budget_tokens``.

    ``history`` (a chat's summarised earlier turns, already bounded by the caller) comes before the passages.

    A passage that does not fit is skipped (a shorter one further down may still fit). Only the first
    passage is ever cut short, so that at least one is shown; citations are checked against the chunk.
    """
    earlier = f"Earlier in this conversation:\n{history.strip()}\n\n" if history.strip() else ""
    head, tail = INSTRUCTION + EXAMPLE + earlier + "Passages:\n", f"\nQuestion: {question}\nAnswer:"
    used = count_tokens(head + tail)
    lines: list[str] = []
    shown: list[Hit] = []
    for hit in hits:
        line = passage_line(len(shown) + 1, hit)
        cost = count_tokens(line)
        if used + cost > budget_tokens:
            if shown:
                continue
            words = line.split(" ")
            room = max(budget_tokens - used, 0)
            line = " ".join(words[: max(8, len(words) * room // max(cost, 1))]) + " …\n"
            cost = count_tokens(line)
        lines.append(line)
        shown.append(hit)
        used += cost
    return PackedPrompt(head + "".join(lines) + tail, tuple(shown))
