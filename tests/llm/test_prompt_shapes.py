"""One protocol, two prompt shapes: strings and conversations reach every adapter."""

from __future__ import annotations

from langchain_core.language_models import FakeListChatModel

from ragagent.llm import LangChainLLM, Message, prompt_style, prompt_text
from tests.fakes import ScriptedLLM

CONVERSATION = (Message("system", "Be brief."), Message("user", "Capital of France?"))


def test_prompt_text_labels_turns() -> None:
    assert prompt_text("plain") == "plain"
    assert prompt_text(CONVERSATION) == "system: Be brief.\n\nuser: Capital of France?\n\n"


def test_prompt_style_defaults_to_completion() -> None:
    assert prompt_style(ScriptedLLM([])) == "completion"
    assert prompt_style(ScriptedLLM([], prompt_style="chat")) == "chat"
    assert prompt_style(object()) == "completion"


def test_langchain_chat_models_take_conversations() -> None:
    chat = FakeListChatModel(responses=["Paris.\nQ: more", "Paris."])
    llm = LangChainLLM(chat)
    assert prompt_style(llm) == "completion" and prompt_style(LangChainLLM(chat, prompt_style="chat")) == "chat"
    completion = llm.complete(CONVERSATION, stop=["\nQ:"])
    assert completion.text == "Paris." and completion.usage.prompt_tokens > 0
    assert "".join(llm.stream(CONVERSATION)) == "Paris."
