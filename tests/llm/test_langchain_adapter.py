"""The LangChain adapter: stops, per-call settings, usage, retries and error translation."""

from __future__ import annotations

import pytest
from langchain_core.language_models import FakeListLLM
from langchain_core.messages import AIMessage
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from ragagent.errors import LLMConnectionError, LLMError
from ragagent.llm import LLM, GenerationSettings, TokenCounter, context_window_of
from ragagent.llm.langchain_adapter import ErrorMap, LangChainLLM, settings_to_fields
from ragagent.llm.retry import RetryPolicy
from tests.llm.scripted_chat import ScriptedChatModel

NO_WAIT = RetryPolicy(max_retries=2, base_delay_s=0.0)


class ServerDown(ConnectionError):
    pass


class ServerRefused(Exception):
    pass


def adapter(*script: str | AIMessage | BaseException, **kwargs: object) -> LangChainLLM:
    errors = ErrorMap("http://127.0.0.1:9/v1", connection=(ServerDown,), api=(ServerRefused,))
    return LangChainLLM(ScriptedChatModel(script=list(script)), retry=NO_WAIT, errors=errors, **kwargs)  # type: ignore[arg-type]


def test_implements_both_protocols() -> None:
    llm = adapter()
    assert isinstance(llm, LLM)
    assert isinstance(llm, TokenCounter)


def test_complete_sends_stop_and_cuts_at_it() -> None:
    llm = adapter("Paris.\nQ: and Spain?")
    completion = llm.complete("Q: capital of France?\nA:", stop=["\nQ:"])
    assert completion.text == "Paris."
    assert completion.finish_reason == "stop"
    assert llm.model.calls[0].stop == ["\nQ:"]  # type: ignore[attr-defined]
    assert llm.model.calls[0].prompt == "Q: capital of France?\nA:"  # type: ignore[attr-defined]


def test_settings_become_model_fields_per_call_without_mutating_the_model() -> None:
    llm = adapter("a", "b", settings=GenerationSettings(temperature=0.5, max_tokens=10, seed=None))
    llm.complete("x")
    llm.complete("x", settings=GenerationSettings(temperature=0.0, top_k=7, max_tokens=3, seed=42))
    calls = llm.model.calls  # type: ignore[attr-defined]
    assert calls[0].fields == {"temperature": 0.5, "top_k": None, "max_tokens": 10, "seed": None}
    assert calls[1].fields == {"temperature": 0.0, "top_k": 7, "max_tokens": 3, "seed": 42}
    assert llm.model.temperature is None  # type: ignore[attr-defined]


def test_usage_comes_from_the_provider_when_reported_else_estimated() -> None:
    reported = AIMessage(content="four", usage_metadata={"input_tokens": 11, "output_tokens": 2,
                                                          "total_tokens": 13})
    llm = adapter(reported, "four")
    assert llm.complete("2+2?").usage.prompt_tokens == 11
    estimated = llm.complete("what is two plus two?").usage
    assert (estimated.prompt_tokens, estimated.completion_tokens, estimated.calls) == (6, 1, 1)


def test_finish_reason_from_response_metadata() -> None:
    message = AIMessage(content="ab", response_metadata={"finish_reason": "length"})
    assert adapter(message).complete("x").finish_reason == "length"


def test_stream_yields_pieces_up_to_the_stop() -> None:
    llm = adapter("Paris is the capital.\nQ: next one")
    pieces = list(llm.stream("Q: capital?\nA:", stop=["\nQ:"]))
    assert len(pieces) > 1
    assert "".join(pieces) == "Paris is the capital."


def test_connection_errors_are_retried_then_named_with_the_url() -> None:
    llm = adapter(ServerDown("refused"), ServerDown("refused"), "ok")
    assert llm.complete("x").text == "ok"
    down = adapter(ServerDown("refused"), ServerDown("refused"), ServerDown("refused"))
    with pytest.raises(LLMConnectionError, match=r"cannot reach .* http://127\.0\.0\.1:9/v1") as info:
        down.complete("x")
    assert isinstance(info.value.__cause__, ServerDown)


def test_stream_retries_only_before_the_first_piece() -> None:
    llm = adapter(ServerDown("refused"), "a b c")
    assert "".join(llm.stream("x")) == "a b c"
    assert len(llm.model.calls) == 2  # type: ignore[attr-defined]


def test_provider_refusals_are_llm_errors_and_bugs_propagate() -> None:
    with pytest.raises(LLMError, match="failed the request: quota") as info:
        adapter(ServerRefused("quota")).complete("x")
    assert not isinstance(info.value, LLMConnectionError)
    with pytest.raises(ZeroDivisionError):
        adapter(ZeroDivisionError("bug")).complete("x")


def test_timeouts_say_how_long_was_waited() -> None:
    errors = ErrorMap("http://h:1/v1", timeout_s=5)
    assert "no answer from the model server at http://h:1/v1 within 5s" in str(errors.translate(TimeoutError()))


def test_text_llms_work_too() -> None:
    llm = LangChainLLM(FakeListLLM(responses=["42\nQ: more"]))
    completion = llm.complete("Q: answer?\nA:", stop=["\nQ:"])
    assert completion.text == "42"
    assert completion.usage.calls == 1


def test_context_window_from_argument_profile_or_default() -> None:
    assert context_window_of(adapter(context_window=8192)) == 8192
    assert adapter().context_window == 2048
    profiled = LangChainLLM(ChatOpenAI(model="gpt-4o-mini", api_key=SecretStr("sk-test")))
    assert profiled.context_window > 100_000
    assert adapter().count_tokens("12345678") == 2


@pytest.mark.parametrize(
    ("model_class", "expected"),
    [
        ("langchain_openai:ChatOpenAI", {"temperature": 0.3, "top_p": 0.9, "max_tokens": 64, "seed": 7}),
        ("langchain_anthropic:ChatAnthropic", {"temperature": 0.3, "top_p": 0.9, "top_k": 20, "max_tokens": 64}),
        (
            "langchain_ollama:ChatOllama",
            {"temperature": 0.3, "top_p": 0.9, "top_k": 20, "num_predict": 64, "repeat_penalty": 1.1, "seed": 7},
        ),
    ],
)
def test_settings_map_onto_each_providers_fields(model_class: str, expected: dict[str, object]) -> None:
    module, name = model_class.split(":")
    cls = getattr(pytest.importorskip(module), name)
    settings = GenerationSettings(temperature=0.3, top_p=0.9, top_k=20, max_tokens=64, repeat_penalty=1.1, seed=7)
    assert settings_to_fields(settings, cls) == expected


def test_unset_settings_keep_the_backend_default() -> None:
    from langchain_ollama import ChatOllama

    fields = settings_to_fields(GenerationSettings(top_p=None, top_k=None, seed=None), ChatOllama)
    assert fields == {"temperature": 0.0, "num_predict": 256}
