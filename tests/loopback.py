"""The lifecycle of the in-thread fake HTTP servers (tests/llm/fake_openai_server.py, tests/server/model_server.py).

A :class:`LoopbackServer` subclass gives its request handler class; ``with`` starts it on a free 127.0.0.1 port in
a daemon thread and shuts it down on exit. The socket listens from construction on, so the server answers as soon
as ``with`` returns. Handlers derive from :class:`JsonHandler` (JSON in and out, no request log on stderr).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class LoopbackServer:
    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL (``.../v1``) the fake servers answer under."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"


class JsonHandler(BaseHTTPRequestHandler):
    def read_json(self) -> Any:
        return json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))

    def send_json(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass
