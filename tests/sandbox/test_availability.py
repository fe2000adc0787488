"""Fail-closed behaviour, and a guard so CI cannot silently skip every sandbox test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ragagent.errors import SandboxError, SandboxUnavailableError
from ragagent.sandbox import BubblewrapExecutor, check_available, isolation_info
from ragagent.sandbox import _bwrap as bwrap_module

HOWTO = "apt-get install bubblewrap"


def test_isolation_available_here() -> None:
    # If this machine has bubblewrap (or is CI), the sandbox must work: the other tests skip otherwise.
    if not (os.environ.get("CI") or Path("/usr/bin/bwrap").exists() or shutil.which("bwrap")):
        pytest.skip("no bubblewrap on this machine and not CI")
    check_available()
    info = isolation_info()
    assert info.tmpfs_size_cap
    assert Path(info.python).is_file()


def test_missing_bwrap_fails_closed_with_howto() -> None:
    with pytest.raises(SandboxUnavailableError, match=HOWTO):
        check_available("/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailableError, match="bubblewrap not found"):
        BubblewrapExecutor(bwrap="/nonexistent/bwrap").run("result = 1")


def test_default_bwrap_name_missing_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bwrap_module, "DEFAULT_BWRAP", "/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailableError, match=HOWTO):
        BubblewrapExecutor().run("result = 1")


def test_bwrap_that_cannot_create_namespaces_fails_closed(tmp_path: Path) -> None:
    # What bubblewrap prints where unprivileged user namespaces are disabled.  As root, bubblewrap is
    # started as uid 65534, so the fake must be reachable by that uid (pytest's tmp dirs are 0700).
    tmp_path.chmod(0o755)
    for parent in tmp_path.parents:
        if parent.name.startswith("pytest-"):
            parent.chmod(0o755)
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(SandboxUnavailableError, match="No permissions to creating new namespace") as info:
        BubblewrapExecutor(bwrap=str(fake)).run("result = 1")
    assert HOWTO in str(info.value)
    assert isinstance(info.value, SandboxError)
    with pytest.raises(SandboxUnavailableError):
        check_available(str(fake))
