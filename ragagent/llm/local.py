"""In-process GGUF models run by ``llama-cpp-python``: the named ``local`` models and ``llamacpp:<path>``.

A string prompt goes to ``create_completion`` (base models, prompted few-shot with stop sequences); a
conversation (a tuple of :class:`~ragagent.llm.base.Message`) goes to ``create_chat_completion``, which
renders it with the chat template embedded in the GGUF file. ``prompt_style`` is ``"chat"`` for instruct
models (the catalog says so for named models; a ``llamacpp:`` file is "chat" when its header carries a chat
template), so the modes send those a conversation. A model file is loaded once per process and shared:
:func:`load_llama` caches the ``llama_cpp.Llama`` by (path, n_ctx, n_threads). One call runs at a time per
loaded model (llama.cpp state is not thread-safe); a stream holds the model until it is exhausted or closed.

All six generation settings map one to one onto ``create_completion`` (``None`` = llama.cpp's default).
llama.cpp reuses the KV cache of a prompt prefix shared with the previous call (a big saving for ReAct
loops); that can change low-order float bits, so a seed reproduces a *sampled* (temperature > 0) run only
from the same cache state (``model.reset()`` gives one). Temperature 0 is the reproducible mode.
Threads default to the available cores (at most 4); on a busy 2-core machine 1 thread can be faster.

>>> llm = LlamaCppLLM(local_model_path())                         # doctest: +SKIP
>>> llm.complete("Q: 2+2?\\nA:", stop=["\\n"]).text               # doctest: +SKIP
' 4'
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ragagent.errors import ConfigError, LLMError, ProviderNotInstalledError
from ragagent.llm.base import Completion, GenerationSettings, Message, Prompt, PromptStyle, prompt_text
from ragagent.llm.prompt_cache import PromptCache
from ragagent.types import Usage

DEFAULT_N_CTX = 4096


@dataclass(frozen=True)
class LoadedModel:
    """A ``llama_cpp.Llama`` and the lock that serialises calls into it."""

    llama: Any
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)
    head: dict[str, str] = field(default_factory=dict, compare=False)  # "key": the head the state holds


def default_threads() -> int:
    """Threads for llama.cpp: the cores available, at most 4 (a 270M model gains nothing beyond)."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, available))


def llama_cpp_module() -> ModuleType:
    """``llama_cpp``, or a ProviderNotInstalledError naming the pip extra."""
    try:
        return importlib.import_module("llama_cpp")
    except ImportError as error:
        raise ProviderNotInstalledError(
            "llama-cpp-python is not installed: pip install 'ragagent[local]' "
            "(or pip install llama-cpp-python)"
        ) from error


_load_lock = threading.Lock()


def load_llama(path: Path, n_ctx: int, n_threads: int) -> LoadedModel:
    """The process-wide loaded model for this file and context size (loaded on first use)."""
    if not path.is_file():
        raise ConfigError(f"model file not found: {path}")
    with _load_lock:
        return _load_cached(str(path.resolve()), n_ctx, n_threads)


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, n_ctx: int, n_threads: int) -> LoadedModel:
    llama_cpp = llama_cpp_module()
    try:
        llama = llama_cpp.Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, seed=0, verbose=False)
    except ValueError as error:  # llama.cpp's way of saying "not a loadable GGUF"
        raise ConfigError(f"cannot load model file {path}: {error}") from error
    return LoadedModel(llama)


