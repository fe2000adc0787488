"""PAL's run: generate a program, execute it in the sandbox, one repair round (see :mod:`ragagent.pal`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ragagent.llm.base import LLM, GenerationSettings, Prompt, prompt_style
from ragagent.options import SANDBOX_LIMITS, generation_for
from ragagent.pal.extraction import extract_code, format_value
from ragagent.pal.prompt import PAL_STOP, build_messages, build_prompt, build_repair_messages, build_repair_prompt
from ragagent.sandbox.base import ExecResult, Executor
from ragagent.types import Answer, Step, Usage

# Greedy decoding of a small base model loops on long identifiers ("eggs_per_day_per_day_..."): a mild
# repeat penalty stops that without breaking code, where names legitimately repeat.
DEFAULT_SETTINGS = generation_for("pal")  # the same as Settings().generation("pal") (tests/test_defaults.py)


@dataclass(frozen=True, slots=True)
class _Attempt:
    code: str
    result: ExecResult
    usage: Usage
    generate_s: float

    @property
    def failure(self) -> str | None:
        """Why this attempt gives no answer (shown to the model in the repair round), or None."""
        if self.result.error is not None:
            return self.result.error
        if self.result.value is None:
            return "solution() returned None: end the function with `return result`"
        return None

    def step(self) -> Step:
        lines = [self.result.stdout.rstrip()] if self.result.stdout.strip() else []
        if self.result.value is not None:
            lines.append(f"solution() returned {format_value(self.result.value)}")
        return Step(
            thought="",
            action="python",
            args={"code": self.code},
            observation="\n".join(lines),
            error=self.failure,
            duration_s=self.generate_s + self.result.duration_s,
        )


def answer_pal(
    question: str,
    llm: LLM,
    *,
    executor: Executor | None = None,
    settings: GenerationSettings | None = None,
    context: str | None = None,
    timeout_s: float = SANDBOX_LIMITS.timeout_s,
    memory_mb: int = SANDBOX_LIMITS.memory_mb,
    on_step: Callable[[Step], None] | None = None,
) -> Answer:
    """Answer ``question`` by generating a program and running it in the sandbox (one repair round).

    ``on_step`` sees each attempt (program, result or error) as it finishes, for live traces.
    """
    start = time.perf_counter()
    if executor is None:
        from ragagent.sandbox import BubblewrapExecutor

        executor = BubblewrapExecutor()
    chat = prompt_style(llm) == "chat"
    prompt: Prompt = build_messages(question, context) if chat else build_prompt(question, context)
    attempts: list[_Attempt] = []
    for _ in range(2):
        attempt = _attempt(prompt, question, llm, executor, settings or DEFAULT_SETTINGS, timeout_s, memory_mb)
        attempts.append(attempt)
        if on_step is not None:
            on_step(attempt.step())
        if attempt.failure is None:
            break
        repair = build_repair_messages if chat else build_repair_prompt
        prompt = repair(question, attempt.code, attempt.failure, context)
    return _answer(question, attempts, time.perf_counter() - start)


def _attempt(
    prompt: Prompt,
    question: str,
    llm: LLM,
    executor: Executor,
    settings: GenerationSettings,
    timeout_s: float,
    memory_mb: int,
) -> _Attempt:
    began = time.perf_counter()
    completion = llm.complete(prompt, stop=PAL_STOP if isinstance(prompt, str) else (), settings=settings)
    generate_s = time.perf_counter() - began
    code = extract_code(completion.text, question)
    result = executor.run(code, timeout_s=timeout_s, memory_mb=memory_mb)
    return _Attempt(code, result, completion.usage, generate_s)


def _answer(question: str, attempts: list[_Attempt], total_s: float) -> Answer:
    last = attempts[-1]
    usage = sum((a.usage for a in attempts), Usage())
    timings = {
        "generate_s": sum(a.generate_s for a in attempts),
        "execute_s": sum(a.result.duration_s for a in attempts),
        "total_s": total_s,
    }
    failure = last.failure
    answered = failure is None
    text = format_value(last.result.value) if answered else f"PAL could not compute an answer: {failure}"
    return Answer(
        question=question,
        text=text,
        mode="pal",
        steps=tuple(a.step() for a in attempts),
        usage=usage,
        timings=timings,
        answered=answered,
        code=last.code,
        value=last.result.value if answered else None,
        stdout=last.result.stdout,
    )
