"""A streamed answer: iterate for text pieces; the final :class:`Answer` is available afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ragagent.types import Answer


class AnswerStream:
    """Iterate for text as it is generated; ``answer`` holds the final :class:`Answer` afterwards.

    >>> stream = AnswerStream(iter(["Hel", "lo"]), lambda: Answer("q", "Hello", "rag"))
    >>> "".join(stream), stream.answer.text
    ('Hello', 'Hello')
    """

    def __init__(self, pieces: Iterator[str], finish: Callable[[], Answer]) -> None:
        self._pieces = pieces
        self._finish = finish
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        yield from self._pieces
        self._answer = self._finish()

    @property
    def answer(self) -> Answer:
        """The final answer (consumes the rest of the stream first if needed)."""
        if self._answer is None:
            for _ in self:
                pass
        assert self._answer is not None
        return self._answer
