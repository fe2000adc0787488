"""The built-in tool set: ``search``, ``lookup``, ``calculator``, ``python`` and ``finish``.

>>> tools = default_tools(index, executor, k=4)     # doctest: +SKIP
>>> [t.name for t in tools]                         # doctest: +SKIP
['search', 'lookup', 'calculator', 'python', 'finish']

Each call makes a fresh :class:`~ragagent.tools.session.ToolSession`, so call it once per run.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from ragagent.options import FOLLOW_LINKS, SANDBOX_LIMITS, SEARCH_PASSAGE_CHARS
from ragagent.retriever import DocumentRetriever
from ragagent.sandbox.base import Executor

from .base import Tool
from .calculator import calculator_tool
from .decorator import tool
from .retrieval import lookup_tool, search_tool
from .sandboxed import python_tool
from .session import ToolSession


def finish_tool() -> Tool:
    """The ``finish`` tool: its call ends the run and its argument is the answer."""

    @tool(name="finish", final=True)
    def finish(answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]) -> str:
        """Give the final answer and stop. Cite the passages it comes from, like [1].

        Args:
            answer: The final answer.
        """
        return answer.strip()

    return finish


def default_tools(index: DocumentRetriever, executor: Executor | None, *, k: int = 4,
                  timeout_s: float = SANDBOX_LIMITS.timeout_s, memory_mb: int = SANDBOX_LIMITS.memory_mb,
                  passage_chars: int = SEARCH_PASSAGE_CHARS, links: int = FOLLOW_LINKS) -> list[Tool]:
    """Fresh tools for one run (``python`` only when an executor is given)."""
    session = ToolSession(index, k=k, passage_chars=passage_chars, links=links)
    tools = [search_tool(session), lookup_tool(session), calculator_tool()]
    if executor is not None:
        tools.append(python_tool(executor, timeout_s=timeout_s, memory_mb=memory_mb))
    return [*tools, finish_tool()]
