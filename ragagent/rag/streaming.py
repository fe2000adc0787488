"""Live sentence streaming for RAG: words pass as they arrive, each sentence is finalised (cited) when it ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ragagent.rag.citations import SENTENCE_END as _SENTENCE_END  # where the verifier splits sentences

_HELD = ".!?"  # a sentence's final mark waits: a citation marker may go before it


class SentenceStream:
    """Streams a model's text live while each sentence is finalised when it ends.

    ``finish`` turns a finished sentence into its final form (whitespace collapsed, perhaps a ``[n]``
    marker before the full stop, a corrected marker). Words are passed on as they arrive; a sentence's last
    mark, trailing spaces and everything from its first ``[`` on wait for the sentence's end. Sentences are
    joined by one space. Whatever ``finish`` returns, the pieces
    yielded always concatenate to :attr:`text` (a final form that would contradict what was already
    shown is not used; that sentence keeps its plain form and is left out of :attr:`finished`).

    >>> stream = SentenceStream(lambda s: " ".join(s.split()).replace("2017.", "2017 [1]."))
    >>> pieces = [p for chunk in (" It was", " 2017.", " Yes") for p in stream.feed(chunk)] + list(stream.close())
    >>> "".join(pieces) == stream.text == "It was 2017 [1]. Yes"
    True
    """

    def __init__(self, finish: Callable[[str], str]) -> None:
        self._finish = finish
        self._pending = ""  # raw text of the sentence in progress
        self._shown = ""  # what has been yielded for it (with its leading space)
        self.text = ""  # everything yielded
        self.finished: list[str] = []  # raw sentences whose final form was used

    def feed(self, piece: str) -> Iterator[str]:
        self._pending += piece
        while (end := _SENTENCE_END.search(self._pending)) is not None:
            sentence, self._pending = self._pending[: end.start()], self._pending[end.end():]
            yield from self._complete(sentence)
        live = " ".join(self._pending.split())
        if (marker := live.find("[")) >= 0:  # markers wait for the sentence's end: they may be corrected
            live = live[:marker].rstrip()
        if live[-1:] in tuple(_HELD):
            live = live[:-1]
        if live:
            yield from self._show(self._lead() + live)

    def close(self) -> Iterator[str]:
        sentence, self._pending = self._pending, ""
        yield from self._complete(sentence)

    def _lead(self) -> str:
        """The space before the sentence in progress (none before the first)."""
        if self._shown:
            return " " if self._shown.startswith(" ") else ""
        return " " if self.text else ""

    def _show(self, target: str) -> Iterator[str]:
        if target.startswith(self._shown) and len(target) > len(self._shown):
            piece, self._shown = target[len(self._shown):], target
            self.text += piece
            yield piece

    def _complete(self, sentence: str) -> Iterator[str]:
        plain = " ".join(sentence.split())
        final = self._finish(sentence) if plain else ""
        lead = self._lead()
        if final and (lead + final).startswith(self._shown):
            self.finished.append(sentence)
            yield from self._show(lead + final)
        elif plain:
            yield from self._show(lead + plain)
        self._shown = ""
