"""``create_app``: the FastAPI application (the API, the OpenAI-compatible endpoint and the chat page)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ragagent.config import Settings
from ragagent.server import api, documents, errors, openai_compat
from ragagent.server.options import ServeOptions
from ragagent.server.state import ServerState

if TYPE_CHECKING:
    from ragagent.embeddings import Embedder
    from ragagent.llm.base import LLM
    from ragagent.sandbox import Executor

STATIC = Path(str(files("ragagent.server") / "static"))


def create_app(settings: Settings | None = None, options: ServeOptions | None = None, *, llm: LLM | None = None,
               embedder: Embedder | None = None, executor: Executor | None = None) -> FastAPI:
    """The ASGI app serving ``settings.index`` (mount it in your own app, or run it with uvicorn).

    ``llm``, ``embedder`` and ``executor`` replace what the settings would load (the model is otherwise
    loaded on the first question). Nothing is read from the environment here: pass ``options.api_token``.
    """
    state = ServerState(settings or Settings(), options or ServeOptions(), llm=llm, embedder=embedder,
                        executor=executor)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    # No /docs or /redoc: FastAPI's pages load their scripts from a CDN, and nothing here fetches from the network.
    app = FastAPI(title="ragagent", summary="Cited answers, search and documents over a ragagent index.",
                  version=api._version(), lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.ragagent = state
    errors.install(app)
    app.include_router(api.router)
    app.include_router(documents.router)
    app.include_router(openai_compat.router)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(documents.UploadLimit, max_upload_mb=state.options.max_upload_mb)
    return app
