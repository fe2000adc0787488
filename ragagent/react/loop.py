"""The ReAct loop: think → act → observe until ``finish`` or the step limit, then verify citations.

>>> from ragagent.tools import default_tools
>>> answer = run_react("Which river flows through the city of the Eiffel Tower?", llm,      # doctest: +SKIP
...                    default_tools(index, executor, k=4), max_steps=6, on_step=print)
>>> answer.text, [c.verified for c in answer.citations], answer.complete                    # doctest: +SKIP

Every model turn is one :class:`~ragagent.types.Step`: an unparsable turn, an unknown tool, invalid
arguments, a :class:`~ragagent.errors.ToolError` or a repeated action is shown to the model as the
observation (and recorded in ``Step.error``); any other exception propagates.  After
``max_parse_errors`` consecutive unparsable turns, or at ``max_steps``, one last completion asks for
the answer (``Answer.complete`` is then False).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from ragagent.errors import ConfigError
from ragagent.llm.base import (
    LLM,
    Completion,
    GenerationSettings,
    Prompt,
    TokenCounter,
    context_window_of,
    estimate_tokens,
    prompt_style,
)
from ragagent.rag.answer import abstention_of
from ragagent.rag.citations import CitationVerifier
from ragagent.rag.prompt import NOT_IN_DOCUMENTS
from ragagent.react.parse import ParsedStep, ParseError, parse_step, tidy_answer
from ragagent.react.prompt import CHAT_STOP, FINAL_STOP, FORMAT_HINT, STOP, Turn, render_messages, render_prompt
from ragagent.tools import Tool, Toolbox, ToolResult, finish_tool
from ragagent.types import Abstention, Answer, Citation, Hit, JSONValue, Step, Usage

StepCallback = Callable[[Step], None]
MAX_OBSERVATION_CHARS = 2000
NO_ANSWER = "I could not find the answer within the step limit."
FIRST_THOUGHT = "I should search the documents for the question first."
LAST_CHANCE = " I must stop searching now and give my best answer with what I found.\nAction: finish["


class ReactRun:
    """One ReAct run; :meth:`answer` drives it (use :func:`run_react`)."""

    def __init__(self, question: str, llm: LLM, tools: Sequence[Tool], settings: GenerationSettings,
                 verifier: CitationVerifier, on_step: StepCallback | None, max_parse_errors: int) -> None:
        self.question, self.llm, self.settings, self.verifier = question, llm, settings, verifier
        self.tools = list(tools) if any(t.final for t in tools) else [*tools, finish_tool()]
        self.toolbox = Toolbox(self.tools)
        self.on_step, self.max_parse_errors = on_step, max_parse_errors
        self.turns: list[Turn] = []
        self.steps: list[Step] = []
        self.shown: dict[int, Hit] = {}
        self.usage = Usage()
        self.timings = {"llm_s": 0.0, "tools_s": 0.0}
        self._count = llm.count_tokens if isinstance(llm, TokenCounter) else estimate_tokens
        self._budget = context_window_of(llm) - settings.max_tokens - 16
        self._chat = prompt_style(llm) == "chat"

    def answer(self, max_steps: int, *, search_first: bool = False) -> Answer:
        started = time.perf_counter()
        failures = 0
        if search_first and any(t.name == "search" for t in self.tools):
            # Scaffolding for small base models, which tend to "finish" before looking anything up:
            # the first step is always a search for the question itself (recorded like any other step).
            first = ParsedStep(FIRST_THOUGHT, "search", self.question, f"search[{self.question}]")
            self._act(first, time.perf_counter())
            max_steps -= 1
        for _ in range(max_steps):
            step_started = time.perf_counter()
            parsed = parse_step(self._complete(CHAT_STOP if self._chat else STOP).text)
            if isinstance(parsed, ParseError):
                failures += 1
                self._record_parse_error(parsed, step_started)
                if failures > self.max_parse_errors:
                    return self._best_effort("too many unparsable replies", started)
                continue
            failures = 0
            result = self._act(parsed, step_started)
            if result.final:
                return self._final(result.observation, started, complete=True)
        return self._best_effort("max_steps reached", started)

    def _complete(self, stop: Sequence[str], suffix: str = "", *, final: bool = False) -> Completion:
        prompt: Prompt
        if self._chat:
            prompt = render_messages(self.question, self.tools, self.turns, budget_tokens=self._budget,
                                     count_tokens=self._count, final=final)
        else:
            prompt = render_prompt(self.question, self.tools, self.turns, budget_tokens=self._budget,
                                   count_tokens=self._count, suffix=suffix)
        began = time.perf_counter()
        completion = self.llm.complete(prompt, stop=stop, settings=self.settings)
        self.timings["llm_s"] += time.perf_counter() - began
        self.usage += completion.usage
        return completion

    def _act(self, parsed: ParsedStep, step_started: float) -> ToolResult:
        began = time.perf_counter()
        result = self.toolbox.call(parsed.action, parsed.args)
        self.timings["tools_s"] += time.perf_counter() - began
        for passage in result.passages:
            self.shown.setdefault(passage.n, passage.hit)
        observation = _cap(result.observation)
        self._record(Turn(f"Thought: {parsed.thought}\nAction: {parsed.call}", observation),
                     Step(parsed.thought, result.tool, result.args, observation, result.error), step_started)
        return result

    def _record_parse_error(self, error: ParseError, step_started: float) -> None:
        observation = f"Invalid format. {error.message}{FORMAT_HINT if self._chat else ''}"
        written = " ".join(error.text.split()) or "(empty reply)"
        self._record(Turn(f"Thought: {written}", observation),
                     Step(error.text.strip(), "", {}, observation, f"parse error: {error.message}"), step_started)

    def _record(self, turn: Turn, step: Step, step_started: float) -> None:
        self.turns.append(turn)
        timed = replace(step, duration_s=time.perf_counter() - step_started)
        self.steps.append(timed)
        if self.on_step is not None:
            self.on_step(timed)

    def _best_effort(self, reason: str, started: float) -> Answer:
        step_started = time.perf_counter()
        if self._chat:
            text = chat_final(self._complete(CHAT_STOP, final=True).text)
        else:
            text = close_finish(self._complete(FINAL_STOP, suffix=LAST_CHANCE).text)
        abstention: Abstention | None = None if text else "no_answer"  # decided here: the model gave nothing
        text = text or NO_ANSWER
        args: Mapping[str, JSONValue] = {"answer": text}
        self._record(Turn(f"Thought:{LAST_CHANCE}{text}]", text),
                     Step(LAST_CHANCE.split("\n")[0].strip(), "finish", args, text, reason), step_started)
        return self._final(text, started, complete=False, abstention=abstention)

    def _final(self, text: str, started: float, *, complete: bool, abstention: Abstention | None = None) -> Answer:
        verify_started = time.perf_counter()
        passages = numbered(self.shown)
        chunks = [h.chunk for h in passages]
        text = tidy_answer(text, NOT_IN_DOCUMENTS) or text
        abstention = abstention if abstention is not None else abstention_of(text)
        citations: tuple[Citation, ...] = ()
        if abstention is None:
            text, citations = self.verifier.finalise(text, chunks)  # corrected / attributed as in RAG
        ended = time.perf_counter()
        timings = {**self.timings, "verify_s": ended - verify_started, "total_s": ended - started}
        return Answer(question=self.question, text=text, mode="react", citations=citations, hits=tuple(passages),
                      steps=tuple(self.steps), usage=self.usage, timings=timings, answered=abstention is None,
                      complete=complete, abstention=abstention)


def run_react(question: str, llm: LLM, tools: Sequence[Tool], *, settings: GenerationSettings | None = None,
              max_steps: int = 6, verifier: CitationVerifier | None = None, on_step: StepCallback | None = None,
              max_parse_errors: int = 2, search_first: bool = False) -> Answer:
    """Answer ``question`` with a ReAct loop over ``tools`` (a ``finish`` tool is added if none is final).

    ``search_first`` makes step 1 a search for the question (when a ``search`` tool is present); it
    keeps small base models from answering before they have read anything.
    """
    if max_steps < 1:
        raise ConfigError(f"max_steps must be at least 1, got {max_steps}")
    if max_parse_errors < 0:
        raise ConfigError(f"max_parse_errors must be at least 0, got {max_parse_errors}")
    run = ReactRun(question, llm, tools, settings or GenerationSettings(), verifier or CitationVerifier(),
                   on_step, max_parse_errors)
    return run.answer(max_steps, search_first=search_first)


def numbered(shown: Mapping[int, Hit]) -> list[Hit]:
    """Passages by number 1, 2, … (stopping at a gap, which no built-in tool leaves)."""
    passages: list[Hit] = []
    while len(passages) + 1 in shown:
        passages.append(shown[len(passages) + 1])
    return passages


def close_finish(text: str) -> str:
    """The answer inside ``finish[...]``: the text up to the bracket that closes the call, if any."""
    depth = 0
    for i, char in enumerate(text):
        if char == "]" and depth == 0:
            return text[:i].strip()
        depth += {"[": 1, "]": -1}.get(char, 0)
    return text.strip()


def chat_final(reply: str) -> str:
    """The answer in an instruct model's last reply: its ``finish[...]`` if it wrote one, else the reply."""
    parsed = parse_step(reply)
    if isinstance(parsed, ParsedStep) and parsed.action == "finish" and isinstance(parsed.args, str):
        return parsed.args
    return close_finish(reply.split("finish[", 1)[-1])


def _cap(text: str) -> str:
    if len(text) <= MAX_OBSERVATION_CHARS:
        return text
    return text[:MAX_OBSERVATION_CHARS] + f"… ({len(text) - MAX_OBSERVATION_CHARS} more characters)"
