"""ReAct with an instruct model: the conversation, parse-error feedback as an observation, the final nudge."""

from __future__ import annotations

from ragagent.index import Index
from ragagent.react import ParsedStep, ParseError, run_react
from ragagent.react.parse import parse_step
from ragagent.react.prompt import CHAT_EXAMPLES, CHAT_STOP, FINAL_NUDGE, FORMAT_HINT, chat_system
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
    assert last[5].content.endswith(FORMAT_HINT)  # the exact grammar, repeated where the model looks
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


def test_instruct_final_answer_is_tidied(index: Index) -> None:
    llm = ScriptedLLM([
        "Thought: Search.\nAction: search[PAL proposed]",
        "Thought: Found it.\nAction: finish[Carnegie Mellon University [1]. [1] and [1]. The documents do not say.]",
    ], prompt_style="chat")
    answer = run_react("Where was PAL proposed?", llm, default_tools(index, None, k=1))
    assert answer.answered and answer.text == "Carnegie Mellon University [1]."
    assert [c.n for c in answer.citations] == [1]


def test_chat_examples_follow_the_grammar_and_answer_briefly() -> None:
    for example in CHAT_EXAMPLES:
        turns = example.text.split("\nObservation:")
        steps = [parse_step(t.split("\n", 1)[1] if t.startswith("Question:") else t.split("\nThought:", 1)[1])
                 for t in turns]
        assert all(not isinstance(s, ParseError) for s in steps)
        final = steps[-1]
        assert isinstance(final, ParsedStep) and final.action == "finish"
        assert isinstance(final.args, str) and len(final.args.split()) <= 5  # the answer itself, not a sentence
    # The two-step pattern: the second search is for the name the first observation gave.
    two_hop = CHAT_EXAMPLES[0].text
    assert "Ida Berg" not in two_hop.split("Observation:")[0] and "Action: search[Ida Berg" in two_hop


def test_chat_system_shows_only_examples_whose_tools_exist(index: Index) -> None:
    tools = default_tools(index, None, k=1)
    assert all(e.text in chat_system(tools) for e in CHAT_EXAMPLES)
    finish_only = [t for t in tools if t.name in ("calculator", "finish")]
    shown = chat_system(finish_only)
    assert CHAT_EXAMPLES[-1].text in shown and CHAT_EXAMPLES[0].text not in shown
