"""The contract every LLM implementation keeps, fakes included: one suite, run against each."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ragagent.llm import LLM, Completion, GenerationSettings, LangChainLLM, load_llm
from tests.fakes import ScriptedLLM
from tests.llm.scripted_chat import ScriptedChatModel

PROMPT = "Q: What is the capital of France?\nA: Paris\nQ: What is the capital of Italy?\nA:"
STOP = ["\n"]
REPLY = " Rome\nQ: What is the capital of Spain?\nA: Madrid"


def scripted() -> LLM:
    return ScriptedLLM(script=[REPLY] * 4)


def langchain_scripted() -> LLM:
    return LangChainLLM(ScriptedChatModel(script=[REPLY] * 4))


def local(request: pytest.FixtureRequest) -> LLM:
    request.getfixturevalue("gemma_path")
    return load_llm("local:gemma3-270m", n_ctx=2048)


@pytest.fixture(
    params=[
        pytest.param(lambda request: scripted(), id="ScriptedLLM"),
        pytest.param(lambda request: langchain_scripted(), id="LangChainLLM"),
        pytest.param(local, id="LlamaCppLLM", marks=pytest.mark.integration),
    ]
)
def llm(request: pytest.FixtureRequest) -> LLM:
    make: Callable[[pytest.FixtureRequest], LLM] = request.param
    return make(request)


def test_is_an_llm(llm: LLM) -> None:
    assert isinstance(llm, LLM)


def test_complete_returns_text_before_the_stop(llm: LLM) -> None:
    completion = llm.complete(PROMPT, stop=STOP, settings=GenerationSettings(max_tokens=16))
    assert isinstance(completion, Completion)
    assert completion.text.strip()
    assert not any(s in completion.text for s in STOP)
    assert completion.usage.calls == 1
    assert completion.usage.prompt_tokens > 0


def test_stream_yields_nonempty_pieces_before_the_stop(llm: LLM) -> None:
    pieces = list(llm.stream(PROMPT, stop=STOP, settings=GenerationSettings(max_tokens=16)))
    assert pieces and all(isinstance(p, str) and p for p in pieces)
    assert not any(s in "".join(pieces) for s in STOP)


def test_default_settings_are_optional(llm: LLM) -> None:
    assert isinstance(llm.complete(PROMPT, stop=STOP).text, str)

