"""ReAct mode: Thought / Action / Observation loops over tools, with verified citations.

>>> from ragagent.react import run_react
>>> from ragagent.tools import default_tools
>>> answer = run_react("Who wrote PAL?", llm, default_tools(index, executor))   # doctest: +SKIP
>>> [(s.action, s.args) for s in answer.steps]                                 # doctest: +SKIP
"""

from ragagent.react.loop import ReactRun, StepCallback, run_react
from ragagent.react.parse import ParsedStep, ParseError, parse_step
from ragagent.react.prompt import Turn, render_prompt

__all__ = ["ParseError", "ParsedStep", "ReactRun", "StepCallback", "Turn", "parse_step", "render_prompt", "run_react"]
