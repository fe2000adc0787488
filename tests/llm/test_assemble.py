"""Assembling a model from its parts: order, pinned sha256, corrupted parts, killed assemblies, GGUF headers."""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from ragagent.errors import ModelFileError
from ragagent.llm.assemble import assemble, cached_model, check_header
from ragagent.llm.catalog import ModelCard, Part
from ragagent.llm.gguf import read_header_strings

REPO = Path(__file__).resolve().parents[2]


def gguf_header(**strings: str) -> bytes:
    """A minimal GGUF v3 header with string key/values and no tensors."""
    def s(text: str) -> bytes:
        raw = text.encode()
        return struct.pack("<Q", len(raw)) + raw

    body = b"".join(s(k) + struct.pack("<I", 8) + s(v) for k, v in strings.items())
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(strings)) + body


HEADER = gguf_header(**{"general.architecture": "testarch", "general.name": "Test Model 1B Instruct"})


def make_parts(tmp_path: Path, sizes: tuple[int, ...] = (3000, 5000, 777)) -> list[Path]:
    paths = []
    for i, size in enumerate(sizes):
        path = tmp_path / "parts" / f"part{i + 1:02d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = bytes([65 + i]) * size
        path.write_bytes((HEADER + body)[:size] if i == 0 else body)
        paths.append(path)
    return paths


def card_for(parts: list[Path]) -> ModelCard:
    data = b"".join(p.read_bytes() for p in parts)
    return ModelCard("test-1b", "Test 1B", "MIT", "local-test", "test-1b.gguf", len(data),
                     hashlib.sha256(data).hexdigest(), "testarch", "Test Model 1B", True,
                     tuple(Part(f"mod{i}", p.name) for i, p in enumerate(parts)), ())


def test_parts_are_concatenated_in_order_and_verified(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    card = card_for(parts)
    path = cached_model(card, parts, tmp_path / "cache")
    assert path == tmp_path / "cache" / "test-1b.gguf"
    assert path.read_bytes() == b"".join(p.read_bytes() for p in parts)
    assert sorted(p.name for p in path.parent.iterdir()) == [".test-1b.gguf.lock", "test-1b.gguf"]


def test_parts_in_the_wrong_order_are_refused(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    card = card_for(parts)
    with pytest.raises(ModelFileError, match="sha256") as caught:
        cached_model(card, [parts[1], parts[0], parts[2]], tmp_path / "cache")
    assert "\n" not in str(caught.value) and "test-1b" in str(caught.value)
    assert not (tmp_path / "cache" / "test-1b.gguf").exists()


def test_a_corrupted_part_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    card = card_for(parts)
    data = bytearray(parts[1].read_bytes())
    data[1234] ^= 0xFF  # same size, one flipped byte
    parts[1].write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"corrupted or replaced, so it was refused"):
        cached_model(card, parts, tmp_path / "cache")
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [".test-1b.gguf.lock"]


def test_a_part_of_the_wrong_size_is_refused_before_writing(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    card = card_for(parts)
    parts[2].write_bytes(b"x" * 10)
    with pytest.raises(ModelFileError, match="expected 8,777"):
        assemble(parts, tmp_path / "out.gguf", size=card.size, sha256=card.sha256, label=card.name)
    assert list(tmp_path.glob("*out.gguf*")) == []


def test_assembly_killed_midway_leaves_no_usable_file_and_a_retry_succeeds(tmp_path: Path) -> None:
    parts = make_parts(tmp_path, (200_000, 300_000, 50_000))
    card = card_for(parts)
    cache = tmp_path / "cache"
    child = textwrap.dedent(f"""
        import hashlib, os, signal, types
        from pathlib import Path
        import ragagent.llm.assemble as a
        from ragagent.llm.catalog import ModelCard, Part

        class Dying:  # SIGKILL ourselves in the middle of the second part, as a crash or `kill -9` would
            def __init__(self):
                self.inner, self.calls = hashlib.sha256(), 0
            def update(self, block):
                self.calls += 1
                if self.calls == 40:
                    os.kill(os.getpid(), signal.SIGKILL)
                self.inner.update(block)
            def hexdigest(self):
                return self.inner.hexdigest()

        a.hashlib = types.SimpleNamespace(sha256=Dying)
        a.BLOCK = 8192
        card = ModelCard(**{card_fields(card)!r})
        a.cached_model(card, [Path(p) for p in {[str(p) for p in parts]!r}], Path({str(cache)!r}))
    """)
    done = subprocess.run([sys.executable, "-c", child], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    leftovers = [p for p in cache.iterdir() if p.name.endswith(".partial")]
    assert len(leftovers) == 1 and 0 <= leftovers[0].stat().st_size < card.size  # half-written, aside
    assert not (cache / "test-1b.gguf").exists()  # never under the model's name
    path = cached_model(card, parts, cache)  # the retry cleans up and assembles a verified file
    assert hashlib.sha256(path.read_bytes()).hexdigest() == card.sha256
    assert not [p for p in cache.iterdir() if p.name.endswith(".partial")]


def card_fields(card: ModelCard) -> dict[str, object]:
    fields = {name: getattr(card, name) for name in ModelCard.__dataclass_fields__}
    fields["parts"] = ()  # cached_model takes the part paths explicitly
    return fields


def test_a_cached_file_of_the_pinned_size_is_reused_without_rehashing(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    card = card_for(parts)
    path = cached_model(card, parts, tmp_path / "cache")
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before, before))
    parts[1].write_bytes(b"changed!" * 625)  # same size; not re-read, because the cache is already verified
    assert cached_model(card, parts, tmp_path / "cache").stat().st_mtime_ns == before


def test_header_names_are_checked_before_loading(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    card = card_for(parts)
    path = cached_model(card, parts, tmp_path / "cache")
    assert read_header_strings(path, {"general.architecture", "general.name"}) == {
        "general.architecture": "testarch", "general.name": "Test Model 1B Instruct"}
    with pytest.raises(ModelFileError, match="expected 'llama'"):
        check_header(path, replace(card, architecture="llama"))
    with pytest.raises(ModelFileError, match="name containing 'Other 7B'"):
        check_header(path, replace(card, name_contains="Other 7B"))


def test_a_file_that_is_not_gguf_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"<html>not a model</html>")
    with pytest.raises(ModelFileError, match="not a GGUF file"):
        read_header_strings(bad, {"general.name"})
    bad.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1 << 40))
    with pytest.raises(ModelFileError, match="implausible"):
        read_header_strings(bad, {"general.name"})
