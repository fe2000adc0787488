"""PAL (program-aided language model) mode: the model writes ``def solution()``, the sandbox runs it.

Base models get a completion-style prompt in the style of the PAL paper: three worked word problems, then
the new question and the primer ``def solution():`` plus a docstring, so the model only has to continue the
function body. Instruct models (``prompt_style(llm) == "chat"``) get a conversation: a system message (one
``def solution()`` in a Python code block, standard library only, return a number) and eight worked exchanges;
the code block of the reply is the program. The code runs in the OS-level sandbox (never in this process);
the answer is the value ``solution()`` returns. If the run fails (exception, syntax error, timeout, no
return value) the model gets one repair round that shows it its code and the error.

>>> from tests.fakes import ScriptedLLM                      # doctest: +SKIP
>>> llm = ScriptedLLM(["    result = 6 * 7\\n    return result\\n"])  # doctest: +SKIP
>>> answer_pal("What is six times seven?", llm).text         # doctest: +SKIP
'42'
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from ragagent.llm.base import LLM, GenerationSettings, Prompt, prompt_style
from ragagent.options import SANDBOX_LIMITS, generation_for
from ragagent.pal_prompt import (
    PAL_STOP,
    build_messages,
    build_prompt,
    build_repair_messages,
    build_repair_prompt,
    primer,
)
from ragagent.sandbox.base import ExecResult, Executor
from ragagent.types import Answer, JSONValue, Step, Usage

__all__ = ["DEFAULT_SETTINGS", "PAL_STOP", "answer_pal", "build_messages", "build_prompt", "build_repair_messages",
           "build_repair_prompt", "extract_code", "format_value", "primer"]

# Greedy decoding of a small base model loops on long identifiers ("eggs_per_day_per_day_..."): a mild
# repeat penalty stops that without breaking code, where names legitimately repeat.
DEFAULT_SETTINGS = generation_for("pal")  # the same as Settings().generation("pal") (tests/test_defaults.py)

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
