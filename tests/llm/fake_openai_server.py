"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 for testing the real clients end to end.

Each POST to ``/v1/chat/completions`` takes the next scripted :class:`Reply` (status, text, delay) and
records the JSON body and headers it received. It runs in a thread; use it as a context manager.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.loopback import JsonHandler, LoopbackServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    text: str = "ok"
    delay_s: float = 0.0
    usage: tuple[int, int] = (5, 2)


@dataclass
class Request:
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeOpenAIServer(LoopbackServer):
    script: list[Reply]
    requests: list[Request] = field(default_factory=list)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler(self)

    def next_reply(self, request: Request) -> Reply:
        self.requests.append(request)
        if len(self.requests) > len(self.script):
            return Reply(status=500, text=f"script exhausted after {len(self.script)} requests")
        return self.script[len(self.requests) - 1]


def completion_body(reply: Reply) -> dict[str, Any]:
    prompt_tokens, completion_tokens = reply.usage
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "test",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": reply.text}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def _handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def do_POST(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = server.next_reply(Request(self.read_json(), headers))
            time.sleep(reply.delay_s)
            self.send_json(reply.status,
                           completion_body(reply) if reply.status == 200 else {"error": {"message": reply.text}})

    return Handler
