"""Any LangChain language model (chat model or text LLM) behind our :class:`~ragagent.llm.base.LLM` protocol.

A chat model receives a completion-style prompt as one user message and a conversation as its messages
(``prompt_style="chat"`` makes the modes send conversations). Generation settings become the model's own
fields for each call (a cheap ``model_copy``), so the wrapped model is never mutated:

==================  =====================================================  ==========================
setting             LangChain field (first one the model class declares)   e.g. ignored by
==================  =====================================================  ==========================
temperature         ``temperature``
top_p               ``top_p``
top_k               ``top_k``                                              ChatOpenAI
max_tokens          ``max_tokens`` / ``num_predict`` (Ollama)
repeat_penalty      ``repeat_penalty`` / ``repetition_penalty``            ChatOpenAI, ChatAnthropic
seed                ``seed``                                               ChatAnthropic
==================  =====================================================  ==========================

A setting the model lacks is skipped without error; ``None`` keeps the backend's default.
Stop sequences go to the server and are enforced again here. Calls are retried (connecting and the
first streamed piece only) by a :class:`~ragagent.llm.retry.RetryPolicy`; an :class:`ErrorMap` turns
the provider's exceptions into ``LLMConnectionError`` / ``LLMError`` and lets everything else (bugs)
propagate.

>>> from langchain_core.language_models import FakeListChatModel
>>> llm = LangChainLLM(FakeListChatModel(responses=["Paris.\\nQ: and Spain?"]))
>>> llm.complete("Q: capital of France?\\nA:", stop=["\\nQ:"]).text
'Paris.'
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseLanguageModel
from langchain_core.messages import AIMessage

from ragagent.errors import LLMConnectionError, LLMError
from ragagent.llm.base import (
    DEFAULT_CONTEXT_WINDOW,
    Completion,
    GenerationSettings,
    Prompt,
    PromptStyle,
    estimate_tokens,
    prompt_text,
)
from ragagent.llm.retry import RetryPolicy, call_with_retries
from ragagent.llm.stops import cut_at_stop, stop_stream
from ragagent.types import Usage

SettingsMapper = Callable[[GenerationSettings], dict[str, Any]]

_FIELD_CANDIDATES: dict[str, tuple[str, ...]] = {
    "temperature": ("temperature",),
    "top_p": ("top_p",),
    "top_k": ("top_k",),
    "max_tokens": ("max_tokens", "num_predict"),
    "repeat_penalty": ("repeat_penalty", "repetition_penalty"),
    "seed": ("seed",),
}


def settings_to_fields(settings: GenerationSettings, model_class: type[Any]) -> dict[str, Any]:
    """The model-class fields that express ``settings``; unset or unsupported settings are left out."""
    declared = getattr(model_class, "model_fields", {})
    fields: dict[str, Any] = {}
    for setting, names in _FIELD_CANDIDATES.items():
        value = getattr(settings, setting)
        name = next((n for n in names if n in declared), None)
        if value is not None and name is not None:
            fields[name] = value
    return fields


@dataclass(frozen=True, slots=True)
class ErrorMap:
    """Which provider exceptions mean "unreachable", "too slow" (a subset) and "failed the request"."""

    endpoint: str
    connection: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)
    timeout: tuple[type[BaseException], ...] = (TimeoutError,)
    api: tuple[type[BaseException], ...] = ()
    timeout_s: float | None = None

    def translate(self, error: BaseException) -> LLMError:
        if isinstance(error, self.timeout):
            within = f" within {self.timeout_s:g}s" if self.timeout_s else ""
            return LLMConnectionError(f"no answer from the model server at {self.endpoint}{within}: {error}")
        if isinstance(error, self.connection):
            return LLMConnectionError(f"cannot reach the model server at {self.endpoint}: {error}")
        return LLMError(f"the model server at {self.endpoint} failed the request: {error}")


class LangChainLLM:
    """Our LLM protocol over a LangChain ``BaseChatModel`` or ``BaseLLM``; see the module docstring."""

    def __init__(
        self,
        model: BaseLanguageModel[Any],
        *,
        settings: GenerationSettings | None = None,
        map_settings: SettingsMapper | None = None,
        retry: RetryPolicy | None = None,
        errors: ErrorMap | None = None,
        context_window: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        prompt_style: PromptStyle = "completion",
    ) -> None:
        self.model = model
        self.settings = settings or GenerationSettings()
        self._map = map_settings or (lambda s: settings_to_fields(s, type(model)))
        self._retry = retry or RetryPolicy()
        self._errors = errors or ErrorMap(endpoint=type(model).__name__)
        self._context_window = context_window or _profile_window(model) or DEFAULT_CONTEXT_WINDOW
        self._sleep = sleep
        self._style = prompt_style

    @property
    def prompt_style(self) -> PromptStyle:
        """Which prompts the modes build for this model (``"completion"`` unless the caller chose ``"chat"``)."""
        return self._style

    @property
    def context_window(self) -> int:
        return self._context_window

    def count_tokens(self, text: str) -> int:
        """An estimate: remote tokenizers are not available offline."""
        return estimate_tokens(text)

    def complete(
        self, prompt: Prompt, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Completion:
        model = self._configured(settings)
        with self._translated():
            result = call_with_retries(lambda: model.invoke(_input(prompt), stop=list(stop) or None),
                                       self._retry, sleep=self._sleep)
        text, stopped = cut_at_stop(_text_of(result), stop)
        return Completion(text, _usage(result, prompt_text(prompt), text),
                          "stop" if stopped else _finish_reason(result))

    def stream(
        self, prompt: Prompt, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Iterator[str]:
        model = self._configured(settings)

        def start() -> Iterator[Any]:
            chunks = iter(model.stream(_input(prompt), stop=list(stop) or None))
            first = next(chunks, None)  # connection errors surface here, where a retry is still safe
            return itertools.chain(() if first is None else (first,), chunks)

        with self._translated():
            chunks = call_with_retries(start, self._retry, sleep=self._sleep)
            pieces = (_text_of(chunk) for chunk in chunks)
            yield from (piece for piece in stop_stream(pieces, stop) if piece)

    def _configured(self, settings: GenerationSettings | None) -> BaseLanguageModel[Any]:
        fields = self._map(settings or self.settings)
        return self.model.model_copy(update=fields) if fields else self.model

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except self._errors.connection + self._errors.timeout + self._errors.api as error:
            raise self._errors.translate(error) from error


def _input(prompt: Prompt) -> Any:
    """A string as is; a conversation as LangChain ``(role, content)`` tuples (text LLMs join them)."""
    return prompt if isinstance(prompt, str) else [(m.role, m.content) for m in prompt]


def _text_of(result: Any) -> str:
    return result if isinstance(result, str) else str(result.text)


def _usage(result: Any, prompt: str, text: str) -> Usage:
    meta = result.usage_metadata if isinstance(result, AIMessage) else None
    if meta:  # providers report real counts; otherwise we estimate
        return Usage(meta["input_tokens"], meta["output_tokens"], 1)
    return Usage(estimate_tokens(prompt), estimate_tokens(text), 1)


def _finish_reason(result: Any) -> str | None:
    meta = result.response_metadata if isinstance(result, AIMessage) else {}
    for key in ("finish_reason", "stop_reason", "done_reason"):  # OpenAI, Anthropic, Ollama
        if meta.get(key):
            return str(meta[key])
    return None


def _profile_window(model: BaseLanguageModel[Any]) -> int | None:
    profile = getattr(model, "profile", None) or {}
    window = profile.get("max_input_tokens")
    return int(window) if window else None
