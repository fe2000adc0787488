"""A scripted OpenAI-compatible model server (streaming and not) on 127.0.0.1, run in a thread.

``ragagent serve --llm openai-compatible:scripted@<base_url>`` then answers with a real provider client and a
deterministic model: ``reply`` maps the prompt (all messages' text) to the completion. Nothing in ragagent
knows it exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.loopback import JsonHandler, LoopbackServer

Reply = Callable[[str], str]


def prompt_of(body: dict[str, Any]) -> str:
    parts = []
    for message in body.get("messages", []):
        content = message.get("content", "")
        parts.append(content if isinstance(content, str) else " ".join(p.get("text", "") for p in content))
    return "\n".join(parts)


@dataclass
class ScriptedModelServer(LoopbackServer):
    reply: Reply
    prompts: list[str] = field(default_factory=list)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler(self)

    @property
    def spec(self) -> str:
        return f"openai-compatible:scripted@{self.base_url}"


def _chunk(delta: dict[str, Any], finish: str | None = None, usage: dict[str, int] | None = None) -> bytes:
    data: dict[str, Any] = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": 0,
                            "model": "scripted", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if usage is not None:
        data["choices"], data["usage"] = [], usage
    return f"data: {json.dumps(data)}\n\n".encode()


def _handler(server: ScriptedModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.read_json()
            prompt = prompt_of(body)
            server.prompts.append(prompt)
            text = server.reply(prompt)
            usage = {"prompt_tokens": len(prompt.split()), "completion_tokens": len(text.split()),
                     "total_tokens": len(prompt.split()) + len(text.split())}
            if body.get("stream"):
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                self.wfile.write(_chunk({"role": "assistant", "content": ""}))
                for piece in re.findall(r"\S+\s*|\s+", text):
                    self.wfile.write(_chunk({"content": piece}))
                    self.wfile.flush()
                self.wfile.write(_chunk({}, "stop"))
                self.wfile.write(_chunk({}, usage=usage))
                self.wfile.write(b"data: [DONE]\n\n")
                self.close_connection = True
                return
            self.send_json(200, {"id": "chatcmpl-scripted", "object": "chat.completion", "created": 0,
                                 "model": "scripted", "usage": usage,
                                 "choices": [{"index": 0, "finish_reason": "stop",
                                              "message": {"role": "assistant", "content": text}}]})

    return Handler
