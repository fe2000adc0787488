"""ReAct with an instruct model: the conversation, parse-error feedback as an observation, the final nudge."""

from __future__ import annotations

from ragagent.index import Index
from ragagent.react import run_react
from ragagent.react.prompt import CHAT_STOP, FINAL_NUDGE
from ragagent.tools import default_tools
from tests.fakes import ScriptedLLM


def test_instruct_react_conversation(index: Index) -> None:
    llm = ScriptedLLM([
        "Thought: I need where PAL was proposed.\nAction: search[PAL proposed university]",
        "PAL is from Carnegie Mellon, I think.",  # no Action line: a parse error the model is told about
        "Thought: The passage says Carnegie Mellon University [1].\n"
        "Action: finish[PAL was proposed at Carnegie Mellon University [1].]",
    ], prompt_style="chat")
    answer = run_react("Where was PAL proposed?", llm, default_tools(index, None, k=1))
    assert answer.complete and answer.text == "PAL was proposed at Carnegie Mellon University [1]."
    assert [s.action for s in answer.steps] == ["search", "", "finish"]
    assert answer.steps[1].error is not None and answer.steps[1].error.startswith("parse error")
    last = llm.calls[-1].prompt
    assert isinstance(last, tuple)
    assert [m.role for m in last] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert "Thought: <one sentence" in last[0].content and "search[" in last[0].content
    assert last[1].content == "Question: Where was PAL proposed?"
    assert last[2].content == "Thought: I need where PAL was proposed.\nAction: search[PAL proposed university]"
    assert last[3].content.startswith("Observation: [1] (pal.md)")
    assert last[5].content.startswith("Observation: Invalid format. Your reply has no Action line.")
    assert all(c.stop == CHAT_STOP for c in llm.calls)
    assert answer.citations[0].source == "pal.md" and answer.citations[0].verified


def test_instruct_react_out_of_steps_is_asked_to_finish(index: Index) -> None:
    llm = ScriptedLLM([
        "Thought: Search.\nAction: search[PAL]",
        "Thought: I am done searching.\nAction: finish[PAL was proposed by Luyu Gao and colleagues [1].]",
    ], prompt_style="chat")
    answer = run_react("Who proposed PAL?", llm, default_tools(index, None, k=1), max_steps=1)
    assert not answer.complete and answer.text == "PAL was proposed by Luyu Gao and colleagues [1]."
    final = llm.calls[-1].prompt
    assert isinstance(final, tuple) and final[-1].role == "user" and final[-1].content.endswith(FINAL_NUDGE)
