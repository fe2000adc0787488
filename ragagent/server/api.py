"""The ``/v1`` question and search endpoints, ``/v1/info`` and ``/healthz``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sse_starlette.sse import EventSourceResponse

from ragagent.cli.ask_cmds import answer_json
from ragagent.cli.render import hit_to_json
from ragagent.errors import ConfigError
from ragagent.index import IndexInfo, IndexView
from ragagent.options import TOP_K
from ragagent.retriever import SearchOptions
from ragagent.server import answering
from ragagent.server.errors import describe
from ragagent.server.models import (
    AnswerResponse,
    AskRequest,
    ErrorResponse,
    Health,
    InfoResponse,
    SearchResponse,
)
from ragagent.server.state import ServerState
from ragagent.types import SearchMode

router = APIRouter()
T = TypeVar("T")
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (404, 422, 502, 503)}


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.ragagent
    return state


State = Annotated[ServerState, Depends(get_state)]


async def live_index(state: ServerState) -> IndexView:
    """The live generation, opened off the event loop (opening a new one verifies its checksums)."""
    return await off_loop(state, state.index)


async def off_loop(state: ServerState, work: Callable[[], T]) -> T:
    """``work()`` on the search pool (index reads may block: SQLite, or a round trip to Milvus)."""
    return await asyncio.get_running_loop().run_in_executor(state.search_pool, work)


def json_response(payload: Any, status: int = 200) -> Response:
    """JSON like the CLI's ``--json`` (non-JSON values as strings)."""
    return Response(json.dumps(payload, ensure_ascii=False, default=str), status_code=status,
                    media_type="application/json")


@router.get("/healthz", response_model=Health, tags=["server"])
async def healthz() -> Health:
    return Health(status="ok")


@router.post("/v1/ask", response_model=AnswerResponse, responses=ERRORS, tags=["answers"])
async def ask(body: AskRequest, state: State) -> Response:
    """Answer a question; with ``"stream": true``, server-sent events ``step``*, ``token``*, then ``answer``.

    A failure after the stream started is an ``error`` event carrying ``{"error": {type, message}}``.
    """
    overrides = body.overrides()
    if not body.stream:
        await live_index(state)  # an empty index is a 404 before the model is loaded
        result = await answering.answer(state, body.question, body.mode, overrides)
        return json_response(answer_json(result))
    await live_index(state)
    return EventSourceResponse(_sse(state, body, overrides), ping=15)


async def _sse(state: ServerState, body: AskRequest, overrides: dict[str, Any]) -> Any:
    async for kind, data in answering.answer_events(state, body.question, body.mode, overrides):
        if kind == "token":
            payload: Any = {"text": data}
        elif kind == "step":
            payload = asdict(data)
        elif kind == "answer":
            payload = answer_json(data)
        else:
            payload = describe(data)[1]
        yield {"event": kind, "data": json.dumps(payload, ensure_ascii=False, default=str)}


@router.get("/v1/search", response_model=SearchResponse, responses=ERRORS, tags=["search"])
async def search(state: State, q: Annotated[str, Query(min_length=1, max_length=4000)],
                 k: Annotated[int, Query(ge=1, le=100)] = TOP_K, mode: SearchMode = "hybrid") -> Response:
    """Ranked hits with exact provenance and every retriever's rank and score."""
    if not q.strip():
        raise ConfigError("the query is empty")

    def work() -> list[dict[str, Any]]:
        return [hit_to_json(h) for h in state.index().retrieve(q, k=k, mode=mode, options=SearchOptions())]

    hits = await off_loop(state, work)
    return json_response({"query": q, "mode": mode, "hits": hits})


@router.get("/v1/info", response_model=InfoResponse, tags=["server"])
async def info(state: State) -> InfoResponse:
    def work() -> IndexInfo | None:
        index = state.current()
        return index.info() if index is not None else None

    found = await off_loop(state, work)
    return InfoResponse(
        version=_version(), index=state.location, backend=found.backend if found else None, empty=found is None,
        generation=found.generation if found else None, documents=found.documents if found else 0,
        chunks=found.chunks if found else 0, embedding_model=found.embedding.model if found else None,
        llm=state.settings.llm, modes=["auto", "rag", "pal", "react"],
        write_token_required=state.options.api_token is not None, max_upload_mb=state.options.max_upload_mb,
    )


def _version() -> str:
    try:
        return version("ragagent")
    except PackageNotFoundError:
        return "unknown"
