"""The application API: an :class:`Agent` answers questions over an index in rag, pal or react mode.

>>> from ragagent import Agent, Settings
>>> agent = Agent(".ragagent", settings=Settings(llm="local", k=4))     # doctest: +SKIP
>>> answer = agent.ask("When was the transformer introduced?")           # doctest: +SKIP
>>> for piece in (run := agent.stream("What is PAL?")):                  # doctest: +SKIP
...     print(piece, end="")
>>> run.answer.citations                                                 # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ragagent.config import Settings
from ragagent.errors import ConfigError
from ragagent.index import open_index
from ragagent.llm.base import LLM
from ragagent.options import AskMode
from ragagent.rag.answer import RagRun
from ragagent.rag.citations import CitationVerifier
from ragagent.rag.judges import index_rarity, make_checker
from ragagent.rag.support import SupportChecker
from ragagent.retriever import DocumentRetriever
from ragagent.router import Route, route, route_with_model
from ragagent.types import Answer, AnswerStream, Step

if TYPE_CHECKING:
    from ragagent.sandbox import Executor
    from ragagent.tools import Tool

StepCallback = Callable[[Step], None]
MODES = ("auto", "rag", "pal", "react")


class Agent:
    """Answers questions over one index with one model; state is passed in, never global."""

    def __init__(self, index: DocumentRetriever | str | Path, llm: LLM | str | None = None, *,
                 settings: Settings | None = None, executor: Executor | None = None,
                 tools: Sequence[Tool] = ()) -> None:
        self.settings = settings or Settings()
        self.index: DocumentRetriever = (
            open_index(index, query_encoder=self.settings.query_encoder) if isinstance(index, str | Path) else index
        )
        self.llm = self._load_llm(llm)
        self.verifier = CitationVerifier(self._checker())
        self._executor = executor
        self.tools = tuple(tools)

    def _load_llm(self, llm: LLM | str | None) -> LLM:
        if llm is not None and not isinstance(llm, str):
            return llm
        return llm_from_settings(self.settings, llm)

    def _checker(self) -> SupportChecker:
        """The citation checker chosen by ``settings.verify_with``, wired to this index and model."""
        kind = self.settings.verify_with
        return make_checker(kind, rarity=index_rarity(self.index),
                            embedder=getattr(self.index, "embedder", None) if kind == "embedding" else None,
                            llm=self.llm if kind == "llm" else None)

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            from ragagent.sandbox import BubblewrapExecutor

            self._executor = BubblewrapExecutor()
        return self._executor

    def route(self, question: str, mode: AskMode) -> Route:
        if mode not in MODES:
            raise ConfigError(f"unknown mode {mode!r} (use one of {', '.join(MODES)})")
        if mode != "auto":
            return Route(mode, "mode chosen by the caller")
        return route_with_model(question, self.llm) if self.settings.route_with_model else route(question)

    def ask(self, question: str, mode: AskMode = "auto", *, on_step: StepCallback | None = None) -> Answer:
        """Answer ``question``; ``mode="auto"`` lets the router choose and records why.

        ``on_step`` sees each ReAct/PAL step as it completes (for live traces).
        """
        return self.stream(question, mode, on_step=on_step).answer

    def stream(self, question: str, mode: AskMode = "auto", *, on_step: StepCallback | None = None,
               history: str = "") -> AnswerStream:
        """Like :meth:`ask`, streaming the answer text (RAG streams tokens; PAL/ReAct the final text).

        ``history`` is a summarised conversation shown to the RAG prompt (see :class:`~ragagent.chat.ChatSession`);
        retrieval always uses ``question`` alone.
        """
        if not question.strip():
            raise ConfigError("the question is empty")
        chosen = self.route(question, mode)
        if chosen.mode == "rag":
            run = RagRun(question, self.index, self.llm, self.settings.generation("rag"), self.settings.rag_options(),
                         self.verifier, history=history)
            return AnswerStream(iter(run), lambda: _routed(run.result(), chosen))
        answer = _routed(self._non_streaming(question, chosen.mode, on_step), chosen)
        return AnswerStream(iter([answer.text]), lambda: answer)

    def _non_streaming(self, question: str, mode: str, on_step: StepCallback | None) -> Answer:
        if mode == "pal":
            from ragagent.pal import answer_pal

            return answer_pal(question, self.llm, executor=self.executor, settings=self.settings.generation("pal"),
                              timeout_s=self.settings.sandbox_timeout_s, memory_mb=self.settings.sandbox_memory_mb,
                              on_step=on_step)
        from ragagent.react import run_react
        from ragagent.tools import default_tools

        s = self.settings
        tools = default_tools(self.index, self.executor, k=s.k, timeout_s=s.sandbox_timeout_s,
                              memory_mb=s.sandbox_memory_mb, links=s.follow_links) + list(self.tools)
        return run_react(question, self.llm, tools, settings=self.settings.generation("react"),
                         max_steps=s.max_steps, verifier=self.verifier, on_step=on_step,
                         search_first=s.react_search_first)


def llm_from_settings(settings: Settings, spec: str | None = None) -> LLM:
    """The model ``spec`` (default ``settings.llm``) with the settings' sampling, endpoint, retries and context."""
    from ragagent.llm import load_llm

    return load_llm(spec or settings.llm, settings=settings.generation(), base_url=settings.base_url,
                    timeout_s=settings.timeout_s, max_retries=settings.max_retries, n_ctx=settings.n_ctx)


def _routed(answer: Answer, chosen: Route) -> Answer:
    return replace(answer, route_reason=chosen.reason)
