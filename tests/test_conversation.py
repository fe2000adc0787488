"""Conversation memory: follow-up condensation (model, then rules) and the bounded history."""

from __future__ import annotations

import pytest

from ragagent.conversation import (
    Exchange,
    condense,
    history_block,
    main_entity,
    refers_back,
    resolve_pronouns,
    summary,
)
from ragagent.errors import LLMConnectionError
from tests.fakes import ScriptedLLM


@pytest.mark.parametrize(("question", "entity"), [
    ("When was ReAct introduced?", "ReAct"),
    ("Who proposed PAL at Carnegie Mellon University?", "PAL"),
    ("What does BM25 score?", "BM25"),
    ("What is reciprocal rank fusion?", "reciprocal rank fusion"),
    ("When was the transformer architecture introduced?", "the transformer architecture"),
    ('What does "hybrid search" mean?', "hybrid search"),
    ("Tell me about LoRA", "LoRA"),
])
def test_main_entity_of_a_question(question: str, entity: str) -> None:
    assert main_entity(question) == entity


def test_main_entity_falls_back_to_the_answer() -> None:
    assert main_entity("why?", "It was introduced by Google Brain in 2017.") == "Google Brain"
    assert main_entity("why?", "no names here") is None


@pytest.mark.parametrize(("follow_up", "expected"), [
    ("Who proposed it?", "Who proposed ReAct?"),
    ("What are its main steps?", "What are ReAct's main steps?"),
    ("Where did they present it?", "Where did ReAct present ReAct?"),
    ("What does that mean?", "What does ReAct mean?"),
    ("Why is that useful?", "Why is ReAct useful?"),
])
def test_pronouns_become_the_last_entity(follow_up: str, expected: str) -> None:
    last = Exchange("When was ReAct introduced?", "ReAct was introduced in 2022 [1].")
    condensed = condense(follow_up, [last])
    assert (condensed.standalone, condensed.method, condensed.entity) == (expected, "rules", "ReAct")


def test_person_pronouns_prefer_a_person_named_in_the_answer() -> None:
    last = Exchange("Who proposed PAL?", "PAL was proposed by Luyu Gao and colleagues [1].")
    assert condense("Where does he work?", [last]).standalone == "Where does Luyu Gao work?"
    assert condense("What is his affiliation?", [last]).standalone == "What is Luyu Gao's affiliation?"
    assert resolve_pronouns("Is it open source?", "PAL", "Luyu Gao") == "Is PAL open source?"


def test_elliptical_follow_up_reuses_the_last_question() -> None:
    last = Exchange("When was ReAct introduced?", "In 2022 [1].")
    assert condense("And PAL?", [last]).standalone == "When was PAL introduced?"
    assert condense("What about the transformer?", [last]).standalone == "When was the transformer introduced?"


def test_nothing_to_substitute_carries_the_last_question() -> None:
    last = Exchange("Where was PAL proposed?", "At Carnegie Mellon University [1].")
    condensed = condense("Who else works there?", [last])
    assert condensed.standalone == "Who else works there? (follow-up to: Where was PAL proposed?)"


def test_standalone_questions_and_first_turns_are_unchanged() -> None:
    llm = ScriptedLLM([])  # must not be called
    assert condense("Who proposed it?", [], llm).method == "unchanged"
    last = Exchange("Who proposed PAL?", "Luyu Gao [1].")
    assert condense("What is BM25 scoring?", [last], llm).standalone == "What is BM25 scoring?"
    assert not refers_back("What is BM25 scoring?") and refers_back("And PAL?") and refers_back("Who made it?")
    assert llm.calls == []


def test_the_model_rewrites_when_its_reply_is_a_standalone_question() -> None:
    llm = ScriptedLLM([" Who proposed the ReAct agent?\nFollow-up: ..."])
    history = [Exchange("When was ReAct introduced?", "ReAct was introduced in 2022 [1]. It interleaves.")]
    condensed = condense("Who proposed it?", history, llm)
    assert (condensed.standalone, condensed.method) == ("Who proposed the ReAct agent?", "model")
    prompt = llm.calls[0].prompt
    assert prompt.endswith("Follow-up: Who proposed it?\nStandalone question:")
    assert "Q: When was ReAct introduced?\nA: ReAct was introduced in 2022." in prompt  # summarised, no markers
    assert llm.calls[0].stop == ("\n",)


@pytest.mark.parametrize("reply", [" bananas", " Who proposed it?", "", " " + "very long " * 40 + "?"])
def test_bad_model_rewrites_fall_back_to_the_rules(reply: str) -> None:
    history = [Exchange("When was ReAct introduced?", "In 2022 [1].")]
    condensed = condense("Who proposed it?", history, ScriptedLLM([reply]))
    assert (condensed.standalone, condensed.method) == ("Who proposed ReAct?", "rules")


def test_a_failing_model_falls_back_to_the_rules() -> None:
    def down(prompt: str) -> str:
        raise LLMConnectionError("server at http://127.0.0.1:9 did not answer")

    condensed = condense("Who proposed it?", [Exchange("When was ReAct introduced?", "In 2022.")], ScriptedLLM([down]))
    assert (condensed.standalone, condensed.method) == ("Who proposed ReAct?", "rules")


def test_history_keeps_the_newest_turns_within_the_budget() -> None:
    history = [Exchange(f"Question number {i}?", f"Answer {i} is long enough to cost tokens [1]. More.")
               for i in range(1, 9)]
    block = history_block(history, budget_tokens=60)
    lines = block.splitlines()
    assert lines[-2:] == ["Q: Question number 8?", "A: Answer 8 is long enough to cost tokens."]
    assert "Question number 1?" not in block and len(block) // 4 <= 60  # oldest dropped first
    assert [line for line in lines if line.startswith("Q:")] == [f"Q: Question number {i}?" for i in (6, 7, 8)]
    assert history_block(history, budget_tokens=5) == ""  # not even the last turn fits


def test_summary_is_the_first_sentence_without_markers() -> None:
    assert summary("PAL writes programs [1]. The sandbox runs them [2].") == "PAL writes programs."
    assert summary("x" * 500, width=20) == "x" * 19 + "…"
