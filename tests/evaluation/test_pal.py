"""PAL on GSM8K-style records: the ``#### N`` answers, numeric matching, and accuracy through the real sandbox."""

from __future__ import annotations

import pytest

from ragagent.errors import ConfigError
from ragagent.evaluation.pal import evaluate_pal, extract_gsm8k_answer, numbers_match
from ragagent.sandbox import BubblewrapExecutor
from tests.fakes import ScriptedLLM


@pytest.mark.parametrize(
    ("field_text", "number"),
    [("9 * 2 = 18\n#### 18", "18"), ("#### 1,000", "1000"), ("x\n#### -5", "-5"), ("#### 2.5 ", "2.5")],
)
def test_extract_gsm8k_answer(field_text: str, number: str) -> None:
    assert extract_gsm8k_answer(field_text) == number


def test_extract_gsm8k_answer_rejects_other_text() -> None:
    with pytest.raises(ConfigError):
        extract_gsm8k_answer("the answer is 18")


def test_numbers_match() -> None:
    assert numbers_match(18, "18") and numbers_match(18.0000000001, "18") and numbers_match("$1,018", "1018")
    assert not numbers_match(17.9, "18") and not numbers_match(None, "18") and not numbers_match(True, "1")


@pytest.mark.integration
def test_evaluate_pal_on_three_records(executor: BubblewrapExecutor) -> None:
    records = [
        {"question": "Tom has 3 bags of 5 marbles. How many marbles?", "answer": "3 * 5 = 15\n#### 15"},
        {"question": "A pen costs $2. How much do 4 pens cost?", "answer": "#### 8"},
        {"question": "Ann reads 1,200 pages at 20 pages a day. How many days?", "answer": "#### 60"},
        {"question": "never reached", "answer": "#### 1"},
    ]
    llm = ScriptedLLM(["    return 3 * 5\n", "    return 2 * 5\n", "    return 1200 / 0\n", "    return 1200 / 20\n"])
    result = evaluate_pal(records, llm, limit=3, executor=executor)
    assert (result.n, result.correct) == (3, 2)
    assert result.accuracy == pytest.approx(2 / 3)
    assert [(i.expected, i.predicted, i.correct) for i in result.items] == [
        ("15", "15", True),
        ("8", "10", False),
        ("60", "60", True),
    ]
