"""Shared helpers for the ragagent-vs-LangChain benchmarks (not a benchmark itself).

Data comes from ``../shared/data`` (override with ``RAGAGENT_BENCH_DATA``); everything expensive to
compute (MiniLM vectors, the SciFact/HotpotQA indexes, the synthetic corpus) is cached under
``/tmp/ragagent-bench`` (override with ``RAGAGENT_BENCH_CACHE``), never in the repository.
Both sides always use the same SentenceTransformer object: ragagent through
``SentenceTransformerEmbedder``, LangChain through :class:`LcEmbeddings`, a copy of what
``langchain_huggingface.HuggingFaceEmbeddings`` does (one ``encode`` call, sentence-transformers' default
batch size 32, normalised) without pulling in that package (it would downgrade huggingface-hub here).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Spinning OpenMP threads (torch, FAISS) on a shared, oversubscribed machine turn every parallel region into
# a wait for a descheduled peer: measured here, MiniLM embed_query went from ~1.5 s to ~30 ms and a FAISS
# flat search over 15k vectors from 48 ms to 12 ms. Both sides run with the same setting; it must be set
# before torch/faiss load. RAGAGENT_BENCH_OMP_DEFAULT=1 keeps the OpenMP default (see bench_embed.py).
warnings.filterwarnings("ignore", message=".*being sunset.*")  # langchain-community says so on import
if os.environ.get("RAGAGENT_BENCH_OMP_DEFAULT") != "1":
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("RAGAGENT_BENCH_DATA", ROOT.parent / "shared" / "data"))
CACHE = Path(os.environ.get("RAGAGENT_BENCH_CACHE", "/tmp/ragagent-bench"))
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 125


def dataset(name: str) -> Path:
    """``DATA/name``, or exit with a message when the data is not there."""
    path = DATA / name
    if not (path / "corpus.jsonl").is_file():
        sys.exit(f"skipped: {path}/corpus.jsonl not found (set RAGAGENT_BENCH_DATA)")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path: Path, records: Iterable[Mapping[str, Any]]) -> Path:
    """``records`` as one JSON object a line (UTF-8) at ``path``; returns ``path``."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def split_jsonl(records: Sequence[Mapping[str, Any]], directory: Path, parts: int) -> Path:
    """``records`` dealt round-robin over ``parts`` files ``directory/part{i}.jsonl`` (directory created)."""
    directory.mkdir()
    for i in range(parts):
        write_jsonl(directory / f"part{i}.jsonl", records[i::parts])
    return directory


# -- child processes ----------------------------------------------------------------------------------
# A benchmark that times one cold process per run re-runs its own script with a hidden ``--child`` flag;
# the child prints one ``RESULT {json}`` line, which the parent reads back.

def print_result(result: Mapping[str, Any]) -> None:
    """In a child process: hand ``result`` back to the parent."""
    print("RESULT " + json.dumps(result))


