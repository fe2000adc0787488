"""The RAG prompt: numbered passages packed into the model's context window, plus a worked example.

Two shapes with the same passages. Completion-style for base models (Gemma 3 270M): an instruction,
one worked example that cites ``[n]``, then the real passages and ``Answer:``. A conversation for
instruct models (``prompt_style(llm) == "chat"``): a system message with the rules (the answer first,
cite ``[n]`` after every sentence, join two passages when the answer needs both, decline only when no
passage gives the answer), three worked exchanges (answer, decline, two-passage answer), then the
passages and the question as the user's turn with the rules repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ragagent.llm.base import Message, Prompt, prompt_text
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

CHAT_STOP = ("\nQuestion:", "\n\nPassages:")
SYSTEM = (
    "You answer questions using only the numbered passages the user gives you.\n"
    "Rules:\n"
    "- Your first sentence gives the answer itself (a name, place, date, number or short phrase). "
    "Add at most one more short sentence.\n"
    "- End every sentence with the number of the passage that states it, in square brackets, like [2]. "
    "When a sentence joins facts from two passages, cite both, like [1][3].\n"
    "- The answer may be spread over two passages: one names a person, place or work, another gives the "
    "fact about it. Read every passage before you answer.\n"
    "- Do not use knowledge from outside the passages.\n"
    f'- Only if no passage gives the answer, reply exactly: "{NOT_IN_DOCUMENTS}"'
)
# Repeated at the end of every user turn: small instruct models follow the most recent instruction best.
# Declining comes first and answering last, so the last thing the model reads is "answer and cite".
REMINDER = (f'\n\nIf no passage gives the answer, reply "{NOT_IN_DOCUMENTS}" Otherwise answer in one or two '
            "short sentences, the answer first, each sentence ending with its passage number, like [1].")


def _turn(passages: str, question: str) -> Message:
    return Message("user", f"Passages:\n{passages}\nQuestion: {question}{REMINDER}")


# Worked exchanges (our own, about invented or textbook facts): a one-passage answer, a decline when the
# passages are on topic but lack the fact, and an answer that joins two passages (the last one shown).
CHAT_EXAMPLE = (
    _turn("[1] (rivers.txt) The Danube flows through ten countries and ends in the Black Sea.\n"
          "[2] (towers.md) The Eiffel Tower in Paris was completed in 1889 for the World's Fair. "
          "It was the tallest structure in the world until 1930.\n",
          "When was the Eiffel Tower completed?"),
    Message("assistant", "The Eiffel Tower was completed in 1889, for the World's Fair [2]."),
    _turn("[1] (rivers.txt) The Danube flows through ten countries and ends in the Black Sea.\n"
          "[2] (nile.md) The Nile flows north through eleven countries into the Mediterranean Sea.\n",
          "How long is the Nile?"),
    Message("assistant", NOT_IN_DOCUMENTS),
    _turn("[1] (novels.md) The Salt Orchard is a 1994 novel by the Finnish writer Marta Lind.\n"
          "[2] (ferries.md) The Tallinn ferry leaves from the West Harbour twice a day.\n"
          "[3] (writers.md) Marta Lind (born 1952 in Tampere) is a novelist and translator.\n",
          "In which city was the author of The Salt Orchard born?"),
    Message("assistant", "The Salt Orchard was written by Marta Lind [1], who was born in Tampere [3]."),
)


@dataclass(frozen=True, slots=True)
class PackedPrompt:
    """What the model is sent (a string or a conversation) and the hits it shows, in number order."""

    prompt: Prompt
    shown: tuple[Hit, ...]
    stop: tuple[str, ...] = STOP

    @property
    def text(self) -> str:
        """The prompt as plain text (for token counts and traces)."""
        return prompt_text(self.prompt)


def passage_line(n: int, hit: Hit) -> str:
    text = " ".join(hit.chunk.text.split())
    return f"[{n}] ({hit.chunk.span.locator()}) {text}\n"


def build_prompt(question: str, hits: Sequence[Hit], *, budget_tokens: int,
                 count_tokens: Callable[[str], int], chat: bool = False, history: str = "") -> PackedPrompt:
    """Add passages best-first while the whole prompt fits in ``budget_tokens``.

    ``history`` (a chat's summarised earlier turns, already bounded by the caller) comes before the passages.

    A passage that does not fit is skipped (a shorter one further down may still fit). Only the first
    passage is ever cut short, so that at least one is shown; citations are checked against the chunk.
    ``chat`` builds the conversation for instruct models instead of the completion-style text.
    """
    earlier = f"Earlier in this conversation:\n{history.strip()}\n\n" if history.strip() else ""
    if chat:
        fixed = prompt_text((Message("system", SYSTEM), *CHAT_EXAMPLE)) + earlier + "Passages:\n"
        lines, shown = _pack(hits, budget_tokens, count_tokens, fixed, f"\nQuestion: {question}{REMINDER}")
        user = Message("user", earlier + "Passages:\n" + "".join(lines) + f"\nQuestion: {question}{REMINDER}")
        return PackedPrompt((Message("system", SYSTEM), *CHAT_EXAMPLE, user), shown, CHAT_STOP)
    head, tail = INSTRUCTION + EXAMPLE + earlier + "Passages:\n", f"\nQuestion: {question}\nAnswer:"
    lines, shown = _pack(hits, budget_tokens, count_tokens, head, tail)
    return PackedPrompt(head + "".join(lines) + tail, shown)


def _pack(hits: Sequence[Hit], budget_tokens: int, count_tokens: Callable[[str], int], head: str,
          tail: str) -> tuple[list[str], tuple[Hit, ...]]:
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
    return lines, tuple(shown)