class LlamaCppLLM:
    """Our LLM protocol (and ``TokenCounter``) over a GGUF file run in-process by llama.cpp."""

    def __init__(
        self,
        model_path: str | Path,
        *,
        n_ctx: int = DEFAULT_N_CTX,
        settings: GenerationSettings | None = None,
        n_threads: int | None = None,
        chat: bool | None = None,
    ) -> None:
        self.model_path = Path(model_path).expanduser()
        self.settings = settings or GenerationSettings()
        self._loaded = load_llama(self.model_path, n_ctx, n_threads or default_threads())
        self._cache = PromptCache(self.model_path, n_ctx) if PromptCache.enabled() else None
        if chat is None:
            chat = bool(getattr(self.model, "metadata", {}).get("tokenizer.chat_template"))
        self._style: PromptStyle = "chat" if chat else "completion"

    @property
    def prompt_style(self) -> PromptStyle:
        """``"chat"``: the modes send conversations (rendered with the GGUF's template); else plain text."""
        return self._style

    @property
    def model(self) -> Any:
        """The shared ``llama_cpp.Llama``."""
        return self._loaded.llama

    @property
    def context_window(self) -> int:
        return int(self.model.n_ctx())

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` under the model's own tokenizer (no BOS)."""
        return len(self.model.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def complete(
        self, prompt: Prompt, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Completion:
        kwargs = self._call_kwargs(prompt, stop, settings)
        with self._loaded.lock:
            if isinstance(prompt, str):
                result = self.model.create_completion(prompt, stream=False, **kwargs)
            else:
                cold = self._warm(prompt)
                result = self.model.create_chat_completion(_messages(prompt), stream=False, **kwargs)
                self._keep(cold)
        choice, usage = result["choices"][0], result["usage"]
        text = choice["text"] if isinstance(prompt, str) else choice["message"]["content"] or ""
        return Completion(
            text=text,
            usage=Usage(usage["prompt_tokens"], usage["completion_tokens"], 1),
            finish_reason=choice.get("finish_reason"),
        )

    def stream(
        self, prompt: Prompt, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Iterator[str]:
        kwargs = self._call_kwargs(prompt, stop, settings)
        with self._loaded.lock:
            if isinstance(prompt, str):
                for chunk in self.model.create_completion(prompt, stream=True, **kwargs):
                    if piece := chunk["choices"][0]["text"]:
                        yield piece
                return
            cold = self._warm(prompt)
            for chunk in self.model.create_chat_completion(_messages(prompt), stream=True, **kwargs):
                if piece := chunk["choices"][0]["delta"].get("content"):
                    yield piece
            self._keep(cold)

    def _warm(self, prompt: Sequence[Message]) -> str | None:
        """Restore the saved state of this conversation's head (:mod:`~ragagent.llm.prompt_cache`) unless the
        model already holds it; returns the head's key when there was none to restore (save after the call)."""
        if self._cache is None or len(prompt) < 2:
            return None
        llama_cpp = llama_cpp_module()
        key = self._cache.key(_messages(prompt[:-1]), str(getattr(llama_cpp, "__version__", "")))
        if self._loaded.head.get("key") == key and self.model.n_tokens > 0:
            return None
        self._loaded.head["key"] = key
        return None if self._cache.restore(self.model, llama_cpp, key) else key

    def _keep(self, key: str | None) -> None:
        if key is not None and self._cache is not None:
            self._cache.save(self.model, llama_cpp_module(), key)

    def _call_kwargs(
        self, prompt: Prompt, stop: Sequence[str], settings: GenerationSettings | None
    ) -> dict[str, Any]:
        self._check_fits(prompt)
        s = settings or self.settings
        optional = {"top_p": s.top_p, "top_k": s.top_k, "repeat_penalty": s.repeat_penalty, "seed": s.seed}
        kwargs = {k: v for k, v in optional.items() if v is not None}
        return {"stop": list(stop), "max_tokens": s.max_tokens, "temperature": s.temperature, **kwargs}

    def _check_fits(self, prompt: Prompt) -> None:
        # + BOS; a conversation also pays a few template tokens per message
        used = self.count_tokens(prompt_text(prompt)) + 1 + (0 if isinstance(prompt, str) else 6 * len(prompt))
        if used >= self.context_window:
            raise LLMError(
                f"prompt of {used} tokens does not fit the context window of {self.context_window} "
                f"({self.model_path.name})"
            )


def _messages(prompt: Sequence[Message]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in prompt]
