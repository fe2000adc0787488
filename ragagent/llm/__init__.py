"""The LLM layer: one small protocol, a spec-string factory, and the adapters behind it.

>>> from ragagent.llm import load_llm, GenerationSettings       # doctest: +SKIP
>>> llm = load_llm("local", settings=GenerationSettings(max_tokens=64))  # doctest: +SKIP
>>> llm.complete("Q: What is the capital of France?\\nA:", stop=["\\n"]).text  # doctest: +SKIP
' Paris'

Specs: ``local`` | ``llamacpp:<path.gguf>`` | ``openai:<model>`` | ``anthropic:<model>`` |
``ollama:<model>`` | ``openai-compatible:<model>@<url>`` (details in :mod:`ragagent.llm.spec`).
"""

from ragagent.llm.base import (
    DEFAULT_CONTEXT_WINDOW,
    LLM,
    Completion,
    GenerationSettings,
    TokenCounter,
    context_window_of,
    estimate_tokens,
)
from ragagent.llm.factory import load_llm
from ragagent.llm.gemma import local_model_path, model_cache_dir
from ragagent.llm.langchain_adapter import ErrorMap, LangChainLLM
from ragagent.llm.local import LlamaCppLLM
from ragagent.llm.retry import RetryPolicy
from ragagent.llm.spec import ModelSpec, parse_spec

__all__ = [
    "DEFAULT_CONTEXT_WINDOW",
    "LLM",
    "Completion",
    "ErrorMap",
    "GenerationSettings",
    "LangChainLLM",
    "LlamaCppLLM",
    "ModelSpec",
    "RetryPolicy",
    "TokenCounter",
    "context_window_of",
    "estimate_tokens",
    "load_llm",
    "local_model_path",
    "model_cache_dir",
    "parse_spec",
]
