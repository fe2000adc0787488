"""Running one question on the model thread, as a whole answer or as a stream of events.

A stream yields ``("step", Step)`` for each ReAct/PAL step as it completes, ``("token", str)`` for each text
piece, then ``("answer", Answer)`` — or ``("error", exception)`` if answering failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

from ragagent.options import AskMode
from ragagent.server.state import ServerState
from ragagent.types import Answer

Event = tuple[str, Any]


async def answer(state: ServerState, question: str, mode: AskMode, overrides: dict[str, Any],
                 history: str = "") -> Answer:
    def work() -> Answer:
        return state.agent(overrides).stream(question, mode, history=history).answer

    return await asyncio.get_running_loop().run_in_executor(state.model_pool, work)


async def answer_events(state: ServerState, question: str, mode: AskMode, overrides: dict[str, Any],
                        history: str = "") -> AsyncIterator[Event]:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Event] = asyncio.Queue()
    gone = threading.Event()  # the client went away: stop generating, free the model for the next question

    def put(kind: str, data: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone (server shutting down): nobody listens
            loop.call_soon_threadsafe(queue.put_nowait, (kind, data))

    def work() -> None:
        try:
            on_step: Callable[[Any], None] = lambda step: put("step", step)  # noqa: E731
            run = state.agent(overrides).stream(question, mode, on_step=on_step, history=history)
            for piece in run:
                if gone.is_set():
                    return
                put("token", piece)
            put("answer", run.answer)
        except Exception as exc:
            put("error", exc)
        finally:
            put("end", None)

    loop.run_in_executor(state.model_pool, work)
    try:
        while True:
            kind, data = await queue.get()
            if kind == "end":
                return
            yield kind, data
    finally:
        gone.set()
