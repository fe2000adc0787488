"""Remote providers through the real LangChain clients, offline: missing extras and keys, unreachable
servers, and a scripted OpenAI-compatible server on 127.0.0.1 that records what the client sent."""

from __future__ import annotations

import sys
import time

import pytest

from ragagent.errors import (
    ConfigError,
    LLMConnectionError,
    LLMError,
    MissingCredentialsError,
    ProviderNotInstalledError,
)
from ragagent.llm import GenerationSettings, LangChainLLM, load_llm
from tests.llm.fake_openai_server import FakeOpenAIServer, Reply


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-anthropic")


@pytest.mark.parametrize(
    ("spec", "module", "package"),
    [
        ("openai:gpt-4o-mini", "langchain_openai", "langchain-openai"),
        ("openai-compatible:m@http://127.0.0.1:9/v1", "langchain_openai", "langchain-openai"),
        ("anthropic:claude-3-5-haiku-latest", "langchain_anthropic", "langchain-anthropic"),
        ("ollama:llama3.1", "langchain_ollama", "langchain-ollama"),
    ],
)
def test_missing_integration_names_the_pip_extra(
    spec: str, module: str, package: str, keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(ProviderNotInstalledError, match=r"pip install 'ragagent\[providers\]'") as info:
        load_llm(spec)
    assert package in str(info.value)


@pytest.mark.parametrize(("spec", "variable"), [("openai:gpt-4o-mini", "OPENAI_API_KEY"),
                                                ("anthropic:claude-3-5-haiku-latest", "ANTHROPIC_API_KEY")])
def test_missing_key_names_the_variable(spec: str, variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(MissingCredentialsError, match=f"set {variable}"):
        load_llm(spec)
    monkeypatch.setenv(variable, "")
    with pytest.raises(MissingCredentialsError, match=variable):
        load_llm(spec)


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama", "openai-compatible"])
def test_unreachable_server_names_its_url_quickly(provider: str, closed_port: int, keys: None) -> None:
    url = f"http://127.0.0.1:{closed_port}" + ("/v1" if provider.startswith("openai") else "")
    llm = load_llm(f"{provider}:some-model@{url}", max_retries=0, timeout_s=5)
    started = time.monotonic()
    with pytest.raises(LLMConnectionError, match=f"cannot reach the model server at {url}"):
        llm.complete("hello")
    with pytest.raises(LLMConnectionError, match=url):
        list(llm.stream("hello"))
    assert time.monotonic() - started < 5


def test_unreachable_server_is_retried_with_backoff(closed_port: int) -> None:
    llm = load_llm(f"openai-compatible:m@http://127.0.0.1:{closed_port}/v1", max_retries=1)
    started = time.monotonic()
    with pytest.raises(LLMConnectionError):
        llm.complete("hello")
    assert time.monotonic() - started >= 0.25  # one backoff of 0.5 s with jitter in [0.5, 1]


def test_compatible_server_gets_settings_stop_and_no_openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-never-sent")
    settings = GenerationSettings(temperature=0.2, top_p=0.9, top_k=30, max_tokens=40, repeat_penalty=1.2,
                                  seed=5)
    with FakeOpenAIServer([Reply(text="Paris\nQ: next", usage=(12, 3))]) as server:
        llm = load_llm(f"openai-compatible:gemma@{server.base_url}", settings=settings)
        completion = llm.complete("Q: capital of France?\nA:", stop=["\nQ:"])
    body, headers = server.requests[0].body, server.requests[0].headers
    assert completion.text == "Paris"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (12, 3)
    assert body["model"] == "gemma"
    assert body["stop"] == ["\nQ:"]
    assert body["messages"] == [{"role": "user", "content": "Q: capital of France?\nA:"}]
    expected = {"temperature": 0.2, "top_p": 0.9, "seed": 5, "max_completion_tokens": 40, "max_tokens": 40,
                "top_k": 30, "repeat_penalty": 1.2}
    assert {k: body.get(k) for k in expected} == expected
    assert headers["authorization"] == "Bearer sk-no-key-required"


def test_compatible_server_key_comes_from_its_own_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGAGENT_OPENAI_COMPATIBLE_API_KEY", "sk-local")
    with FakeOpenAIServer([Reply()]) as server:
        load_llm("openai-compatible:m", base_url=server.base_url).complete("x")
    assert server.requests[0].headers["authorization"] == "Bearer sk-local"


def test_openai_drops_settings_it_does_not_have(keys: None) -> None:
    settings = GenerationSettings(top_k=30, repeat_penalty=1.2)
    with FakeOpenAIServer([Reply()]) as server:
        load_llm(f"openai:gpt-4o-mini@{server.base_url}", settings=settings).complete("x")
    body = server.requests[0].body
    assert "top_k" not in body and "repeat_penalty" not in body and "max_tokens" not in body
    assert body["max_completion_tokens"] == 256
    assert server.requests[0].headers["authorization"] == "Bearer sk-test-openai"


def test_server_errors_are_retried_and_refusals_are_not() -> None:
    with FakeOpenAIServer([Reply(status=503, text="busy"), Reply(text="ok")]) as server:
        assert load_llm(f"openai-compatible:m@{server.base_url}", max_retries=1).complete("x").text == "ok"
    assert len(server.requests) == 2
    with FakeOpenAIServer([Reply(status=401, text="bad key")]) as server:
        llm = load_llm(f"openai-compatible:m@{server.base_url}", max_retries=2)
        with pytest.raises(LLMError, match=f"{server.base_url} failed the request") as info:
            llm.complete("x")
    assert not isinstance(info.value, LLMConnectionError)
    assert len(server.requests) == 1


def test_slow_server_times_out_with_a_clear_error() -> None:
    with FakeOpenAIServer([Reply(delay_s=2.0)]) as server:
        llm = load_llm(f"openai-compatible:m@{server.base_url}", timeout_s=0.5, max_retries=0)
        with pytest.raises(LLMConnectionError, match=r"no answer from the model server at .* within 0\.5s"):
            llm.complete("x")


def test_ollama_context_window_is_sent_as_num_ctx() -> None:
    llm = load_llm("ollama:llama3.1@http://127.0.0.1:9", n_ctx=8192)
    assert isinstance(llm, LangChainLLM)
    assert llm.context_window == 8192
    assert llm.model.num_ctx == 8192  # type: ignore[attr-defined]


@pytest.mark.parametrize("kwargs", [{"timeout_s": 0}, {"max_retries": -1}, {"n_ctx": 1}])
def test_bad_arguments_are_config_errors(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        load_llm("openai-compatible:m@http://127.0.0.1:9/v1", **kwargs)  # type: ignore[arg-type]
