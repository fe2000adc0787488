"""Golden ReAct transcripts driven by the scripted LLM: the recorded steps and the prompts sent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ragagent.errors import ConfigError, ToolError
from ragagent.index import Index
from ragagent.llm.base import GenerationSettings
from ragagent.rag.prompt import NOT_IN_DOCUMENTS
from ragagent.react import run_react
from ragagent.react.loop import NO_ANSWER, close_finish
from ragagent.react.prompt import FINAL_STOP, STOP
from ragagent.tools import calculator_tool, default_tools, tool
from ragagent.tools.toolbox import REPEATED
from ragagent.types import Step
from tests.fakes import ScriptedLLM

GOLDEN = Path(__file__).parent / "golden"
TWO_HOP = "In which city is the university where PAL was proposed?"
TWO_HOP_SCRIPT: list[str | Callable[[str], str]] = [
    " I need to find where PAL was proposed, then where that university is.\n"
    "Action: search[PAL proposed university]\nObservation: invented by the model, cut by the stop sequence",
    " PAL comes from Carnegie Mellon University. I need its location.\n"
    "Action: search[Carnegie Mellon University location]",
    " cmu.md is open. I will look up where it is located.\nAction: lookup[located]",
    " Carnegie Mellon University is in Pittsburgh. I can answer.\n"
    "Action: finish[PAL was proposed at Carnegie Mellon University [1]. "
    "Carnegie Mellon University is located in Pittsburgh, Pennsylvania [2].]",
]


def transcript(prompt: str, question: str) -> str:
    return prompt[prompt.index(f"Question: {question}\n"):]


def test_two_hop_search_lookup_finish(index: Index) -> None:
    llm, seen = ScriptedLLM(list(TWO_HOP_SCRIPT)), list[Step]()
    settings = GenerationSettings(max_tokens=128)
    answer = run_react(TWO_HOP, llm, default_tools(index, None, k=1), settings=settings, on_step=seen.append)

    assert [(s.action, dict(s.args), s.error) for s in answer.steps] == [
        ("search", {"query": "PAL proposed university"}, None),
        ("search", {"query": "Carnegie Mellon University location"}, None),
        ("lookup", {"term": "located"}, None),
        ("finish", {"answer": answer.text}, None),
    ]
    assert answer.steps[2].observation == "(Result 1/1) [2] (cmu.md) It is located in Pittsburgh, Pennsylvania."
    assert answer.steps[0].thought == "I need to find where PAL was proposed, then where that university is."
    assert list(answer.steps) == seen and all(s.duration_s >= 0 for s in seen)

    assert answer.mode == "react" and answer.complete and answer.answered
    assert answer.text.endswith("located in Pittsburgh, Pennsylvania [2].")
    assert [(c.n, c.source, c.verified) for c in answer.citations] == [(1, "pal.md", True), (2, "cmu.md", True)]
    assert [h.chunk.id for h in answer.hits] == [c.chunk_id for c in answer.citations]
    assert answer.usage.calls == 4 and answer.usage.completion_tokens > 0
    assert set(answer.timings) == {"llm_s", "tools_s", "verify_s", "total_s"}

    first = llm.calls[0].prompt
    assert "search[query]: Search the documents." in first and "Action: lookup[river]" in first  # tools + example
    assert "python[" not in first  # no executor, so no python tool and no python example
    assert all(c.stop == STOP and c.settings == settings and c.prompt.endswith("\nThought:") for c in llm.calls)
    assert transcript(llm.calls[-1].prompt, TWO_HOP) == (GOLDEN / "two_hop.txt").read_text().removesuffix("\n")


def test_parse_error_is_fed_back_then_the_model_recovers() -> None:
    llm = ScriptedLLM(["I think the answer is four.", " Let me compute.\nAction: calculator[2 + 2]",
                       " It is 4.\nAction: finish[2 + 2 = 4]"])
    answer = run_react("What is 2 + 2?", llm, [calculator_tool()])
    bad = answer.steps[0]
    assert (bad.action, bad.thought, dict(bad.args)) == ("", "I think the answer is four.", {})
    assert bad.error and bad.error.startswith("parse error: Your reply has no Action line")
    assert ("Thought: I think the answer is four.\nObservation: Invalid format. Your reply has no Action line. "
            "Write one action, like: Action: search[your query]\nThought:") in llm.calls[1].prompt
    assert [s.observation for s in answer.steps[1:]] == ["4", "2 + 2 = 4"]
    assert answer.text == "2 + 2 = 4" and answer.complete and answer.citations == ()


def test_consecutive_parse_errors_are_bounded() -> None:
    llm = ScriptedLLM(["no idea", "still none", "nothing", "4"])
    answer = run_react("What is 2 + 2?", llm, [calculator_tool()], max_steps=6, max_parse_errors=2)
    errors = [s.error or "" for s in answer.steps]
    assert all(e.startswith("parse error:") for e in errors[:3]) and errors[3:] == ["too many unparsable replies"]
    assert answer.text == "4" and not answer.complete and len(llm.calls) == 4


def test_unknown_tool_lists_the_valid_ones() -> None:
    llm = ScriptedLLM([" Look it up.\nAction: wikipedia[Pittsburgh]", " Fine.\nAction: finish[I do not know.]"])
    answer = run_react("Where is CMU?", llm, [calculator_tool()])
    step = answer.steps[0]
    assert (step.action, dict(step.args), step.error) == ("wikipedia", {"input": "Pittsburgh"},
                                                         "unknown tool 'wikipedia'")
    assert "Observation: Unknown tool 'wikipedia'. Valid tools: calculator, finish.\nThought:" in llm.calls[1].prompt


def test_tool_error_becomes_the_observation() -> None:
    @tool
    def weather(city: str) -> str:
        """Today's weather in a city."""
        raise ToolError(f"no forecast for {city}")

    llm = ScriptedLLM([" Check.\nAction: weather[Oslo]", " No data.\nAction: finish[No forecast is available.]"])
    answer = run_react("Weather in Oslo?", llm, [weather])
    assert (answer.steps[0].observation, answer.steps[0].error) == ("Error: no forecast for Oslo",
                                                                    "no forecast for Oslo")
    assert "Action: weather[Oslo]\nObservation: Error: no forecast for Oslo\nThought:" in llm.calls[1].prompt
    assert answer.complete


