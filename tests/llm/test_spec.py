"""Spec strings: every form parses to the right backend; every bad form is a clear ConfigError."""

from __future__ import annotations

import re

import pytest

from ragagent.errors import ConfigError
from ragagent.llm.spec import ModelSpec, parse_spec


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("local", ModelSpec("local", "")),
        ("  local ", ModelSpec("local", "")),
        ("llamacpp:/models/qwen.gguf", ModelSpec("llamacpp", "/models/qwen.gguf")),
        ("llamacpp:C:\\models\\qwen.gguf", ModelSpec("llamacpp", "C:\\models\\qwen.gguf")),
        ("openai:gpt-4o-mini", ModelSpec("openai", "gpt-4o-mini")),
        ("OpenAI:gpt-4o-mini", ModelSpec("openai", "gpt-4o-mini")),
        ("anthropic:claude-3-5-haiku-latest", ModelSpec("anthropic", "claude-3-5-haiku-latest")),
        ("ollama:llama3.1:8b", ModelSpec("ollama", "llama3.1:8b")),
        ("ollama:llama3.1@http://gpu-box:11434", ModelSpec("ollama", "llama3.1", "http://gpu-box:11434")),
        ("openai:gpt-4o@https://proxy.example/v1", ModelSpec("openai", "gpt-4o", "https://proxy.example/v1")),
        (
            "openai-compatible:qwen2.5@http://127.0.0.1:8080/v1",
            ModelSpec("openai-compatible", "qwen2.5", "http://127.0.0.1:8080/v1"),
        ),
        (  # '@' inside a model name is kept: only '@http(s)://' starts the URL
            "openai-compatible:claude@2024@http://127.0.0.1:8080/v1",
            ModelSpec("openai-compatible", "claude@2024", "http://127.0.0.1:8080/v1"),
        ),
        ("anthropic:claude@20240229", ModelSpec("anthropic", "claude@20240229")),
    ],
)
def test_every_spec_form_parses(spec: str, expected: ModelSpec) -> None:
    assert parse_spec(spec) == expected


def test_base_url_argument_is_the_same_as_the_suffix() -> None:
    by_arg = parse_spec("openai-compatible:qwen", base_url="http://127.0.0.1:8080/v1")
    assert by_arg == parse_spec("openai-compatible:qwen@http://127.0.0.1:8080/v1")
    assert parse_spec("ollama:x@http://h:1/", base_url="http://h:1").base_url == "http://h:1/"


@pytest.mark.parametrize(
    ("spec", "base_url", "message"),
    [
        ("", None, "bad model spec ''"),
        ("gpt-4o", None, "expected 'local', 'local:<name>', 'llamacpp:<path.gguf>'"),
        ("local:", None, "expected a model name"),
        ("cohere:command-r", None, "unknown model provider 'cohere'"),
        ("openai:", None, "names no model"),
        ("llamacpp:", None, "expected a .gguf path"),
        ("openai:@http://127.0.0.1:1/v1", None, "names no model"),
        ("openai-compatible:qwen", None, "needs a server URL"),
        ("openai-compatible:qwen@127.0.0.1:8080", None, "needs a server URL"),
        ("openai-compatible:qwen", "ftp://127.0.0.1/v1", "bad server URL 'ftp://127.0.0.1/v1'"),
        ("openai-compatible:qwen@http://", None, "bad server URL 'http://'"),
        ("openai-compatible:q@http://a:1/v1", "http://b:2/v1", "two server URLs"),
        ("local", "http://127.0.0.1:8080", "take no base_url"),
        ("llamacpp:/m.gguf", "http://127.0.0.1:8080", "take no base_url"),
    ],
)
def test_bad_specs_are_config_errors(spec: str, base_url: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_spec(spec, base_url=base_url)
