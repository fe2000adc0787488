"""A sentence-transformers model run by ONNX Runtime: embeddings without importing torch or transformers.

The same weights, exported once from the installed model (:mod:`ragagent.onnx_export`, which needs torch),
tokenised by the Rust ``tokenizers`` library with the same truncation, mean-pooled and L2-normalised inside
the graph exactly as sentence-transformers does. Importing torch + transformers costs seconds; this costs
a fraction of one, which is what makes ``ragagent search`` start fast.

The export lives in the user cache, ``$RAGAGENT_CACHE/encoders`` or ``~/.cache/ragagent/encoders``, in a
directory named after the SHA-256 of the model's files (weights, tokenizer, configs), so an updated model
gets a new export. The directory is written under a temporary name and renamed into place only after its
vectors matched sentence-transformers' (cosine ≥ :data:`MIN_COSINE` on a fixed sample); an export that
did not match is recorded as such and never used.

>>> encoder = OnnxEmbedder.load("all-MiniLM-L6-v2")       # doctest: +SKIP
>>> encoder.embed_query("hybrid retrieval").shape         # doctest: +SKIP
(384,)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ragagent.errors import EncoderUnavailableError
from ragagent.files import write_atomically
from ragagent.options import cache_dir

EXPORT_VERSION = 1  # bump when the exported graph or its inputs change
MIN_COSINE = 0.9999
MODEL_FILE, TOKENIZER_FILE, META_FILE = "model.onnx", "tokenizer.json", "meta.json"
# The files whose bytes decide the vectors; hashed into the cache key.
FINGERPRINT_FILES = ("model.safetensors", "pytorch_model.bin", "config.json", "tokenizer.json", "tokenizer_config.json",
                     "special_tokens_map.json", "vocab.txt", "modules.json", "sentence_bert_config.json",
                     "1_Pooling/config.json", "2_Normalize/config.json")


def cache_root() -> Path:
    return cache_dir("encoders")


def _stat_key(model_dir: Path) -> dict[str, list[int]]:
    out = {}
    for name in FINGERPRINT_FILES:
        path = model_dir / name
        if path.is_file():
            st = path.stat()
            out[name] = [st.st_size, st.st_mtime_ns]
    return out


def fingerprint(model_dir: Path) -> str:
    """SHA-256 over the model's files (names and contents), remembered per (size, mtime) so it is hashed once."""
    stats = _stat_key(model_dir)
    if "model.safetensors" not in stats and "pytorch_model.bin" not in stats:
        raise EncoderUnavailableError(f"no model weights in {model_dir}")
    memo = cache_root() / f"fingerprint-{hashlib.sha256(str(model_dir.resolve()).encode()).hexdigest()[:16]}.json"
    try:
        remembered = json.loads(memo.read_text(encoding="utf-8"))
        if remembered.get("stats") == stats:
            return str(remembered["sha256"])
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    digest = hashlib.sha256()
    for name in sorted(stats):
        digest.update(name.encode() + b"\0")
        with (model_dir / name).open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    value = digest.hexdigest()
    memo.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(memo, json.dumps({"model_dir": str(model_dir), "stats": stats, "sha256": value}))
    return value


def export_dir(model_dir: Path) -> Path:
    """Where the export of ``model_dir`` lives (whether or not it exists yet)."""
    return cache_root() / f"v{EXPORT_VERSION}-{fingerprint(model_dir)[:32]}"


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """``meta.json`` of an export: what was exported and how well it matched sentence-transformers."""

    model_name: str
    dimension: int
    max_seq_length: int  # the model's own limit; the embedder may truncate shorter
    lowercase: bool  # sentence-transformers' do_lower_case
    verified: bool
    min_cosine: float
    samples: int
    error: str = ""  # why the export failed (then only meta.json exists; delete the directory to retry)

    @classmethod
    def read(cls, directory: Path) -> ExportInfo:
        try:
            data = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
            return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise EncoderUnavailableError(f"unreadable ONNX export in {directory}: {exc}") from exc


class OnnxEmbedder:
    """The :class:`~ragagent.embeddings.Embedder` protocol over an exported, verified model."""

    def __init__(self, directory: Path, model_name: str, *, max_seq_length: int | None = None,
                 batch_size: int = 16, threads: int = 0) -> None:
        info = ExportInfo.read(directory)
        if info.error:
            raise EncoderUnavailableError(f"the ONNX export failed ({info.error}); delete {directory} to retry")
        if not info.verified:
            raise EncoderUnavailableError(
                f"the ONNX export in {directory} did not match sentence-transformers (min cosine {info.min_cosine:.6f})"
            )
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailableError(f"{exc.name} is not installed (pip install onnxruntime tokenizers)") from exc
        self.model_name = model_name
        self.dimension = info.dimension
        self.batch_size = batch_size
        self.max_seq_length = min(max_seq_length or info.max_seq_length, info.max_seq_length)
        self._lowercase = info.lowercase
        self._tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=self.max_seq_length)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        # Idle worker threads must not spin on a shared machine (the ONNX Runtime analogue of OMP_WAIT_POLICY).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._session: Any = ort.InferenceSession(str(directory / MODEL_FILE), options,
                                                  providers=["CPUExecutionProvider"])

    @classmethod
    def load(cls, model_name: str, *, max_seq_length: int | None = None, batch_size: int = 16,
             export: bool = True) -> OnnxEmbedder:
        """The encoder for ``model_name``; exports (with torch, once) when ``export`` and no export exists."""
        from ragagent.embeddings import resolve_model_path

        model_dir = Path(resolve_model_path(model_name))
        if not model_dir.is_dir():
            raise EncoderUnavailableError(f"{model_name!r} is not a local model directory")
        directory = export_dir(model_dir)
        if not (directory / META_FILE).is_file():
            if not export:
                raise EncoderUnavailableError(f"no ONNX export of {model_name!r} yet")
            from ragagent.onnx_export import export_model

            export_model(model_dir, directory, model_name)
        return cls(directory, model_name, max_seq_length=max_seq_length, batch_size=batch_size)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        prepared = [t.lower() for t in texts] if self._lowercase else list(texts)  # as sentence-transformers 6
        encodings = self._tokenizer.encode_batch(prepared)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)  # padded positions are masked out
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = e.attention_mask
            types[row, : len(e.ids)] = e.type_ids
        (vectors,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths pad less
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._encode([texts[i] for i in rows])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self._encode([text])[0]
        return vector
