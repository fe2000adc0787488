"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 for testing the real clients end to end.

Each POST to ``/v1/chat/completions`` takes the next scripted :class:`Reply` (status, text, delay) and
records the JSON body and headers it received. It runs in a thread; use it as a context manager.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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
class FakeOpenAIServer:
    script: list[Reply]
    requests: list[Request] = field(default_factory=list)

    def __enter__(self) -> FakeOpenAIServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

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
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = Request(json.loads(self.rfile.read(length)), headers)
            reply = server.next_reply(request)
            time.sleep(reply.delay_s)
            body = completion_body(reply) if reply.status == 200 else {"error": {"message": reply.text}}
            data = json.dumps(body).encode()
            self.send_response(reply.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
