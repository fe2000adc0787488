"""The LLM layer: one small protocol, a spec-string factory, and the adapters behind it.

>>> from ragagent.llm import load_llm, GenerationSettings       # doctest: +SKIP
>>> llm = load_llm("local", settings=GenerationSettings(max_tokens=64))  # doctest: +SKIP
>>> llm.complete("Q: What is the capital of France?\\nA:", stop=["\\n"]).text  # doctest: +SKIP
' Paris'

Specs: ``local`` | ``local:<name>`` | ``llamacpp:<path.gguf>`` | ``openai:<model>`` | ``anthropic:<model>`` |
``ollama:<model>`` | ``openai-compatible:<model>@<url>`` (details in :mod:`ragagent.llm.spec`).

Only the protocol module is imported eagerly; the factory and the adapters (which import LangChain or
llama-cpp) load on first use of their names, so ``from ragagent.llm.base import ...`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ragagent import _lazy
from ragagent.llm.base import (
    DEFAULT_CONTEXT_WINDOW,
    LLM,
    Completion,
    GenerationSettings,
    Message,
    Prompt,
    TokenCounter,
    context_window_of,
    estimate_tokens,
    prompt_style,
    prompt_text,
)

if TYPE_CHECKING:
    from ragagent.llm.assemble import local_model_path, model_cache_dir
    from ragagent.llm.catalog import CATALOG, ModelCard, best_installed, model_card
    from ragagent.llm.factory import load_llm
    from ragagent.llm.langchain_adapter import ErrorMap, LangChainLLM
    from ragagent.llm.local import LlamaCppLLM
    from ragagent.llm.retry import RetryPolicy
    from ragagent.llm.spec import ModelSpec, parse_spec

_LAZY = {
    "load_llm": "ragagent.llm.factory",
    "local_model_path": "ragagent.llm.assemble",
    "model_cache_dir": "ragagent.llm.assemble",
    "CATALOG": "ragagent.llm.catalog",
    "ModelCard": "ragagent.llm.catalog",
    "best_installed": "ragagent.llm.catalog",
    "model_card": "ragagent.llm.catalog",
    "ErrorMap": "ragagent.llm.langchain_adapter",
    "LangChainLLM": "ragagent.llm.langchain_adapter",
    "LlamaCppLLM": "ragagent.llm.local",
    "RetryPolicy": "ragagent.llm.retry",
    "ModelSpec": "ragagent.llm.spec",
    "parse_spec": "ragagent.llm.spec",
}

__all__ = [
    "CATALOG",
    "DEFAULT_CONTEXT_WINDOW",
    "LLM",
    "Completion",
    "ErrorMap",
    "GenerationSettings",
    "LangChainLLM",
    "LlamaCppLLM",
    "Message",
    "ModelCard",
    "ModelSpec",
    "Prompt",
    "RetryPolicy",
    "TokenCounter",
    "best_installed",
    "context_window_of",
    "estimate_tokens",
    "load_llm",
    "local_model_path",
    "model_cache_dir",
    "model_card",
    "parse_spec",
    "prompt_style",
    "prompt_text",
]


__getattr__ = _lazy.lazy_attributes(__name__, _LAZY, globals())
