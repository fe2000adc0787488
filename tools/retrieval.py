"""The ``search`` and ``lookup`` tools, bound to one :class:`~ragagent.tools.session.ToolSession`.

>>> session = ToolSession(index, k=4)                          # doctest: +SKIP
>>> tools = [search_tool(session), lookup_tool(session)]       # doctest: +SKIP
"""

from __future__ import annotations

from .base import Tool, ToolOutput
from .decorator import tool
from .session import ToolSession


def search_tool(session: ToolSession) -> Tool:
    """Hybrid search over the index; passages are numbered for citation."""

    @tool(name="search")
    def search(query: str) -> ToolOutput:
        """Search the documents. Returns numbered passages [n] to cite, and opens the top result's document.

        Args:
            query: A few keywords or a question.
        """
        return session.search(query)

    return search


def lookup_tool(session: ToolSession) -> Tool:
    """Find sentences in the open document; each call with the same term gives the next match."""

    @tool(name="lookup", repeatable=True)
    def lookup(term: str, document: str | None = None) -> ToolOutput:
        """Find the next sentence containing a term in the document opened by the last search.

        Args:
            term: The word or phrase to find (case-insensitive).
            document: Open this document (a source name shown by search) before looking up.
        """
        return session.lookup(term, document)

    return lookup
