"""Stop sequences enforced client-side, including ones split across streamed pieces."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ragagent.llm.stops import cut_at_stop, stop_stream


def test_cut_at_the_earliest_of_several_stops() -> None:
    assert cut_at_stop("a. b\nQ: c\n\nd", ["\n\n", "\nQ:"]) == ("a. b", True)
    assert cut_at_stop("no stop here", ["\nQ:", ""]) == ("no stop here", False)
    assert cut_at_stop("", ["x"]) == ("", False)


@pytest.mark.parametrize(
    "pieces",
    [
        ["The answer", " is 4.", "\nQuestion:", " more"],
        ["The answer is 4.\nQ", "uestion: more"],
        ["The answer is 4.", "\n", "Q", "u", "estion", ": more"],
        ["The answer is 4.\nQuestion: more"],
    ],
)
def test_stream_stops_however_the_stop_sequence_is_split(pieces: list[str]) -> None:
    assert "".join(stop_stream(pieces, ["\nQuestion:"])) == "The answer is 4."


def test_stream_releases_a_false_start_of_a_stop_sequence() -> None:
    pieces = ["x\nQues", "t is not it", "\n"]
    assert "".join(stop_stream(pieces, ["\nQuestion:"])) == "x\nQuest is not it\n"


def test_stream_without_stops_passes_pieces_unchanged() -> None:
    assert list(stop_stream(["a", "b"], [])) == ["a", "b"]


def test_stream_holds_back_only_a_possible_stop_prefix() -> None:
    assert list(stop_stream(["abc\n", "Qdef"], ["\nQuestion:"])) == ["abc", "\nQdef"]


def test_upstream_stream_is_closed_at_the_stop() -> None:
    closed = []

    def upstream() -> Iterator[str]:
        try:
            yield from ["ok", " STOP", " never"]
        finally:
            closed.append(True)

    assert list(stop_stream(upstream(), [" STOP"])) == ["ok"]
    assert closed == [True]
