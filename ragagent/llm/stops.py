"""Stop sequences enforced on our side, for backends that ignore or echo them.

Servers normally stop by themselves; these helpers make the protocol's promise (the stop sequence
never appears in the text) hold for every backend, streamed or not.

>>> cut_at_stop("Answer: 42\\nQuestion:", ["\\nQuestion:"])
('Answer: 42', True)
>>> list(stop_stream(["Ans", "wer\\nQu", "estion: x"], ["\\nQuestion:"]))
['Ans', 'wer']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """The text before the earliest stop sequence, and whether one occurred."""
    cuts = [i for s in stop if s and (i := text.find(s)) >= 0]
    return (text[: min(cuts)], True) if cuts else (text, False)


def stop_stream(pieces: Iterable[str], stop: Sequence[str]) -> Iterator[str]:
    """Pass pieces through until a stop sequence appears, even one split across pieces.

    Only a tail that could still start a stop sequence is held back; the upstream iterator is
    closed when a stop sequence ends the stream (so a server stream is cancelled).
    """
    stops = [s for s in stop if s]
    iterator = iter(pieces)
    try:
        yield from _cut_pieces(iterator, stops) if stops else iterator
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def _cut_pieces(pieces: Iterator[str], stops: list[str]) -> Iterator[str]:
    buffer = ""
    for piece in pieces:
        text, found = cut_at_stop(buffer + piece, stops)
        keep = 0 if found else _pending_prefix(text, stops)
        if len(text) > keep:
            yield text[: len(text) - keep]
        if found:
            return
        buffer = text[len(text) - keep :]
    if buffer:
        yield buffer


def _pending_prefix(text: str, stops: list[str]) -> int:
    """Length of the longest end of ``text`` that is the start of some stop sequence."""
    best = 0
    for s in stops:
        for n in range(min(len(s) - 1, len(text)), best, -1):
            if text.endswith(s[:n]):
                best = n
                break
    return best
