"""Control characters from model output or sandboxed programs are shown, never interpreted by the terminal."""

from __future__ import annotations

import pytest

from ragagent.cli.render import trace_lines, visible
from ragagent.types import Step


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),  # OSC 52: write the user's clipboard
        ("progress\rDONE", "progress\\x0dDONE"),  # CR: overwrite what was printed
        ("file\u202etxt.exe", "file\\u202etxt.exe"),  # right-to-left override
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("keep\ttabs\nand lines é ✓ 数", "keep\ttabs\nand lines é ✓ 数"),
    ],
)
def test_visible_escapes_only_what_acts_on_a_terminal(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_trace_shows_program_output_and_errors_visibly() -> None:
    step = Step(
        thought="",
        action="python",
        args={"code": "print('\\x1b[2J')"},
        observation="\x1b[2Jcleared",
        error="ValueError: \x1b]52;c;eA==\x07",
    )
    text = "\n".join(trace_lines([step]))
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2Jcleared" in text and "\\x1b]52;c;eA==\\x07" in text
