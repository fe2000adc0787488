"""A persistent cache of llama.cpp's state after a conversation's fixed head, across processes.

Every RAG, PAL and ReAct conversation starts with the same system message and worked exchanges (about 700 of a
RAG prompt's 1,100 tokens), and evaluating the prompt is most of an answer's time on a small CPU. Within one
process llama.cpp already reuses the KV cache of a prefix shared with the previous call; a new process (each
``ragagent ask``) starts cold. :class:`PromptCache` keeps, per model file, context size and *head* (every
message but the last), the model's state after a call with that head: the KV cache (``llama_state_get_data``)
and the token ids — no logits, no pickle. Restoring it before the next call with the same head lets llama.cpp
evaluate only what differs (its own longest-common-prefix check drops the rest of the restored tokens).

Files live in ``$RAGAGENT_CACHE/prompt-states`` (``~/.cache/ragagent/prompt-states``): ``<key>.ids`` (int32
token ids), ``<key>.kv`` (the state bytes) and ``<key>.json`` (sizes and the state's sha256), each written to
a temporary name and renamed, the JSON last; a state whose checksum or size does not match, or that llama.cpp
refuses, is deleted and the call runs cold. ``RAGAGENT_PROMPT_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ragagent.files import write_atomically
from ragagent.options import cache_dir

OFF_ENV = "RAGAGENT_PROMPT_CACHE"


def prompt_cache_dir() -> Path:
    return cache_dir("prompt-states")


class PromptCache:
    """Saves and restores a ``llama_cpp.Llama``'s state by conversation head (see the module docstring)."""

    def __init__(self, model_path: Path, n_ctx: int, directory: Path | None = None) -> None:
        stat = model_path.stat()
        self.model_id = f"{model_path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{n_ctx}"
        self.directory = directory or prompt_cache_dir()

    @staticmethod
    def enabled() -> bool:
        return os.environ.get(OFF_ENV, "1").strip().lower() not in ("0", "false", "no", "off")

    def key(self, head: Sequence[dict[str, str]], llama_cpp_version: str) -> str:
        blob = json.dumps([self.model_id, llama_cpp_version, list(head)], sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:32]

    def restore(self, llama: Any, llama_cpp: Any, key: str) -> bool:
        """Load the state saved under ``key`` into ``llama``; False (and nothing changed) when there is none."""
        meta_path = self.directory / f"{key}.json"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            state = (self.directory / f"{key}.kv").read_bytes()
            ids = (self.directory / f"{key}.ids").read_bytes()
        except (OSError, ValueError):
            return False
        n_tokens = int(meta.get("n_tokens", -1))
        if (hashlib.sha256(state).hexdigest() != meta.get("sha256") or len(ids) != 4 * n_tokens
                or not 0 < n_tokens <= llama.n_ctx()):
            self._drop(key)
            return False
        import numpy as np

        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        llama.reset()
        if llama_cpp.llama_state_set_data(llama._ctx.ctx, buffer, len(state)) != len(state):
            llama.reset()
            self._drop(key)
            return False
        llama.input_ids[:n_tokens] = np.frombuffer(ids, dtype=np.int32)
        llama.n_tokens = n_tokens
        llama._requires_eval = True  # llama.cpp re-evaluates at least the last token before sampling
        return True

    def save(self, llama: Any, llama_cpp: Any, key: str) -> None:
        """Keep ``llama``'s current state under ``key`` (best effort: a full disk only loses the cache)."""
        n_tokens = int(llama.n_tokens)
        if n_tokens <= 0:
            return
        size = int(llama_cpp.llama_state_get_size(llama._ctx.ctx))
        buffer = (ctypes.c_uint8 * size)()
        written = int(llama_cpp.llama_state_get_data(llama._ctx.ctx, buffer, size))
        if not 0 < written <= size:
            return
        state = bytes(buffer)[:written]
        ids = llama.input_ids[:n_tokens].astype("int32").tobytes()
        meta = {"n_tokens": n_tokens, "sha256": hashlib.sha256(state).hexdigest(), "bytes": written}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomically(self.directory / f"{key}.ids", ids, fsync=False)
            write_atomically(self.directory / f"{key}.kv", state, fsync=False)
            write_atomically(self.directory / f"{key}.json", json.dumps(meta), fsync=False)
        except OSError:
            return

    def _drop(self, key: str) -> None:
        for suffix in (".json", ".kv", ".ids"):
            (self.directory / f"{key}{suffix}").unlink(missing_ok=True)


__all__ = ["OFF_ENV", "PromptCache", "prompt_cache_dir"]