def test_invalid_arguments_show_the_expected_ones() -> None:
    llm = ScriptedLLM([" Done.\nAction: finish[]", " Done.\nAction: finish[Nothing found.]"])
    answer = run_react("Anything?", llm, [])
    assert answer.steps[0].error and "Expected finish[answer] where answer (string, required)" in (
        answer.steps[0].observation)
    assert answer.text == "Nothing found."


def test_repeated_action_is_reported_not_run() -> None:
    runs: list[str] = []

    @tool
    def count_words(text: str) -> int:
        """Count the words of a text."""
        runs.append(text)
        return len(text.split())

    llm = ScriptedLLM([" Count.\nAction: count_words[a b c]", " Again.\nAction: count_words {\"text\": \"a b c\"}",
                       " Three.\nAction: finish[There are 3 words.]"])
    answer = run_react("How many words in 'a b c'?", llm, [count_words])
    assert runs == ["a b c"]
    assert (answer.steps[1].observation, answer.steps[1].error) == (REPEATED, "repeated action")
    assert f"Observation: {REPEATED}\nThought:" in llm.calls[2].prompt


def test_step_limit_gives_a_best_effort_answer(index: Index) -> None:
    llm = ScriptedLLM([" Search.\nAction: search[PAL proposed university]",
                       " Search more.\nAction: search[Carnegie Mellon University location]",
                       "PAL was proposed at Carnegie Mellon University [1].]\nand more text"])
    answer = run_react(TWO_HOP, llm, default_tools(index, None, k=1), max_steps=2)
    assert not answer.complete and answer.text == "PAL was proposed at Carnegie Mellon University [1]."
    assert [s.action for s in answer.steps] == ["search", "search", "finish"]
    assert answer.steps[-1].error == "max_steps reached"
    last = llm.calls[-1]
    assert last.stop == FINAL_STOP and last.prompt.endswith("give my best answer with what I found.\nAction: finish[")
    assert [(c.n, c.source, c.verified) for c in answer.citations] == [(1, "pal.md", True)]


