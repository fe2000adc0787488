"""Root mode's read-only interpreter copy, on a fake layout (no sandbox needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragagent.sandbox import _mirror
from ragagent.sandbox._layout import PythonLayout


def fake_layout(tmp_path: Path) -> PythonLayout:
    home = tmp_path / "home"
    stdlib = home / "lib" / "python3.11"
    (stdlib / "site-packages" / "big").mkdir(parents=True)
    (stdlib / "test").mkdir()
    (stdlib / "os.py").write_text("# os\n")
    (stdlib / "json").mkdir()
    (stdlib / "json" / "__init__.py").write_text("# json\n")
    executable = home / "bin" / "python3.11"
    executable.parent.mkdir()
    executable.write_text("#!elf\n")
    executable.chmod(0o755)
    for directory in (tmp_path, *tmp_path.parents):  # pytest's own tmp dirs are 0700
        if directory.name.startswith("pytest-") or directory == tmp_path:
            directory.chmod(0o755)
    return PythonLayout(str(executable), (str(executable), str(stdlib)), (str(stdlib / "site-packages"),))


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never the machine's /var/cache/ragagent; and no ownership check (the suite may not run as root)."""
    cache = tmp_path / "cache"
    monkeypatch.setattr(_mirror, "CACHE_ROOT", cache)
    monkeypatch.setattr(_mirror, "_check_owned_by_root", lambda target: None)
    return cache


def test_world_readable_follows_every_parent(tmp_path: Path) -> None:
    layout = fake_layout(tmp_path)
    home = tmp_path / "home"
    home.chmod(0o755)
    assert _mirror.world_readable(layout.executable)
    home.chmod(0o700)  # like /root: the files are 0644, but uid 65534 cannot reach them
    assert not _mirror.world_readable(layout.executable)
    assert not _mirror.world_readable(layout.binds[1])


def test_readable_layout_is_bound_in_place(tmp_path: Path) -> None:
    layout = fake_layout(tmp_path)
    (tmp_path / "home").chmod(0o755)
    for tree in tmp_path.rglob("*"):
        tree.chmod(0o755 if tree.is_dir() else 0o644 if tree.suffix else 0o755)
    binds, masked = _mirror.host_binds(layout, True)
    assert binds == tuple((path, path) for path in layout.binds) and masked == layout.masked
    assert _mirror.host_binds(layout, False)[0] == binds


def test_unreadable_layout_is_copied_without_tests_and_site_packages(tmp_path: Path, private_cache: Path) -> None:
    (tmp_path / "src").mkdir()
    tmp_path.chmod(0o755)
    layout = fake_layout(tmp_path / "src")
    (tmp_path / "src" / "home").chmod(0o700)
    cache = private_cache
    binds, masked = _mirror.host_binds(layout, True)
    assert masked == ()  # nothing to hide: site-packages was not copied
    for source, dest in binds:
        assert source.startswith(str(cache)) and source.endswith(dest)
        assert _mirror.world_readable(source)
    copied = Path(binds[1][0])
    assert sorted(p.name for p in copied.iterdir()) == ["json", "os.py"]
    assert (copied / "json" / "__init__.py").read_text() == "# json\n"
    assert len(list(cache.iterdir())) == 1  # one copy per interpreter build, no staging left behind
