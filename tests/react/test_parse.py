"""parse_step: the one pure function that reads a model turn."""

from __future__ import annotations

import pytest

from ragagent.react import ParsedStep, ParseError, parse_step
from ragagent.react.parse import NO_ACTION, tidy_answer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" I should search.\nAction: search[transformer year]",
         ParsedStep("I should search.", "search", "transformer year", "search[transformer year]")),
        ("Thought: hmm\nAction: python[xs = [1, 2]\nprint(xs[-1])]",
         ParsedStep("hmm", "python", "xs = [1, 2]\nprint(xs[-1])", "python[xs = [1, 2]\nprint(xs[-1])]")),
        ("Thought 2: paper style\nAction 2: Search[Paris]\nObservation 2: invented]",
         ParsedStep("paper style", "Search", "Paris", "Search[Paris]")),
        (' Two args.\nAction: lookup {"term": "river", "document": "paris.md"} trailing words',
         ParsedStep("Two args.", "lookup", {"term": "river", "document": "paris.md"},
                    'lookup {"term": "river", "document": "paris.md"}')),
        ("I know it.\nFinal Answer: Paris [1].\nThought: extra",
         ParsedStep("I know it.", "finish", "Paris [1].", "finish[Paris [1].]")),
        ("Action: finish[]", ParsedStep("", "finish", "", "finish[]")),
        ('Action: lookup ["river"]', ParsedStep("", "lookup", '"river"', 'lookup["river"]')),
        (" A thought\nspread over lines.\naction: Calculator[ 2 + 2 ]",
         ParsedStep("A thought spread over lines.", "Calculator", "2 + 2", "Calculator[ 2 + 2 ]")),
    ],
)
def test_parses(text: str, expected: ParsedStep) -> None:
    assert parse_step(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("I am not sure what to do.", NO_ACTION),
        ("", NO_ACTION),
        ("Action: [Paris]", "The action must start with a tool name"),
        ("Action: finish", "Give the input of finish in brackets, like finish[input]"),
        ("Action: search[Paris\nThought: more", "missing its closing bracket"),
        ("Action: lookup {term: river}", "The arguments of lookup are not valid JSON"),
        ("Action: lookup {\"a\": [1}", "not valid JSON"),
    ],
)
def test_errors_say_how_to_write_the_action(text: str, message: str) -> None:
    result = parse_step(text)
    assert isinstance(result, ParseError) and result.text == text
    assert message in result.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Ribe River [3][4]", "the Ribe River [3][4]"),  # already clean: unchanged
        ("Paris [1]. [1], [3].", "Paris [1]."),  # a markers-only sentence after a cited one is dropped
        ("Paris. [1] and [2].", "Paris [1][2]."),  # ... or its markers move into the uncited sentence before
        ("Otto Frisch [1]. The documents do not say.", "Otto Frisch [1]."),  # a decline after an answer
        ("Born in 1961 [2]. See [2", "Born in 1961 [2]."),  # a cut-off marker
        ("The documents do not say.", "The documents do not say."),  # a decline on its own stays
        ("Yes, both are [1][2]. Both date from 1900 [1].", "Yes, both are [1][2]. Both date from 1900 [1]."),
    ],
)
def test_tidy_answer_drops_trailing_debris(text: str, expected: str) -> None:
    assert tidy_answer(text, "The documents do not say.") == expected