def test_empty_best_effort_answer_says_so() -> None:
    answer = run_react("What is 2 + 2?", ScriptedLLM([" Hmm.\nAction: calculator[2 + 2]", "]"]),
                       [calculator_tool()], max_steps=1)
    assert answer.text == NO_ANSWER and not answer.complete and not answer.answered
    assert answer.abstention == "no_answer"


@pytest.mark.parametrize(
    ("completion", "answer"),
    [("Paris [1].]", "Paris [1]."), ("Paris [1][2]. ] trailing", "Paris [1][2]."), ("Paris [1]", "Paris [1]"),
     ("  multi\nline [3] ", "multi\nline [3]")],
)
def test_best_effort_text_ends_at_the_closing_bracket(completion: str, answer: str) -> None:
    assert close_finish(completion) == answer


def test_documents_do_not_say_is_not_answered() -> None:
    answer = run_react("Who is the CEO?", ScriptedLLM([f" Nothing.\nAction: finish[{NOT_IN_DOCUMENTS}]"]), [])
    assert answer.complete and not answer.answered and answer.abstention == "model_declined"


def test_calculator_call() -> None:
    llm = ScriptedLLM([" Compute.\nAction: calculator[(3 + 4) * 2 ** 3]", " 56.\nAction: finish[The result is 56.]"])
    answer = run_react("What is (3 + 4) * 2 ** 3?", llm, [calculator_tool()])
    assert [(s.action, dict(s.args), s.observation) for s in answer.steps] == [
        ("calculator", {"expression": "(3 + 4) * 2 ** 3"}, "56"),
        ("finish", {"answer": "The result is 56."}, "The result is 56."),
    ]
    assert "Question: What is 15% of 2,340?" in llm.calls[0].prompt  # the calculator example is shown


def test_chat_style_final_answer_is_accepted() -> None:
    answer = run_react("Capital of France?", ScriptedLLM(["I know this.\nFinal Answer: Paris."]), [])
    assert answer.text == "Paris." and answer.steps[0].action == "finish"


def test_a_bug_in_a_tool_propagates() -> None:
    @tool
    def average(total: int, count: int) -> float:
        """Average of ``count`` values summing to ``total``."""
        return total / count

    llm = ScriptedLLM([' Divide.\nAction: average {"total": 10, "count": 0}'])
    with pytest.raises(ZeroDivisionError):
        run_react("Average?", llm, [average])


def test_long_observations_are_capped_and_old_ones_elided() -> None:
    @tool
    def dump(what: str) -> str:
        """Print a lot."""
        return what * 5000

    class SmallModel(ScriptedLLM):
        context_window = 1200

        def count_tokens(self, text: str) -> int:
            return len(text) // 4

    llm = SmallModel([" a\nAction: dump[x]", " b\nAction: dump[y]", " c\nAction: finish[done]"])
    answer = run_react("Dump?", llm, [dump], settings=GenerationSettings(max_tokens=100))
    assert answer.steps[0].observation.endswith("(3000 more characters)")
    assert "Observation: (elided to save space)" in llm.calls[2].prompt and "yyyy" in llm.calls[2].prompt


def test_bad_limits_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="max_steps"):
        run_react("q", ScriptedLLM([]), [], max_steps=0)


def test_a_finish_answer_citing_the_wrong_passage_is_corrected(index: Index) -> None:
    script = list(TWO_HOP_SCRIPT)
    script[-1] = script[-1].replace("Pennsylvania [2]", "Pennsylvania [1]")
    answer = run_react(TWO_HOP, ScriptedLLM(script), default_tools(index, None, k=1),
                       settings=GenerationSettings(max_tokens=128))
    assert answer.text.endswith("located in Pittsburgh, Pennsylvania [2].")
    assert [(c.n, c.source, c.origin, c.corrected_from) for c in answer.citations] == [
        (1, "pal.md", "model", None), (2, "cmu.md", "corrected", 1)]