def child_result(command: Sequence[str], label: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Run ``command`` and return its last ``RESULT`` line's JSON; exit with its stderr if it failed."""
    proc = subprocess.run(list(command), capture_output=True, text=True, check=False, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"{label} run failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1][7:])
    return result


# -- timing -------------------------------------------------------------------------------------------

def percentile(samples: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q))


def latency_ms(samples: Sequence[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds of per-call samples in seconds."""
    return percentile(samples, 50) * 1e3, percentile(samples, 95) * 1e3


def time_calls(fn: Callable[[Any], object], items: Sequence[Any], warmup: int = 3) -> list[float]:
    """Per-item wall-clock seconds of ``fn(item)``."""
    for item in items[:warmup]:
        fn(item)
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def median(xs: Iterable[float]) -> float:
    return float(statistics.median(list(xs)))


# -- machine ------------------------------------------------------------------------------------------

def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    try:
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        return kib / 2**20
    except (OSError, IndexError, ValueError):
        return float("nan")


def machine_info() -> str:
    """One markdown line: CPU, cores, RAM, Python and the versions of the libraries measured."""
    pkgs = ["torch", "sentence-transformers", "faiss-cpu", "bm25s", "rank-bm25", "numpy", "langchain-core",
            "langchain-community", "langchain-classic"]
    versions = []
    for p in pkgs:
        try:
            versions.append(f"{p} {metadata.version(p)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{p} (missing)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{_cpu_model()}, {os.cpu_count()} cores, {_ram_gib():.0f} GiB RAM, Python {platform.python_version()}, "
            f"load average at start {load:.1f}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}; "
            + ", ".join(versions))


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# -- embeddings ---------------------------------------------------------------------------------------

def ragagent_embedder() -> Any:
    from ragagent.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


def st_model() -> Any:
    """The bundled MiniLM SentenceTransformer as LangChain users get it: the model's own 256-token limit.

    (ragagent's embedder truncates at 128 tokens by default; that is ragagent's setting, not LangChain's.)
    """
    from ragagent.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(max_seq_length=None)._model


class LcEmbeddings(Embeddings):
    """LangChain ``Embeddings`` over a SentenceTransformer, as ``HuggingFaceEmbeddings`` does it."""

    def __init__(self, model: Any, batch_size: int = 32) -> None:
        self.model, self.batch_size = model, batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vecs = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                 show_progress_bar=False)
        return [list(map(float, v)) for v in vecs]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class CachedEmbedder:
    """ragagent ``Embedder`` answering from precomputed vectors (so search timings exclude the model)."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray, model_name: str = "all-MiniLM-L6-v2") -> None:
        self.model_name, self.dimension = model_name, int(vectors.shape[1])
        self._by_text = {t: v for t, v in zip(texts, vectors, strict=True)}

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._by_text[t] for t in texts]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._by_text[text]


class CachedLcEmbeddings(Embeddings):
    """The same cache as a LangChain ``Embeddings`` (query side of FAISS retrievers)."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self._by_text = {t: [float(x) for x in v] for t, v in zip(texts, vectors, strict=True)}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._by_text[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._by_text[text]


def cache_path(name: str, texts: Sequence[str]) -> Path:
    key = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    return CACHE / f"{name}-{len(texts)}-{key}.npy"


def cached_vectors(name: str, texts: Sequence[str], *, slab: int = 10_000, max_tokens: int | None = None) -> np.ndarray:
    """MiniLM vectors of ``texts``, computed once and kept in ``CACHE``.

    ``max_tokens=None``: ragagent's embedder as configured by default; a number: the same model truncating
    inputs at that many tokens (256 is the model's own limit, what LangChain users get).
    """
    from ragagent.embeddings import SentenceTransformerEmbedder

    path = cache_path(name, texts)
    if path.exists():
        return np.load(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    embedder = SentenceTransformerEmbedder() if max_tokens is None else SentenceTransformerEmbedder(
        max_seq_length=max_tokens)
    embedder.batch_size = 16  # the fastest batch size here (bench_embed.py); vectors are the same
    parts = []
    for start in range(0, len(texts), slab):  # slabs are cached too: an interrupted run resumes
        part_path = CACHE / f"{path.stem}.part{start}.npy"
        if not part_path.exists():
            t = time.perf_counter()
            np.save(part_path, embedder.embed_documents(texts[start:start + slab]))
            done = min(start + slab, len(texts))
            print(f"  embedded {name} {done}/{len(texts)} ({time.perf_counter() - t:.0f}s)", file=sys.stderr)
        parts.append(np.load(part_path))
    vectors = np.concatenate(parts)
    np.save(path, vectors)
    for start in range(0, len(texts), slab):
        (CACHE / f"{path.stem}.part{start}.npy").unlink(missing_ok=True)
    return vectors


# -- corpora ------------------------------------------------------------------------------------------

def synthetic_chunks(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct short chunks recombined from SciFact sentences (the first 5-9 words of one
    sentence + the last 5-9 words of another), so term statistics look like scientific text."""
    sentences = sorted({s.strip() for r in read_jsonl(dataset("scifact") / "corpus.jsonl")
                        for s in re.split(r"(?<=[.!?])\s+", r["text"]) if len(s.split()) >= 10})
    rng = np.random.default_rng(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        a, b = rng.integers(len(sentences), size=2)
        head, tail = sentences[a].split(), sentences[b].split()
        text = " ".join(head[:rng.integers(5, 10)] + tail[-int(rng.integers(5, 10)):])
        out.setdefault(text, None)
    return list(out)


def synthetic_vectors(n: int) -> tuple[list[str], np.ndarray]:
    """The first ``n`` synthetic chunks and their MiniLM vectors (the 100k set is embedded once and sliced)."""
    full = max(n, 100_000)
    texts = synthetic_chunks(full)
    return texts[:n], cached_vectors("synthetic", texts)[:n]


def queries_with_vectors(name: str) -> tuple[list[Any], np.ndarray]:
    """All queries of a BEIR dataset and their MiniLM vectors (embedded once, cached)."""
    from ragagent.evaluation import read_queries

    queries = read_queries(dataset(name) / "queries.jsonl")
    return queries, cached_vectors(f"{name}-queries", [q.text for q in queries])


def index_of(corpus: Path, index_dir: Path) -> Any:
    """ragagent's index of ``corpus`` (chunk 1000/125, MiniLM, bm25s), built once if missing."""
    from ragagent.index import Index
    from ragagent.ingest import IngestOptions, ingest_paths

    if not (index_dir / "manifest.json").exists():
        print(f"  building {index_dir} from {corpus} (MiniLM; slow, once)", file=sys.stderr)
        t = time.perf_counter()
        ingest_paths([corpus], index_dir, options=IngestOptions(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP))
        print(f"  built in {time.perf_counter() - t:.0f}s", file=sys.stderr)
    return Index.open(index_dir, verify=False)


def scifact_index_dir(arg: str | None) -> Path:
    return Path(arg) if arg else CACHE / "scifact-c1000"
