"""A chat session over an :class:`~ragagent.Agent`: history, follow-up rewriting, mode switching.

>>> session = ChatSession(agent)                            # doctest: +SKIP
>>> run = session.stream("Who proposed PAL?")               # doctest: +SKIP
>>> "".join(run); run.answer.citations                      # doctest: +SKIP
>>> session.stream("When was it published?").answer.question  # rewritten with the conversation  # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ragagent.agent import Agent, AskMode, StepCallback
from ragagent.llm.base import GenerationSettings
from ragagent.streaming import AnswerStream
from ragagent.types import Answer

_REFERS_BACK = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|he|him|his|she|her|there|then|the same|also)\b", re.I
)
_REWRITE = (
    "Rewrite the follow-up as a question that can be understood without the conversation.\n\n"
    "Conversation:\nQ: Who wrote Hamlet?\nA: William Shakespeare wrote Hamlet.\n"
    "Follow-up: When was he born?\nStandalone question: When was William Shakespeare born?\n\n"
    "Conversation:\n{history}\nFollow-up: {question}\nStandalone question:"
)


@dataclass(frozen=True, slots=True)
class Turn:
    question: str
    asked: str  # the standalone question actually answered
    answer: Answer


@dataclass
class ChatSession:
    """Keeps the conversation; each question is made standalone before it is answered."""

    agent: Agent
    mode: AskMode = "auto"
    turns: list[Turn] = field(default_factory=list)
    max_history: int = 3

    def standalone(self, question: str) -> str:
        """The question rewritten with the conversation when it refers back to it (else unchanged)."""
        if not self.turns or not _REFERS_BACK.search(question):
            return question
        recent = self.turns[-self.max_history:]
        history = "\n".join(f"Q: {t.asked}\nA: {_first_sentence(t.answer.text)}" for t in recent)
        reply = self.agent.llm.complete(_REWRITE.format(history=history, question=question), stop=["\n"],
                                        settings=GenerationSettings(max_tokens=48))
        rewritten = reply.text.strip()
        if not rewritten or len(rewritten) > 3 * len(question) + 80 or not rewritten.endswith("?"):
            # A small model may not manage; fall back to carrying the last question along explicitly.
            return f"{question} (follow-up to: {self.turns[-1].asked})"
        return rewritten

    def stream(self, question: str, *, on_step: StepCallback | None = None) -> AnswerStream:
        asked = self.standalone(question)
        run = self.agent.stream(asked, self.mode, on_step=on_step)
        return AnswerStream(iter(run), lambda: self._record(question, asked, run.answer))

    def ask(self, question: str) -> Answer:
        return self.stream(question).answer

    def _record(self, question: str, asked: str, answer: Answer) -> Answer:
        self.turns.append(Turn(question, asked, answer))
        return answer

    @property
    def last(self) -> Answer | None:
        return self.turns[-1].answer if self.turns else None


def _first_sentence(text: str, width: int = 200) -> str:
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return first[:width]
