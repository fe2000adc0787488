"""RAG with an instruct model: the conversation it is sent (rules, worked exchange, passages, question)."""

from __future__ import annotations

from ragagent.index import Index
from ragagent.llm.base import Message
from ragagent.rag.answer import answer_rag
from ragagent.rag.prompt import CHAT_STOP, NOT_IN_DOCUMENTS, REMINDER, SYSTEM, build_prompt
from tests.fakes import ScriptedLLM
from tests.rag.test_answer import index  # noqa: F401  (fixture)


def test_instruct_models_get_a_conversation(index: Index) -> None:  # noqa: F811
    llm = ScriptedLLM(["The Transformer architecture was introduced in 2017 by Vaswani [1]."], prompt_style="chat")
    answer = answer_rag("When was the transformer architecture introduced?", index, llm)
    prompt = llm.calls[0].prompt
    assert isinstance(prompt, tuple) and all(isinstance(m, Message) for m in prompt)
    assert [m.role for m in prompt] == ["system", "user", "assistant", "user", "assistant", "user"]
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
