"""A chat session over an :class:`~ragagent.Agent`: follow-ups made standalone, bounded memory, settings.

>>> session = ChatSession(agent)                              # doctest: +SKIP
>>> "".join(run := session.stream("When was ReAct introduced?"))  # doctest: +SKIP
>>> session.stream("Who proposed it?").answer.question        # "Who proposed ReAct?"  # doctest: +SKIP
>>> session.save(Path("chat.json"))                           # the transcript with citations  # doctest: +SKIP

Each question is condensed into a standalone one (:mod:`ragagent.conversation`: the model when it can,
rules otherwise) that retrieval uses; the answer prompt also sees a summarised history bounded by
``history_tokens`` (oldest turns drop out first). A turn that fails leaves the session as it was.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ragagent.agent import MODES, Agent, StepCallback
from ragagent.conversation import HISTORY_TOKENS, Condensed, Exchange, condense, history_block
from ragagent.errors import ConfigError
from ragagent.files import write_atomically
from ragagent.llm.base import TokenCounter, estimate_tokens
from ragagent.options import AskMode
from ragagent.types import Answer, AnswerStream, Step

TRANSCRIPT_FORMAT = "ragagent-chat/1"


@dataclass(frozen=True, slots=True)
class Turn:
    """One answered question: what was typed, how it was condensed, and the answer."""

    question: str
    condensed: Condensed
    answer: Answer

    @property
    def asked(self) -> str:
        """The standalone question actually retrieved for and answered."""
        return self.condensed.standalone


@dataclass
class ChatSession:
    """Keeps the conversation; each question is made standalone before it is answered."""

    agent: Agent
    mode: AskMode = "auto"
    turns: list[Turn] = field(default_factory=list)
    history_tokens: int = HISTORY_TOKENS
    condense_with_model: bool = True  # False: rules only (no extra model call per follow-up)

    def condense(self, question: str) -> Condensed:
        """The standalone form of ``question`` given the conversation so far."""
        history = [Exchange(t.asked, t.answer.text) for t in self.turns]
        return condense(question, history, self.agent.llm if self.condense_with_model else None)

    def standalone(self, question: str) -> str:
        return self.condense(question).standalone

    def history(self) -> str:
        """The summarised history the answer prompt sees (within ``history_tokens``)."""
        llm = self.agent.llm
        count = llm.count_tokens if isinstance(llm, TokenCounter) else estimate_tokens
        return history_block([Exchange(t.asked, t.answer.text) for t in self.turns],
                             budget_tokens=self.history_tokens, count_tokens=count)

    def stream(self, question: str, *, on_step: StepCallback | None = None) -> AnswerStream:
        """Answer ``question`` in the conversation; the turn is recorded once the stream is consumed."""
        condensed = self.condense(question)
        if on_step is not None and condensed.method != "unchanged":
            on_step(condensation_step(condensed))
        run = self.agent.stream(condensed.standalone, self.mode, on_step=on_step, history=self.history())
        return AnswerStream(iter(run), lambda: self._record(question, condensed, run.answer))

    def ask(self, question: str, *, on_step: StepCallback | None = None) -> Answer:
        return self.stream(question, on_step=on_step).answer

    def _record(self, question: str, condensed: Condensed, answer: Answer) -> Answer:
        self.turns.append(Turn(question, condensed, answer))
        return answer

    @property
    def last(self) -> Answer | None:
        return self.turns[-1].answer if self.turns else None

    def set_mode(self, mode: str) -> AskMode:
        if mode not in MODES:
            raise ConfigError(f"unknown mode {mode!r} (use one of {', '.join(MODES)})")
        self.mode = mode  # type: ignore[assignment]  # checked against MODES above
        return self.mode

    @property
    def k(self) -> int:
        return self.agent.settings.k

    def set_k(self, value: str | int) -> int:
        """Passages retrieved per question from now on (1 to 100)."""
        try:
            k = int(value)
        except ValueError:
            raise ConfigError(f"k must be a whole number, not {value!r}") from None
        if not 1 <= k <= 100:
            raise ConfigError(f"k must be between 1 and 100, not {k}")
        self.agent.settings = self.agent.settings.model_copy(update={"k": k})
        return k

    def reset(self) -> None:
        """Forget the conversation (the mode and k stay)."""
        self.turns.clear()

    def transcript(self) -> dict[str, Any]:
        """The conversation as JSON-ready data: questions, standalone forms, answers and their citations."""
        return {
            "format": TRANSCRIPT_FORMAT,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "index": str(getattr(self.agent.index, "directory", type(self.agent.index).__name__)),
            "llm": self.agent.settings.llm,
            "turns": [turn_record(t) for t in self.turns],
        }

    def save(self, path: str | Path) -> int:
        """Write :meth:`transcript` to ``path`` atomically; returns the number of turns saved."""
        data = json.dumps(self.transcript(), indent=2, ensure_ascii=False, default=str) + "\n"
        target = Path(path).expanduser()
        if target.is_dir():
            raise ConfigError(f"cannot save the transcript to {path}: it is a directory")
        try:
            write_atomically(target, data, fsync=False)
        except OSError as exc:
            raise ConfigError(f"cannot save the transcript to {path}: {exc.strerror or exc}") from exc
        return len(self.turns)


def condensation_step(condensed: Condensed) -> Step:
    """The condensation as a trace step (shown by ``--trace`` / ``/trace``)."""
    how = condensed.method + (f": {condensed.note}" if condensed.note else "")
    return Step(thought=f"follow-up condensed ({how})", action="condense",
                args={"question": condensed.question}, observation=condensed.standalone)


def turn_record(turn: Turn) -> dict[str, Any]:
    answer = turn.answer
    return {
        "question": turn.question,
        "standalone": turn.asked,
        "condensed_by": turn.condensed.method,
        "mode": answer.mode,
        "route_reason": answer.route_reason,
        "answer": answer.text,
        "answered": answer.answered,
        "citations": [asdict(c) for c in answer.citations],
        "retrieved": [{"chunk_id": h.chunk.id, "source": h.chunk.span.source, "page": h.chunk.span.page,
                       "score": h.score} for h in answer.hits],
        "timings": dict(answer.timings),
    }
