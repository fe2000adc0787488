"""The optional per-run cgroup, against a fake cgroup v2 directory (no machine cgroup is ever touched)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragagent.errors import SandboxError
from ragagent.sandbox._cgroup import ENV, RunCgroup, delegated_parent, inactive_reason


def fake_parent(tmp_path: Path, controllers: str = "cpu memory pids") -> Path:
    (tmp_path / "cgroup.subtree_control").write_text(controllers + "\n")
    return tmp_path


def test_only_a_configured_delegated_parent_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert delegated_parent(None) is None and ENV in inactive_reason(None)
    assert delegated_parent(str(fake_parent(tmp_path))) == tmp_path
    monkeypatch.setenv(ENV, str(tmp_path))
    assert delegated_parent(None) == tmp_path


def test_parent_without_memory_and_pids_for_children_is_not_used(tmp_path: Path) -> None:
    parent = fake_parent(tmp_path, "cpu io")
    assert delegated_parent(str(parent)) is None
    assert "memory and pids" in inactive_reason(str(parent))
    assert delegated_parent(str(tmp_path / "missing")) is None


def test_run_cgroup_limits_membership_events_and_removal(tmp_path: Path) -> None:
    group = RunCgroup.create(fake_parent(tmp_path), memory_bytes=300 << 20, max_pids=20)
    assert group.path.parent == tmp_path and group.path.name.startswith("ragagent-")
    assert (group.path / "memory.max").read_text() == str(300 << 20)
    assert (group.path / "pids.max").read_text() == "20"
    group.add(4242)
    assert (group.path / "cgroup.procs").read_text() == "4242"
    (group.path / "memory.events").write_text("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n")
    assert not group.memory_exceeded()
    (group.path / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert group.memory_exceeded()
    for child in group.path.iterdir():  # a real cgroup's interface files vanish with it
        child.unlink()
    group.remove()
    assert not group.path.exists()


def test_unwritable_cgroup_is_a_sandbox_error(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="cannot create the run's cgroup"):
        RunCgroup.create(tmp_path / "no" / "such" / "parent", memory_bytes=1, max_pids=1)
