"""PAL mode: prompt, code extraction, sandboxed execution and the repair round (GSM8K scoring: tests/evaluation)."""

from __future__ import annotations

import pytest

from ragagent.pal import PAL_STOP, answer_pal, build_prompt, extract_code, format_value, primer
from ragagent.sandbox import BubblewrapExecutor, ExecResult
from tests.fakes import FakeExecutor, ScriptedLLM
from tests.sandbox.executor_contract import OUTCOMES

QUESTION = "A shop has 3 boxes with 4 apples each. How many apples are there?"


# --- prompt, extraction and formatting (no sandbox) ---


def test_prompt_is_completion_style_and_ends_with_the_primer() -> None:
    prompt = build_prompt(QUESTION, context="The shop is in Leeds.")
    assert prompt.endswith(primer(QUESTION))
    assert prompt.count("def solution():") == 4  # three examples and the primer
    assert "Facts from the documents" in prompt and "The shop is in Leeds." in prompt
    assert "Facts from the documents" not in build_prompt(QUESTION)


def test_primer_escapes_the_question() -> None:
    tricky = 'He said """stop""" and typed C:\\path\\n then left.'
    compile(primer(tricky) + "    return 1\n", "<primer>", "exec")  # our own trusted text, not model output


@pytest.mark.parametrize(
    ("completion", "expected_body"),
    [
        ("    result = 3 * 4\n    return result\n", "    result = 3 * 4\n    return result\n"),
        ("```python\ndef solution():\n    return 12\n```\nThe answer is 12.", "def solution():\n    return 12\n"),
        ("def solution():\n    return 12\n\nprint(solution())\nThis prints 12.", "def solution():\n    return 12\n"),
        ("Here you go:\n```\nresult = 12\n```", "result = 12\n"),
        ("```py\n    return 12\n```", "    return 12\n"),
        ("    return 12\nThat is the answer.", "    return 12\n"),
    ],
    ids=[
        "primed-body",
        "fenced-function",
        "bare-function-with-prose",
        "fenced-plain-code",
        "fenced-body",
        "body-prose",
    ],
)
def test_extract_code(completion: str, expected_body: str) -> None:
    code = extract_code(completion, QUESTION)
    if expected_body.startswith("    "):
        assert code == primer(QUESTION) + expected_body
    else:
        assert code == expected_body


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12.0, "12"),
        (0.1 + 0.2, "0.3"),
        (2.5, "2.5"),
        (-0.0, "0"),
        (7, "7"),
        (1 / 3, "0.333333"),
        (True, "True"),
        (" 5 apples ", "5 apples"),
        ([1, 2], "[1, 2]"),
    ],
)
def test_format_value(value: object, text: str) -> None:
    assert format_value(value) == text


def test_answer_uses_the_injected_executor_and_limits() -> None:
    fake = FakeExecutor(ExecResult(value=12.0, duration_s=0.01))
    llm = ScriptedLLM(["    return 3 * 4\n"])
    answer = answer_pal(QUESTION, llm, executor=fake, timeout_s=3.0, memory_mb=128)
    assert answer.text == "12" and answer.value == 12.0
    assert fake.calls == [(primer(QUESTION) + "    return 3 * 4\n", 3.0, 128)]
    assert llm.calls[0].stop == PAL_STOP


# --- end to end through the real sandbox ---


@pytest.mark.integration
def test_correct_code_gives_the_value(executor: BubblewrapExecutor) -> None:
    llm = ScriptedLLM(
        ["    boxes = 3\n    apples_per_box = 4\n    print('boxes', boxes)\n    return boxes * apples_per_box\n"]
    )
    answer = answer_pal(QUESTION, llm, executor=executor)
    assert (answer.text, answer.value, answer.mode, answer.answered) == ("12", 12, "pal", True)
    assert answer.code is not None and answer.code.startswith("def solution():")
    assert answer.stdout == "boxes 3\n"
    (step,) = answer.steps
    assert (step.thought, step.action, step.args, step.error) == ("", "python", {"code": answer.code}, None)
    assert step.observation == "boxes 3\nsolution() returned 12"
    assert answer.usage.calls == 1
    assert set(answer.timings) == {"generate_s", "execute_s", "total_s"}
    assert answer.timings["total_s"] >= answer.timings["execute_s"] > 0


