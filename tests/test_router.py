"""The auto router: rules first, the model only when asked, and the reason recorded."""

from __future__ import annotations

import pytest

from ragagent.router import Route, route, route_with_model
from tests.fakes import ScriptedLLM


@pytest.mark.parametrize("question", [
    "Janet's ducks lay 16 eggs per day. She eats 3 for breakfast. How many eggs are left?",
    "A shirt costs $20 and is discounted by 15%. What is the new price?",
    "Tom reads 12 pages each day for 7 days. How many pages does he read in total?",
])
def test_word_problems_go_to_pal(question: str) -> None:
    chosen = route(question)
    assert chosen.mode == "pal" and "arithmetic" in chosen.reason


@pytest.mark.parametrize("question", [
    "Who proposed PAL, and when was ReAct introduced?",
    "Were the transformer and LoRA both introduced at Google?",
    "Which paper is older, ReAct or PAL?",
    "Compare BM25 and dense retrieval.",
    "Please calculate the square root of 7 for me.",
])
def test_multi_hop_and_tool_questions_go_to_react(question: str) -> None:
    chosen = route(question)
    assert chosen.mode == "react" and chosen.reason


@pytest.mark.parametrize("question", [
    "When was the transformer architecture introduced?",
    "What is retrieval-augmented generation?",
    "How does BM25 score documents?",
])
def test_plain_questions_go_to_rag(question: str) -> None:
    assert route(question).mode == "rag"


def test_model_is_asked_only_when_rules_fall_through() -> None:
    llm = ScriptedLLM([" react"])
    chosen = route_with_model("What did the notes say about agents?", llm)
    assert chosen.mode == "react" and "model classified" in chosen.reason and len(llm.calls) == 1
    assert route_with_model("Tom has 3 cats and 4 dogs. How many pets in total?", ScriptedLLM([])).mode == "pal"


def test_unclear_model_reply_defaults_to_rag() -> None:
    chosen = route_with_model("What is BM25?", ScriptedLLM([" banana"]))
    assert chosen.mode == "rag" and "unclear" in chosen.reason


@pytest.mark.parametrize(("question", "expression"), [
    ("What is 17 * 23?", "17 * 23"),
    ("17*23", "17*23"),
    ("what's 3 plus 4?", "3 plus 4"),
    ("Compute (3 + 4) ** 2", "(3 + 4) ** 2"),
    ("What is 12 divided by 5?", "12 divided by 5"),
])
def test_bare_arithmetic_goes_to_pal(question: str, expression: str) -> None:
    assert route(question) == Route("pal", f"arithmetic expression ({expression!r})")


@pytest.mark.parametrize("question", [
    "By how many years did the transformer precede ReAct?",
    "How many years after the transformer was ReAct introduced?",
    "How many years apart were PAL and ReAct published?",
    "How much older is BM25 than the transformer?",
])
def test_differences_between_looked_up_facts_go_to_react(question: str) -> None:
    chosen = route(question)
    assert chosen.mode == "react" and chosen.reason.startswith("comparison needing two facts and a difference")


@pytest.mark.parametrize("question", ["What is GPT-3?", "What happened in 2017-2019?", "What is 2017?", "What is x?"])
def test_numbers_alone_are_not_arithmetic(question: str) -> None:
    assert route(question).mode == "rag"


def test_years_given_in_the_question_make_it_a_word_problem() -> None:
    assert route("ReAct came out in 2022 and the transformer in 2017. By how many years?").mode == "pal"
