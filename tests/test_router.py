"""The auto router: rules first, the model only when asked, and the reason recorded."""

from __future__ import annotations

import pytest

from ragagent.router import route, route_with_model
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
