"""``load_llm``: one spec string (see :mod:`ragagent.llm.spec`) to a ready model.

>>> llm = load_llm("local")                                        # doctest: +SKIP
>>> llm = load_llm("local:qwen2.5-coder-1.5b", n_ctx=4096)         # doctest: +SKIP
>>> llm = load_llm("openai-compatible:qwen@http://127.0.0.1:8080/v1", max_retries=0)  # doctest: +SKIP
>>> fast = GenerationSettings(temperature=0.2, top_k=40)            # doctest: +SKIP
>>> llm = load_llm("ollama:llama3.1", settings=fast)              # doctest: +SKIP

Local models are loaded once per process; remote ones get ``timeout_s`` per request and up to
``max_retries`` retries with backoff. ``n_ctx`` is the context window: allocated for local models,
assumed (and sent as ``num_ctx`` to Ollama) for remote ones, where it defaults to the model's profile.
"""

from __future__ import annotations

from ragagent.errors import ConfigError
from ragagent.llm.assemble import cached_model, model_cache_dir
from ragagent.llm.base import LLM, GenerationSettings
from ragagent.llm.catalog import best_installed, model_card, require_parts
from ragagent.llm.local import DEFAULT_N_CTX, LlamaCppLLM, llama_cpp_module
from ragagent.llm.spec import parse_spec


def load_llm(
    spec: str = "local",
    *,
    settings: GenerationSettings | None = None,
    base_url: str | None = None,
    timeout_s: float = 60,
    max_retries: int = 2,
    n_ctx: int | None = None,
    n_threads: int | None = None,
) -> LLM:
    """Build the model ``spec`` names; raises ConfigError for a bad spec or argument."""
    parsed = parse_spec(spec, base_url=base_url)
    _check_numbers(timeout_s, max_retries, n_ctx)
    if parsed.provider == "llamacpp":
        llama_cpp_module()
        return LlamaCppLLM(parsed.model, n_ctx=n_ctx or DEFAULT_N_CTX, settings=settings, n_threads=n_threads)
    if parsed.provider == "local":
        card = model_card(parsed.model) if parsed.model else best_installed()
        parts = require_parts(card)  # names the extra to install
        llama_cpp_module()  # fail fast, before assembling a model file nobody can run
        path = cached_model(card, parts, model_cache_dir())
        return LlamaCppLLM(path, n_ctx=n_ctx or DEFAULT_N_CTX, settings=settings, chat=card.chat, n_threads=n_threads)
    from ragagent.llm.providers import build_remote  # imports LangChain: only for remote models

    return build_remote(
        parsed, settings=settings, timeout_s=timeout_s, max_retries=max_retries, context_window=n_ctx
    )


def _check_numbers(timeout_s: float, max_retries: int, n_ctx: int | None) -> None:
    if timeout_s <= 0:
        raise ConfigError(f"timeout_s must be > 0, got {timeout_s}")
    if max_retries < 0:
        raise ConfigError(f"max_retries must be >= 0, got {max_retries}")
    if n_ctx is not None and n_ctx < 16:
        raise ConfigError(f"n_ctx must be at least 16 tokens, got {n_ctx}")
