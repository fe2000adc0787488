"""SentenceStream: live pieces that always add up to the final text, markers included."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ragagent.rag.streaming import SentenceStream


def _marked(sentence: str) -> str:
    text = " ".join(sentence.split())
    if "banana" in text:
        return text  # not attributed
    return (f"{text[:-1]} [1]{text[-1]}" if text[-1:] in ".!?" else f"{text} [1]").strip()


def _run(pieces: list[str], finish: object = _marked) -> tuple[list[str], SentenceStream]:
    stream = SentenceStream(finish)  # type: ignore[arg-type]
    out = [p for piece in pieces for p in stream.feed(piece)]
    out += list(stream.close())
    return out, stream


def test_markers_go_before_the_full_stop_and_words_stream_live() -> None:
    out, stream = _run([" The", " model", " was introduced in 2017.", " A banana", " is yellow."])
    assert "".join(out) == stream.text == "The model was introduced in 2017 [1]. A banana is yellow."
    assert out[:2] == ["The", " model"]  # not held back until the sentence ends


def test_a_final_form_contradicting_what_was_shown_falls_back_to_plain() -> None:
    out, stream = _run(["First part", " second part."], finish=lambda s: "Rewritten entirely.")
    assert "".join(out) == stream.text == "First part second part." and stream.finished == []


@given(st.lists(st.text(alphabet="ab .!?\n[]1A", max_size=12), max_size=12))
def test_pieces_always_concatenate_to_the_text(pieces: list[str]) -> None:
    out, stream = _run(pieces)
    assert "".join(out) == stream.text
    assert not stream.text.startswith(" ") and not re.search(r"\n", stream.text)


def test_markers_wait_for_the_sentence_end_so_a_corrected_number_can_be_shown() -> None:
    out, stream = _run([" Written by Lind", " [2],", " born in", " Tampere [2].", " Next"],
                       finish=lambda s: " ".join(s.split()).replace("Tampere [2]", "Tampere [3]"))
    assert "".join(out) == stream.text == "Written by Lind [2], born in Tampere [3]. Next"
    assert out[0] == "Written by Lind" and not any("[" in p for p in out[:-2])  # nothing after "[" until the end
    assert [s.strip() for s in stream.finished] == ["Written by Lind [2], born in Tampere [2].", "Next"]
