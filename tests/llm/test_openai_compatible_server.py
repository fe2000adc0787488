"""End to end: a real ``llama_cpp.server`` on 127.0.0.1 serving Gemma, reached through our
``openai-compatible:`` spec and the real LangChain ``ChatOpenAI`` client (dummy key)."""

from __future__ import annotations

import pytest

from ragagent.llm import GenerationSettings, LangChainLLM, load_llm

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SETTINGS = GenerationSettings(temperature=0.0, max_tokens=24, top_k=40, repeat_penalty=1.05, seed=1)


def test_complete_through_the_server(llama_server: str) -> None:
    llm = load_llm(f"openai-compatible:gemma@{llama_server}", settings=SETTINGS, timeout_s=120, max_retries=0)
    assert isinstance(llm, LangChainLLM)
    completion = llm.complete("Q: What is the capital of France?\nA:", stop=["\nQ:"])
    assert completion.text.strip()
    assert "\nQ:" not in completion.text
    assert completion.usage.prompt_tokens > 0
    assert 0 < completion.usage.completion_tokens <= SETTINGS.max_tokens  # max_tokens reached the server


def test_stream_through_the_server(llama_server: str) -> None:
    llm = load_llm("openai-compatible:gemma", base_url=llama_server, settings=SETTINGS, timeout_s=120)
    pieces = list(llm.stream("Write a list of fruits: apple, banana,"))
    assert len(pieces) > 1
    assert "".join(pieces).strip()

