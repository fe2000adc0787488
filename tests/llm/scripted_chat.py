"""A LangChain chat model that behaves like a real one at the boundary, for testing the adapter.

It replays a script (text, an ``AIMessage`` with usage, or an exception to raise), records each call with
the generation fields in force, raises when the script runs out, and, like a server that ignores
``stop``, returns the full text (so the adapter's own stop handling is exercised).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

Reply = str | AIMessage | BaseException


@dataclass(frozen=True)
class ChatCall:
    prompt: str
    stop: list[str] | None
    fields: dict[str, Any]


class ScriptedChatModel(BaseChatModel):
    script: list[Any]  # of Reply; Any keeps pydantic from coercing exceptions into messages
    calls: list[ChatCall] = Field(default_factory=list)
    temperature: float | None = None
    top_k: int | None = None
    max_tokens: int | None = None
    seed: int | None = None

    @property
    def _llm_type(self) -> str:
        return "scripted-chat"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._reply(messages, stop))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        text = self._reply(messages, stop).text
        for piece in re.findall(r"\S+\s*|\s+", text):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

    def _reply(self, messages: list[BaseMessage], stop: list[str] | None) -> AIMessage:
        fields = {"temperature": self.temperature, "top_k": self.top_k, "max_tokens": self.max_tokens,
                  "seed": self.seed}
        self.calls.append(ChatCall(str(messages[-1].content), stop, fields))
        if len(self.calls) > len(self.script):
            raise AssertionError(f"scripted chat model called {len(self.calls)} times; script has {len(self.script)}")
        reply = self.script[len(self.calls) - 1]
        if isinstance(reply, BaseException):
            raise reply
        return reply if isinstance(reply, AIMessage) else AIMessage(content=reply)
