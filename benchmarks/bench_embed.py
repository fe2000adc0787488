"""Where ingestion time goes: MiniLM embedding variants on the same SciFact chunks.

    python benchmarks/bench_embed.py [--quick] [--chunks 256] [--runs 3] [--only TEXT]

Ingestion on both sides is ~99% MiniLM forward passes (see bench_ingest.py), so this measures the knobs
that change that cost, each in a fresh subprocess (peak RSS is per variant), runs interleaved, medians:
``encode`` batch size (ragagent's default is 64, LangChain's ``HuggingFaceEmbeddings`` uses
sentence-transformers' default 32), torch intra-op threads, the OpenMP wait policy (the benchmarks set
``OMP_WAIT_POLICY=PASSIVE``; two rows keep the OpenMP default, which spins), and, when ``onnxruntime`` and ``onnx`` are
installed, the same weights exported to ONNX (fp32, and int8 dynamically quantised) with mean pooling.
Every variant reports the mean and minimum cosine similarity of its vectors to the torch fp32 ones.
Chunks: ``--chunks`` evenly spaced 1000/125-character chunks of the SciFact corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import CACHE, CHUNK_OVERLAP, CHUNK_SIZE, dataset, machine_info, median, st_model, table

VARIANTS = {  # name: (backend, encode batch size, torch threads or 0 for the default, OpenMP default env)
    "torch batch 64 (ragagent now)": ("torch", 64, 0, False),
    "torch batch 32 (LangChain)": ("torch", 32, 0, False),
    "torch batch 16": ("torch", 16, 0, False),
    "torch batch 8": ("torch", 8, 0, False),
    "torch batch 16, truncated at 128 tokens": ("torch-128", 16, 0, False),
    "torch batch 128": ("torch", 128, 0, False),
    "torch batch 32, 1 thread": ("torch", 32, 1, False),
    "torch batch 64, OpenMP default wait policy": ("torch", 64, 0, True),
    "torch batch 32, OpenMP default wait policy": ("torch", 32, 0, True),
    "onnx fp32 batch 32": ("onnx", 32, 0, False),
    "onnx int8 batch 32": ("onnx-int8", 32, 0, False),
}


def sample_chunks(n: int) -> list[str]:
    from ragagent.ingest import Chunker, ChunkingOptions, load_file

    corpus = dataset("scifact") / "corpus.jsonl"
    chunks = [c.text for c in Chunker(ChunkingOptions(CHUNK_SIZE, CHUNK_OVERLAP)).chunk(load_file(corpus, "c").pages)]
    return [chunks[i] for i in np.linspace(0, len(chunks) - 1, n).astype(int)]


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

    def encode(texts: list[str], batch: int) -> np.ndarray:
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


def run_variant(name: str, texts: list[str]) -> dict[str, float]:
    import torch

    backend, batch, threads, _ = VARIANTS[name]
    model = st_model()
    reference = model.encode(texts[:32], batch_size=32, normalize_embeddings=True)  # also warms up
    if threads:
        torch.set_num_threads(threads)
    if backend == "torch-128":
        model.max_seq_length = 128  # what MiniLM was trained with; the default is 256
    if backend.startswith("onnx"):
        encode = onnx_encoder(model, backend == "onnx-int8")
    else:
        def encode(xs: list[str], b: int) -> np.ndarray:
            return np.asarray(model.encode(xs, batch_size=b, normalize_embeddings=True))
    longest = sorted(texts, key=len, reverse=True)[:2 * batch]
    encode(longest, batch)  # warm-up at the largest shapes: first-touch allocation is not what we measure
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    vectors = encode(texts, batch)
    seconds = time.perf_counter() - t
    cos = np.sum(vectors[:32] * reference, axis=1)
    return {"per_s": len(texts) / seconds, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "growth": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base,
            "cos_mean": float(cos.mean()), "cos_min": float(cos.min())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="64 chunks, 1 run")
    parser.add_argument("--chunks", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="run only the variants whose name contains this text")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n, runs = (64, 1) if args.quick else (args.chunks, args.runs)
    if args.child:
        print("RESULT " + json.dumps(run_variant(args.child, sample_chunks(n))))
        return
    print(machine_info())
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
        variants = list(VARIANTS)
    except ImportError:
        variants = [v for v in VARIANTS if not v.startswith("onnx")]
    variants = [v for v in variants if v == variants[0] or not args.only or args.only in v]
    results: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    for run in range(runs):
        for v in variants if run % 2 == 0 else variants[::-1]:
            env = dict(os.environ)
            if VARIANTS[v][3]:
                env.pop("OMP_WAIT_POLICY", None)
                env["RAGAGENT_BENCH_OMP_DEFAULT"] = "1"
            proc = subprocess.run([sys.executable, str(Path(__file__)), "--child", v, "--chunks", str(n)],
                                  capture_output=True, text=True, check=False, env=env)
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
            if not lines:
                sys.exit(f"{v} failed:\n{proc.stderr[-3000:]}")
            results[v].append(json.loads(lines[-1][7:]))
            print(f"  {v:32s} {results[v][-1]['per_s']:.1f} chunks/s", flush=True)
    base = median(r["per_s"] for r in results[variants[0]])
    rows = [(v, f"{median(r['per_s'] for r in rs):.1f}", f"{median(r['per_s'] for r in rs) / base:.2f}x",
             f"{median(r['peak'] for r in rs):.0f}", f"{median(r['growth'] for r in rs):.0f}",
             f"{rs[0]['cos_mean']:.4f} / {rs[0]['cos_min']:.4f}") for v, rs in results.items()]
    print(table(["variant", "chunks/s", "vs ragagent now", "peak RSS MiB", "RSS growth MiB",
                 "cosine to torch fp32 (mean / min)"], rows))


if __name__ == "__main__":
    main()
