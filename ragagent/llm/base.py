"""The LLM protocol every model adapter implements, and the generation settings they honour.

Two methods. A prompt is either a completion-style string (for base models) or a conversation, a tuple
of :class:`Message` (for instruct models, rendered through the model's chat template). Every model takes
both shapes; :func:`prompt_style` says which one a model is best prompted with, and the modes build
their prompt accordingly (see ``rag/prompt.py``, ``react/prompt.py`` and ``pal.py``):

>>> class Echo:
...     def complete(self, prompt, *, stop=(), settings=None):
...         return Completion(text=prompt[-5:], usage=Usage(len(prompt), 5, 1))
...     def stream(self, prompt, *, stop=(), settings=None):
...         yield prompt[-5:]

Models that know their context window and can count tokens also implement :class:`TokenCounter`;
callers ask through :func:`context_window_of` so any ``LLM`` (fakes included) works.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from ragagent.options import GenerationSettings
from ragagent.types import Usage

__all__ = ["GenerationSettings"]  # re-exported: its home is ragagent.options

DEFAULT_CONTEXT_WINDOW = 2048  # what callers assume of a model that does not say


Role = Literal["system", "user", "assistant"]
PromptStyle = Literal["completion", "chat"]


@dataclass(frozen=True, slots=True)
class Message:
    """One turn of a conversation prompt."""

    role: Role
    content: str


Prompt = str | tuple[Message, ...]


def prompt_text(prompt: Prompt) -> str:
    """The prompt as plain text: a string as is, a conversation as role-labelled turns (for counting, traces)."""
    if isinstance(prompt, str):
        return prompt
    return "".join(f"{m.role}: {m.content}\n\n" for m in prompt)


@dataclass(frozen=True, slots=True)
class Completion:
    """The text a model produced (stop sequence excluded) and what it cost."""

    text: str
    usage: Usage
    finish_reason: str | None = None


@runtime_checkable
class LLM(Protocol):
    """A language model. ``stop`` sequences end generation and are not included in the text."""

    def complete(
        self, prompt: Prompt, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Completion: ...

    def stream(
        self, prompt: Prompt, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Iterator[str]: ...


@runtime_checkable
class StyleAware(Protocol):
    """A model that says how it is best prompted (instruct models: ``"chat"``)."""

    @property
    def prompt_style(self) -> PromptStyle: ...


def prompt_style(llm: object) -> PromptStyle:
    """``"chat"`` for models that declare it, else ``"completion"`` (fakes and base models)."""
    return llm.prompt_style if isinstance(llm, StyleAware) else "completion"


@runtime_checkable
class TokenCounter(Protocol):
    """What the RAG packer needs from a model, if it can tell: its context window and a token count.

    Local llama.cpp models count with their real tokenizer; remote models estimate.
    """

    @property
    def context_window(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...


def context_window_of(llm: object, default: int = DEFAULT_CONTEXT_WINDOW) -> int:
    """The model's context window in tokens, or ``default`` if it does not say."""
    return llm.context_window if isinstance(llm, TokenCounter) else default


def estimate_tokens(text: str) -> int:
    """A rough token count (about four characters per token) for models without a local tokenizer."""
    return (len(text) + 3) // 4
