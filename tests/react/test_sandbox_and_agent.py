"""The python tool through the real sandbox, and ReAct mode through the Agent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ragagent import Agent, Settings
from ragagent.index import Index
from ragagent.react import run_react
from ragagent.tools import default_tools
from tests.fakes import ScriptedLLM
from tests.react.test_run_react import TWO_HOP, TWO_HOP_SCRIPT

if TYPE_CHECKING:
    from ragagent.sandbox import Executor


@pytest.mark.integration
def test_python_call_runs_in_the_sandbox(index: Index, executor: Executor) -> None:
    llm = ScriptedLLM([
        " I will count with Python.\nAction: python[xs = [n for n in range(1, 101) if n % 7 == 0]\n"
        "print(len(xs))\nresult = xs[-1]]",
        " Now a failing program.\nAction: python[print('before')\n1 / 0]",
        " 14 multiples.\nAction: finish[There are 14 multiples of 7 up to 100; the largest is 98.]",
    ])
    answer = run_react("How many multiples of 7 are there up to 100?", llm, default_tools(index, executor))
    ran, failed = answer.steps[0], answer.steps[1]
    assert (ran.action, ran.error, ran.observation) == ("python", None, "14\nresult = 98")
    assert failed.observation == "Error: before\nZeroDivisionError: division by zero"
    assert failed.error == "before\nZeroDivisionError: division by zero"
    assert answer.complete and answer.text.startswith("There are 14 multiples")


def test_agent_runs_react_mode_with_fresh_tools(index: Index) -> None:
    agent = Agent(index, ScriptedLLM(list(TWO_HOP_SCRIPT) * 2), settings=Settings(react_search_first=False))
    actions: list[str] = []
    first = agent.ask(TWO_HOP, mode="react", on_step=lambda s: actions.append(s.action))
    second = agent.ask(TWO_HOP, mode="react")  # fresh tools: nothing is refused as a repeat of the first run
    assert actions == ["search", "search", "lookup", "finish"]
    assert first.mode == "react" and first.route_reason == "mode chosen by the caller"
    for answer in (first, second):
        assert all(s.error is None for s in answer.steps)
        assert [(c.n, c.source, c.verified) for c in answer.citations] == [(1, "pal.md", True), (2, "cmu.md", True)]


def test_agent_searches_first_by_default(index: Index) -> None:
    agent = Agent(index, ScriptedLLM([" I know it.\nAction: finish[PAL was proposed by Gao.]"]))
    answer = agent.ask(TWO_HOP, mode="react")
    assert [s.action for s in answer.steps] == ["search", "finish"]
    assert answer.steps[0].args == {"query": TWO_HOP} and answer.steps[0].observation.startswith("[1]")
    assert "Observation: [1]" in agent.llm.calls[0].prompt  # type: ignore[attr-defined]
