"""RAG with an instruct model: the conversation it is sent (rules, worked exchange, passages, question)."""

from __future__ import annotations

import re

from ragagent.index import Index
from ragagent.llm.base import Message
from ragagent.rag.answer import answer_rag
from ragagent.rag.prompt import CHAT_EXAMPLE, CHAT_STOP, NOT_IN_DOCUMENTS, REMINDER, SYSTEM, build_prompt
from tests.fakes import ScriptedLLM
from tests.rag.test_answer import index  # noqa: F401  (fixture)


def test_instruct_models_get_a_conversation(index: Index) -> None:  # noqa: F811
    llm = ScriptedLLM(["The Transformer architecture was introduced in 2017 by Vaswani [1]."], prompt_style="chat")
    answer = answer_rag("When was the transformer architecture introduced?", index, llm)
    prompt = llm.calls[0].prompt
    assert isinstance(prompt, tuple) and all(isinstance(m, Message) for m in prompt)
    assert [m.role for m in prompt] == ["system", *["user", "assistant"] * 3, "user"]
    assert prompt[0].content == SYSTEM and "[2]" in SYSTEM and NOT_IN_DOCUMENTS in SYSTEM
    assert prompt[4].content == NOT_IN_DOCUMENTS  # the worked example of declining
    last = prompt[-1].content
    assert last.startswith("Passages:\n[1] (transformers.md)")
    assert "Question: When was the transformer architecture introduced?" in last and last.endswith(REMINDER)
    assert llm.calls[0].stop == CHAT_STOP
    assert answer.citations[0].origin == "model" and answer.citations[0].verified


def test_chat_packing_respects_the_budget(index: Index) -> None:  # noqa: F811
    hits = index.search("transformer PAL", k=2)
    words = lambda text: len(text.split())  # noqa: E731
    fixed = build_prompt("q?", [], budget_tokens=10_000, count_tokens=words, chat=True)
    roomy = build_prompt("q?", hits, budget_tokens=10_000, count_tokens=words, chat=True)
    tight = build_prompt("q?", hits, budget_tokens=words(fixed.text) + 14, count_tokens=words, chat=True)
    assert len(roomy.shown) == 2 and len(tight.shown) == 1
    assert isinstance(tight.prompt, tuple) and "[2]" not in tight.prompt[-1].content


def test_worked_exchanges_answer_first_cite_every_sentence_and_decline_once() -> None:
    replies = [m.content for m in CHAT_EXAMPLE if m.role == "assistant"]
    assert replies.count(NOT_IN_DOCUMENTS) == 1 and replies[-1] != NOT_IN_DOCUMENTS  # the last one answers
    for reply in (r for r in replies if r != NOT_IN_DOCUMENTS):
        assert all(re.search(r"\[\d\]$", s.rstrip(".")) for s in re.split(r"(?<=\.)\s+", reply))
    assert set(re.findall(r"\[(\d)\]", replies[-1])) == {"1", "3"}  # joins two passages, skips the distractor
    # Every worked question is asked with the same reminder as the real one.
    assert all(m.content.endswith(REMINDER) for m in CHAT_EXAMPLE if m.role == "user")


def test_the_reminder_ends_with_answering_not_declining() -> None:
    assert NOT_IN_DOCUMENTS in REMINDER
    assert REMINDER.index(NOT_IN_DOCUMENTS) < REMINDER.index("[1]") and REMINDER.rstrip().endswith("[1].")
