"""The prompt-state cache with a fake llama.cpp: round trip, corrupted and half-written files, keys, the switch."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from ragagent.llm.prompt_cache import OFF_ENV, PromptCache

HEAD = [{"role": "system", "content": "Answer from the passages."}]


class FakeLlamaCpp:
    """The three state calls of ``llama_cpp``, over a bytes "KV cache" held by the fake context."""

    @staticmethod
    def llama_state_get_size(ctx: Any) -> int:
        return len(ctx.state) + 16  # llama.cpp reports an upper bound

    @staticmethod
    def llama_state_get_data(ctx: Any, buffer: Any, size: int) -> int:
        buffer[: len(ctx.state)] = ctx.state
        return len(ctx.state)

    @staticmethod
    def llama_state_set_data(ctx: Any, buffer: Any, size: int) -> int:
        if ctx.refuse:
            return 0
        ctx.state = bytes(buffer)
        return size


class FakeLlama:
    def __init__(self, state: bytes = b"", tokens: tuple[int, ...] = (), refuse: bool = False) -> None:
        self._ctx = SimpleNamespace(ctx=SimpleNamespace(state=state, refuse=refuse))
        self.input_ids = np.zeros(64, dtype=np.intc)
        self.input_ids[: len(tokens)] = tokens
        self.n_tokens = len(tokens)
        self._requires_eval = False

    def n_ctx(self) -> int:
        return 64

    def reset(self) -> None:
        self.n_tokens = 0


@pytest.fixture
def cache(tmp_path: Path) -> PromptCache:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    return PromptCache(model, 4096, tmp_path / "states")


def test_a_saved_state_restores_into_a_fresh_model(cache: PromptCache) -> None:
    key = cache.key(HEAD, "0.3")
    cache.save(FakeLlama(b"kv-bytes", (5, 6, 7)), FakeLlamaCpp, key)
    fresh = FakeLlama()
    assert cache.restore(fresh, FakeLlamaCpp, key)
    assert fresh._ctx.ctx.state == b"kv-bytes" and fresh.n_tokens == 3
    assert list(fresh.input_ids[:3]) == [5, 6, 7] and fresh._requires_eval
    assert sorted(p.suffix for p in cache.directory.iterdir()) == [".ids", ".json", ".kv"]  # no temporary left


def test_nothing_saved_restores_nothing(cache: PromptCache) -> None:
    fresh = FakeLlama(b"mine", (1,))
    assert not cache.restore(fresh, FakeLlamaCpp, cache.key(HEAD, "0.3"))
    assert fresh._ctx.ctx.state == b"mine" and fresh.n_tokens == 1


def test_a_corrupted_state_is_refused_and_deleted(cache: PromptCache) -> None:
    key = cache.key(HEAD, "0.3")
    cache.save(FakeLlama(b"kv-bytes", (5, 6, 7)), FakeLlamaCpp, key)
    (cache.directory / f"{key}.kv").write_bytes(b"kv-bytez")
    fresh = FakeLlama()
    assert not cache.restore(fresh, FakeLlamaCpp, key)
    assert fresh.n_tokens == 0 and not list(cache.directory.iterdir())


def test_a_half_written_state_is_never_used(cache: PromptCache) -> None:
    key = cache.key(HEAD, "0.3")
    cache.save(FakeLlama(b"kv-bytes", (5, 6, 7)), FakeLlamaCpp, key)
    (cache.directory / f"{key}.json").unlink()  # the metadata is written last: a killed save has none
    assert not cache.restore(FakeLlama(), FakeLlamaCpp, key)


def test_a_state_llama_cpp_refuses_is_deleted(cache: PromptCache) -> None:
    key = cache.key(HEAD, "0.3")
    cache.save(FakeLlama(b"kv-bytes", (5, 6, 7)), FakeLlamaCpp, key)
    refusing = FakeLlama(refuse=True)
    assert not cache.restore(refusing, FakeLlamaCpp, key)
    assert refusing.n_tokens == 0 and not list(cache.directory.iterdir())


def test_keys_differ_by_head_model_and_llama_cpp(cache: PromptCache, tmp_path: Path) -> None:
    other_model = tmp_path / "other.gguf"
    other_model.write_bytes(b"GGUF2")
    keys = {cache.key(HEAD, "0.3"), cache.key([*HEAD, {"role": "user", "content": "x"}], "0.3"),
            cache.key(HEAD, "0.4"), PromptCache(other_model, 4096).key(HEAD, "0.3"),
            PromptCache(tmp_path / "model.gguf", 2048).key(HEAD, "0.3")}
    assert len(keys) == 5 and cache.key(HEAD, "0.3") == cache.key(list(HEAD), "0.3")


@pytest.mark.parametrize(("value", "enabled"), [(None, True), ("1", True), ("0", False), ("off", False)])
def test_the_cache_can_be_switched_off(value: str | None, enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if value is None:
        monkeypatch.delenv(OFF_ENV, raising=False)
    else:
        monkeypatch.setenv(OFF_ENV, value)
    assert PromptCache.enabled() is enabled
