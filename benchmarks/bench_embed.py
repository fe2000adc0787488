"""Where ingestion time goes: MiniLM embedding variants on the same SciFact chunks.

    python benchmarks/bench_embed.py [--quick] [--chunks 256 | --first-docs 300] [--rounds 3] [--skip-omp]

Ingestion on both sides is ~99% MiniLM forward passes (see bench_ingest.py), so this measures the knobs
that change that cost. All variants run in one process, round-robin (the order rotates every round), so
load from other processes hits them alike; the ratio column is the median of per-round ratios to the first row
(ragagent's setting before the switch to batch 16 and 128 tokens). Variants: ``encode`` batch size (64 before,
16 now; LangChain's ``HuggingFaceEmbeddings`` uses sentence-transformers' default 32), one torch thread,
truncating inputs at 128 tokens (MiniLM's training length, ragagent's default now; the model's own limit is
256) and, when ``onnxruntime`` and ``onnx`` are
installed, the same weights exported to ONNX (fp32, and int8 dynamically quantised) with mean pooling.
Every variant reports the cosine similarity of its vectors to the torch fp32 ones (1.0 = same vectors).

Then the OpenMP wait policy: two fresh processes per round, one with ``OMP_WAIT_POLICY=PASSIVE`` (what the
other benchmarks use) and one with the OpenMP default (spinning), each timing batch-32 document embedding and
one-query ``embed_query``. The difference is large only when the machine is oversubscribed.
Chunks: ``--chunks`` evenly spaced 1000/125-character chunks of the SciFact corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    CACHE,
    CHUNK_OVERLAP,
    CHUNK_SIZE,
    dataset,
    latency_ms,
    machine_info,
    median,
    st_model,
    table,
    time_calls,
)

Encode = Callable[[list[str]], np.ndarray]


def sample_chunks(n: int, first_docs: int = 0) -> list[str]:
    """``n`` evenly spaced chunks of SciFact, or all chunks of its first ``first_docs`` documents."""
    from ragagent.ingest import Chunker, ChunkingOptions, load_file

    pages = load_file(dataset("scifact") / "corpus.jsonl", "c").pages
    chunks = [c.text for c in Chunker(ChunkingOptions(CHUNK_SIZE, CHUNK_OVERLAP)).chunk(pages[:first_docs or None])]
    return chunks if first_docs else [chunks[i] for i in np.linspace(0, len(chunks) - 1, n).astype(int)]


def onnx_encoder(model: Any, quantised: bool) -> Any:
    """An ``encode(texts, batch)`` over MiniLM exported to ONNX (mean pooling + L2 norm, as the model does)."""
    import onnxruntime as ort
    import torch

    path = CACHE / "minilm.onnx"
    if not path.exists():
        class Encoder(torch.nn.Module):
            def __init__(self, bert: Any) -> None:
                super().__init__()
                self.bert = bert

            def forward(self, ids: Any, mask: Any, types: Any) -> Any:
                return self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state

        x = model.tokenizer(["a b", "c d e"], padding=True, return_tensors="pt")
        inputs = (x["input_ids"], x["attention_mask"], x["token_type_ids"])
        axes = {k: {0: "batch", 1: "seq"} for k in ("ids", "mask", "types", "h")}
        torch.onnx.export(Encoder(model[0].auto_model.eval()), inputs, str(path), input_names=["ids", "mask", "types"],
                          output_names=["h"], opset_version=17, dynamic_axes=axes, dynamo=False)
    if quantised and not (CACHE / "minilm-int8.onnx").exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(path), str(CACHE / "minilm-int8.onnx"), weight_type=QuantType.QInt8)
    session = ort.InferenceSession(str(CACHE / "minilm-int8.onnx" if quantised else path))

    def encode(texts: list[str], batch: int = 32) -> np.ndarray:
        order = np.argsort([-len(t) for t in texts])
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(texts), batch):
            idx = order[start:start + batch]
            x = model.tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                max_length=model.max_seq_length, return_tensors="np")
            h = session.run(None, {"ids": x["input_ids"], "mask": x["attention_mask"], "types": x["token_type_ids"]})[0]
            mask = x["attention_mask"][..., None].astype(np.float32)
            v = (h * mask).sum(1) / mask.sum(1)
            out[idx] = v / np.linalg.norm(v, axis=1, keepdims=True)
        return out

    return encode


def torch_encoder(model: Any, batch: int, *, threads: int = 0, max_tokens: int = 0) -> Encode:
    import torch

    def encode(texts: list[str]) -> np.ndarray:
        saved_threads, saved_len = torch.get_num_threads(), model.max_seq_length
        torch.set_num_threads(threads or saved_threads)
        model.max_seq_length = max_tokens or saved_len
        try:
            return np.asarray(model.encode(texts, batch_size=batch, normalize_embeddings=True))
        finally:
            torch.set_num_threads(saved_threads)
            model.max_seq_length = saved_len

    return encode


def variants(model: Any) -> dict[str, Encode]:
    out = {
        "torch batch 64 (ragagent before)": torch_encoder(model, 64),
        "torch batch 32 (LangChain)": torch_encoder(model, 32),
        "torch batch 16": torch_encoder(model, 16),
        "torch batch 8": torch_encoder(model, 8),
        "torch batch 128": torch_encoder(model, 128),
        "torch batch 32, 1 thread": torch_encoder(model, 32, threads=1),
        "torch batch 16, truncated at 128 tokens (ragagent now)": torch_encoder(model, 16, max_tokens=128),
    }
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return out
    out["onnx fp32 batch 32"] = onnx_encoder(model, False)
    out["onnx int8 batch 32"] = onnx_encoder(model, True)
    return out


def round_robin(texts: list[str], rounds: int) -> list[tuple[object, ...]]:
    model = st_model()
    encoders = variants(model)
    names = list(encoders)
    reference = encoders[names[0]](texts)
    cosine = {}
    for name, encode in encoders.items():  # warm-up at the largest shapes, and the vectors' agreement
        cosine[name] = np.sum(encode(texts) * reference, axis=1)
    seconds: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            t = time.perf_counter()
            encoders[name](texts)
            seconds[name].append(time.perf_counter() - t)
        print(f"  round {r + 1}: " + ", ".join(f"{len(texts) / seconds[n][-1]:.0f}" for n in names), flush=True)
    base = seconds[names[0]]
    return [(n, f"{len(texts) / median(seconds[n]):.1f}",
             f"{median(b / s for b, s in zip(base, seconds[n], strict=True)):.2f}x",
             f"{cosine[n].mean():.4f} / {cosine[n].min():.4f}") for n in names]


def omp_child(texts: list[str]) -> dict[str, float]:
    model = st_model()
    encode = torch_encoder(model, 32)
    encode(texts[:32])
    t = time.perf_counter()
    encode(texts)
    per_s = len(texts) / (time.perf_counter() - t)
    queries = [t[:120] for t in texts[:30]]
    p50, _ = latency_ms(time_calls(lambda q: model.encode([q], normalize_embeddings=True), queries))
    return {"per_s": per_s, "query_ms": p50}


def omp_policy(n: int, rounds: int) -> list[tuple[object, ...]]:
    results: dict[str, list[dict[str, float]]] = {"PASSIVE": [], "OpenMP default": []}
    for r in range(rounds):
        for policy in (["PASSIVE", "OpenMP default"] if r % 2 == 0 else ["OpenMP default", "PASSIVE"]):
            env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
            if policy != "PASSIVE":
                env.pop("OMP_WAIT_POLICY")
                env["RAGAGENT_BENCH_OMP_DEFAULT"] = "1"
            proc = subprocess.run([sys.executable, str(Path(__file__)), "--omp-child", "--chunks", str(n)],
                                  capture_output=True, text=True, check=False, env=env)
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
            if not lines:
                sys.exit(f"OpenMP child failed:\n{proc.stderr[-3000:]}")
            results[policy].append(json.loads(lines[-1][7:]))
    load = os.getloadavg()[0]
    return [(p, f"{median(r['per_s'] for r in rs):.1f}", f"{median(r['query_ms'] for r in rs):.1f}", f"{load:.1f}")
            for p, rs in results.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="64 chunks, 1 round: a smoke test (batch 64 is then one fully padded batch)")
    parser.add_argument("--chunks", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--first-docs", type=int, default=0,
                        help="use all chunks of the first N documents (bench_ingest.py's set) instead")
    parser.add_argument("--skip-omp", action="store_true", help="leave out the OpenMP wait-policy comparison")
    parser.add_argument("--omp-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n, rounds = (64, 1) if args.quick else (args.chunks, args.rounds)
    texts = sample_chunks(n, args.first_docs)
    if args.omp_child:
        print("RESULT " + json.dumps(omp_child(texts)))
        return
    print(machine_info())
    rows = round_robin(texts, rounds)
    print(table(["variant", "chunks/s", "vs batch 64 (per-round median)", "cosine to 256-token fp32 (mean / min)"],
                rows))
    if args.skip_omp:
        return
    print(table(["OpenMP wait policy", "batch-32 chunks/s", "embed one query p50 ms", "load average at end"],
                omp_policy(n, rounds)))


if __name__ == "__main__":
    main()
