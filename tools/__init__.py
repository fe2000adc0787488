"""Tools for the ReAct agent (installed as ``ragagent.tools``).

>>> from ragagent.tools import tool
>>> @tool
... def word_count(text: str) -> int:
...     '''Count the words in a text.'''
...     return len(text.split())
>>> word_count.run("three little words")
'3'

``default_tools(index, executor, k=4)`` gives fresh ``search``, ``lookup``, ``calculator``, ``python``
and ``finish`` tools for one run.  LangChain adapters live in :mod:`ragagent.tools.langchain`.
"""

from .base import InvalidArgumentsError, Passage, RawArgs, Tool, ToolOutput
from .builtin import default_tools, finish_tool
from .calculator import calculator_tool, evaluate
from .decorator import tool
from .retrieval import lookup_tool, search_tool
from .sandboxed import python_tool
from .session import ToolSession
from .toolbox import Toolbox, ToolResult

__all__ = [
    "InvalidArgumentsError",
    "Passage",
    "RawArgs",
    "Tool",
    "ToolOutput",
    "ToolResult",
    "ToolSession",
    "Toolbox",
    "calculator_tool",
    "default_tools",
    "evaluate",
    "finish_tool",
    "lookup_tool",
    "python_tool",
    "search_tool",
    "tool",
]