@pytest.mark.integration
def test_fenced_and_bare_completions(executor: BubblewrapExecutor) -> None:
    fenced = ScriptedLLM(["```python\ndef solution():\n    return 2.5 * 4\n```\nThe answer is 10."])
    assert answer_pal(QUESTION, fenced, executor=executor).text == "10"
    bare = ScriptedLLM(["def solution():\n    x = 7\n    return x * 3\n\nprint(solution())\nThis prints 21."])
    assert answer_pal(QUESTION, bare, executor=executor).value == 21


@pytest.mark.integration
def test_stop_sequence_ends_the_function(executor: BubblewrapExecutor) -> None:
    llm = ScriptedLLM(["    return 4\n\n\nQ: What is 2 + 2?\n\n# solution in Python:\n"])
    answer = answer_pal(QUESTION, llm, executor=executor)
    assert answer.value == 4 and answer.code is not None and "Q:" not in answer.code


@pytest.mark.integration
def test_repair_round_after_an_exception(executor: BubblewrapExecutor) -> None:
    llm = ScriptedLLM(["    return 10 / 0\n", "    return 10 / 2\n"])
    answer = answer_pal(QUESTION, llm, executor=executor)
    assert (answer.text, answer.answered) == ("5", True)
    assert [s.error for s in answer.steps] == ["ZeroDivisionError: division by zero", None]
    repair_prompt = llm.calls[1].prompt
    assert "ZeroDivisionError: division by zero" in repair_prompt and "return 10 / 0" in repair_prompt
    assert repair_prompt.endswith(primer(QUESTION))
    assert answer.usage.calls == 2


@pytest.mark.integration
@pytest.mark.parametrize(
    ("first", "error_text"),
    [
        ("    return (1 +\n", "SyntaxError"),
        ("    total = 5\n", "returned None"),
        ("    while True:\n        pass\n", "Timeout"),
    ],
    ids=["syntax-error", "no-return", "timeout"],
)
def test_repair_round_for_other_failures(executor: BubblewrapExecutor, first: str, error_text: str) -> None:
    llm = ScriptedLLM([first, "    return 3\n"])
    answer = answer_pal(QUESTION, llm, executor=executor, timeout_s=1.0)
    assert answer.value == 3
    assert answer.steps[0].error is not None and error_text in answer.steps[0].error
    assert error_text in llm.calls[1].prompt


@pytest.mark.integration
def test_both_attempts_fail_means_no_answer(executor: BubblewrapExecutor) -> None:
    llm = ScriptedLLM(["    return undefined_name\n", "    return\n"])
    answer = answer_pal(QUESTION, llm, executor=executor)
    assert not answer.answered and answer.value is None
    assert answer.text.startswith("PAL could not compute an answer")
    assert answer.steps[0].error == "NameError: name 'undefined_name' is not defined"
    assert answer.steps[1].error is not None and "returned None" in answer.steps[1].error
    assert len(llm.calls) == 2


def test_instruct_models_get_a_conversation_and_a_repair_turn() -> None:
    fake = FakeExecutor(OUTCOMES["exception"].result)  # what the sandbox reports for 1 / 0
    reply = "```python\ndef solution():\n    return 1 / 0\n```\nThis divides."
    llm = ScriptedLLM([reply, reply], prompt_style="chat")
    answer = answer_pal(QUESTION, llm, executor=fake)
    first, repair = llm.calls[0].prompt, llm.calls[1].prompt
    assert isinstance(first, tuple) and isinstance(repair, tuple)
    assert [m.role for m in first] == ["system", *["user", "assistant"] * 8, "user"]  # eight worked problems
    assert "function solution()" in first[0].content and "standard library" in first[0].content
    assert first[2].content.startswith("```python\ndef solution():") and first[-1].content == QUESTION
    assert fake.calls[0][0] == "def solution():\n    return 1 / 0\n"  # the code block, without the prose
    assert repair[:-2] == first and repair[-2].content == "```python\ndef solution():\n    return 1 / 0\n```"
    assert "ZeroDivisionError" in repair[-1].content and llm.calls[0].stop == ()
    assert not answer.answered and len(answer.steps) == 2


def test_imports_before_the_function_are_kept() -> None:
    reply = ("Here you go:\n```python\nimport math\n\ndef solution():\n    return math.ceil(7 / 2)\n\n"
             "print(solution())\n```")
    assert extract_code(reply, QUESTION) == "import math\ndef solution():\n    return math.ceil(7 / 2)\n"
