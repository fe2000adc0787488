"""The LLM protocol every model adapter implements, and the generation settings they honour.

Two methods, both completion-style (our default model is a small *base* model):

>>> class Echo:
...     def complete(self, prompt, *, stop=(), settings=None):
...         return Completion(text=prompt[-5:], usage=Usage(len(prompt), 5, 1))
...     def stream(self, prompt, *, stop=(), settings=None):
...         yield prompt[-5:]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ragagent.types import Usage


@dataclass(frozen=True, slots=True)
class GenerationSettings:
    """Sampling settings passed to every call (None = the backend's default)."""

    temperature: float = 0.0
    top_p: float | None = None
    top_k: int | None = None
    max_tokens: int = 256
    repeat_penalty: float | None = None
    seed: int | None = 0


@dataclass(frozen=True, slots=True)
class Completion:
    """The text a model produced (stop sequence excluded) and what it cost."""

    text: str
    usage: Usage
    finish_reason: str | None = None


@runtime_checkable
class LLM(Protocol):
    """A text-completion model. ``stop`` sequences end generation and are not included in the text."""

    def complete(
        self, prompt: str, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Completion: ...

    def stream(
        self, prompt: str, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Iterator[str]: ...
