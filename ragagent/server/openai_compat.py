"""An OpenAI-compatible ``/v1/chat/completions`` and ``/v1/models``: a ragagent index served as a "model".

The model name picks the mode (``ragagent`` = auto, ``ragagent-rag``, ``ragagent-pal``, ``ragagent-react``).
The last user message is the question; earlier turns are passed as conversation history. The answer is the
message content followed by a ``Sources:`` footer; the citations also go in the extension field
``ragagent.citations`` (on the completion, or on the final chunk of a stream).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette.sse import EventSourceResponse

from ragagent.cli.ask_cmds import answer_json
from ragagent.errors import ConfigError
from ragagent.options import AskMode
from ragagent.server import answering
from ragagent.server.api import ERRORS, State, json_response, live_index
from ragagent.server.errors import describe
from ragagent.types import Answer

router = APIRouter(tags=["openai"])
MODELS: dict[str, AskMode] = {"ragagent": "auto", "ragagent-rag": "rag", "ragagent-pal": "pal",
                              "ragagent-react": "react"}
HISTORY_TURNS = 6


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: keep the text ones
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # OpenAI clients send fields we do not use (n, user, tools...)

    model: str = "ragagent"
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    temperature: float | None = Field(None, ge=0)
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    seed: int | None = None

    def mode(self) -> AskMode:
        if self.model not in MODELS:
            raise ConfigError(f"unknown model {self.model!r} (use one of {', '.join(MODELS)})")
        return MODELS[self.model]

    def question_and_history(self) -> tuple[str, str]:
        users = [i for i, m in enumerate(self.messages) if m.role == "user"]
        if not users or not self.messages[users[-1]].text().strip():
            raise ConfigError("messages: the last user message is empty")
        last = users[-1]
        earlier = [m for m in self.messages[:last] if m.role in ("user", "assistant")][-HISTORY_TURNS:]
        history = "\n".join(f"{m.role}: {m.text()}" for m in earlier)
        return self.messages[last].text(), history

    def overrides(self) -> dict[str, Any]:
        values = {"temperature": self.temperature, "top_p": self.top_p, "seed": self.seed,
                  "max_tokens": self.max_completion_tokens or self.max_tokens}
        return {k: v for k, v in values.items() if v is not None}


@router.get("/v1/models")
async def models() -> dict[str, Any]:
    data = [{"id": name, "object": "model", "created": 0, "owned_by": "ragagent"} for name in MODELS]
    return {"object": "list", "data": data}


@router.post("/v1/chat/completions", responses=ERRORS)
async def chat_completions(body: ChatRequest, state: State) -> Response:
    mode = body.mode()
    question, history = body.question_and_history()
    await live_index(state)
    if body.stream:
        return EventSourceResponse(_chunks(state, body, mode, question, history), ping=15)
    result = await answering.answer(state, question, mode, body.overrides(), history)
    usage = result.usage
    return json_response({
        "id": _id(), "object": "chat.completion", "created": int(time.time()), "model": body.model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": result.text + sources_footer(result)}}],
        "usage": {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
                  "total_tokens": usage.prompt_tokens + usage.completion_tokens},
        "ragagent": extension(result),
    })


def sources_footer(result: Answer) -> str:
    if not result.citations:
        return ""
    lines = []
    for c in result.citations:
        where = f"{c.source}:{c.page}" if c.page is not None else c.source
        mark = "verified" if c.verified else "unverified"
        lines.append(f"[{c.n}] {where} ({mark})")
    return "\n\nSources:\n" + "\n".join(lines)


def extension(result: Answer) -> dict[str, Any]:
    full = answer_json(result)
    return {"status": full["status"], "mode": result.mode, "citations": full["citations"],
            "answered": result.answered, "route_reason": result.route_reason}


async def _chunks(state: State, body: ChatRequest, mode: AskMode, question: str,
                  history: str) -> AsyncIterator[dict[str, str]]:
    ident, created = _id(), int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, str]:
        data = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": body.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return {"data": json.dumps(data, ensure_ascii=False, default=str)}

    yield chunk({"role": "assistant", "content": ""})
    async for kind, data in answering.answer_events(state, question, mode, body.overrides(), history):
        if kind == "token":
            yield chunk({"content": data})
        elif kind == "answer":
            footer = sources_footer(data)
            if footer:
                yield chunk({"content": footer})
            yield chunk({}, "stop", ragagent=extension(data))
        elif kind == "error":
            yield {"data": json.dumps(describe(data)[1])}
    yield {"data": "[DONE]"}


def _id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"
