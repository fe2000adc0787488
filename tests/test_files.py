"""write_atomically: the new content or the old, never a partial file or a stray temporary."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragagent.files import write_atomically


@pytest.mark.parametrize("fsync", [True, False])
def test_text_and_bytes_replace_the_file_whole(tmp_path: Path, fsync: bool) -> None:
    target = tmp_path / "state.json"
    target.write_text("old")
    write_atomically(target, "new ✓", fsync=fsync)
    assert target.read_text(encoding="utf-8") == "new ✓"
    write_atomically(target, b"\x00\x01", fsync=fsync)
    assert target.read_bytes() == b"\x00\x01" and [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_failed_rename_keeps_the_old_content_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "kept.txt").write_text("old")
    with pytest.raises(OSError):
        write_atomically(target, "new")
    assert (target / "kept.txt").read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["taken"]
