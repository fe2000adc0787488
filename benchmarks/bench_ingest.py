"""Ingestion throughput and peak memory, ragagent vs LangChain, on a SciFact subset.

    python benchmarks/bench_ingest.py [--quick] [--docs 300] [--runs 3] [--ragagent-batch N] [--ragagent-max-tokens N]

The first ``--docs`` SciFact abstracts are written to a JSONL file in a temp dir. Each run starts one
fresh subprocess per side (the order alternates between runs) that loads MiniLM and warms it up before
the clock starts, so the timings and the peak RSS (``ru_maxrss``) belong to one side only:

* ragagent: ``ingest_paths`` on the JSONL (read, chunk 1000/125, embed, write SQLite + FAISS + bm25s,
  manifest with checksums, fsync, atomic commit);
* LangChain: the same chunk texts (made with ragagent's ``Chunker`` before the clock starts, so chunking is
  identical and not timed for LangChain) go to ``FAISS.from_documents`` + ``BM25Retriever.from_documents``
  (ragagent's tokeniser), in memory, nothing written to disk.

Both embed with the same model; LangChain through an ``Embeddings`` wrapper doing what
``HuggingFaceEmbeddings`` does (one ``encode`` call, batch 32). Reported: medians over runs of documents/s,
chunks/s, the embedding share, and peak RSS (and its growth over the warmed-up model).
``--ragagent-batch`` / ``--ragagent-max-tokens`` try other embedding settings on ragagent's side only.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (
    CHUNK_OVERLAP,
    CHUNK_SIZE,
    child_result,
    dataset,
    machine_info,
    median,
    print_result,
    read_jsonl,
    table,
    write_jsonl,
)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_ours(jsonl: Path, work: Path, batch: int | None, max_tokens: int | None) -> dict[str, Any]:
    from _common import ragagent_embedder

    from ragagent.ingest import IngestOptions, ingest_paths

    embedder = ragagent_embedder()
    if batch:
        embedder.batch_size = batch
    if max_tokens:
        embedder._model.max_seq_length = max_tokens
    embedder.embed_documents(["warm up the model"] * 8)
    base = rss_mib()
    t = time.perf_counter()
    report = ingest_paths([jsonl], work / "index", embedder=embedder,
                          options=IngestOptions(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP))
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "embed_s": report.timings["embed_s"], "write_s": report.timings["write_s"],
            "chunks": report.chunks_total, "base_rss": base, "peak_rss": peak_rss_mib()}


def run_langchain(jsonl: Path) -> dict[str, Any]:
    from _common import LcEmbeddings, st_model
    from bench_quality import ragagent_tokenize
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document

    from ragagent.ingest import Chunker, ChunkingOptions, load_file

    loaded = load_file(jsonl, jsonl.name)
    docs = [Document(page_content=c.text, metadata={"source": c.span.source})
            for c in Chunker(ChunkingOptions(CHUNK_SIZE, CHUNK_OVERLAP)).chunk(loaded.pages)]

    class TimedEmbeddings(LcEmbeddings):
        embed_s = 0.0

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            t = time.perf_counter()
            out = super().embed_documents(texts)
            TimedEmbeddings.embed_s += time.perf_counter() - t
            return out

    embeddings = TimedEmbeddings(st_model())
    embeddings.embed_documents(["warm up the model"] * 8)
    TimedEmbeddings.embed_s = 0.0
    base = rss_mib()
    t = time.perf_counter()
    FAISS.from_documents(docs, embeddings)
    BM25Retriever.from_documents(docs, preprocess_func=ragagent_tokenize)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "embed_s": TimedEmbeddings.embed_s, "write_s": 0.0, "chunks": len(docs),
            "base_rss": base, "peak_rss": peak_rss_mib()}


def child(side: str, jsonl: Path, batch: int | None, max_tokens: int | None) -> None:
    with tempfile.TemporaryDirectory() as work:
        result = run_ours(jsonl, Path(work), batch, max_tokens) if side == "ragagent" else run_langchain(jsonl)
    print_result(result)


def spawn(side: str, jsonl: Path, extra: list[str]) -> dict[str, Any]:
    result = child_result([sys.executable, __file__, "--child", side, "--jsonl", str(jsonl), *extra], side)
    print(f"  {side:9s} {result['seconds']:.1f}s  {result['chunks']} chunks  embed {result['embed_s']:.1f}s  "
          f"peak RSS {result['peak_rss']:.0f} MiB", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 documents, 1 run")
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ragagent-batch", type=int, help="override ragagent's encode batch size (default: its own)")
    parser.add_argument("--ragagent-max-tokens", type=int, help="override ragagent's model truncation length (256)")
    parser.add_argument("--child", choices=["ragagent", "langchain"], help=argparse.SUPPRESS)
    parser.add_argument("--jsonl", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.jsonl, args.ragagent_batch, args.ragagent_max_tokens)
        return
    n_docs, runs = (100, 1) if args.quick else (args.docs, args.runs)
    extra = [f"--ragagent-{name}={value}" for name, value in (("batch", args.ragagent_batch),
                                                               ("max-tokens", args.ragagent_max_tokens)) if value]
    print(machine_info() + (f"; ragagent overrides: {' '.join(extra)}" if extra else ""))
    records = read_jsonl(dataset("scifact") / "corpus.jsonl")[:n_docs]
    results: dict[str, list[dict[str, Any]]] = {"ragagent": [], "langchain": []}
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = write_jsonl(Path(tmp) / "scifact-subset.jsonl", records)
        for run in range(runs):
            for side in (["ragagent", "langchain"] if run % 2 == 0 else ["langchain", "ragagent"]):
                results[side].append(spawn(side, jsonl, extra))
    rows = []
    for side, rs in results.items():
        secs = median(r["seconds"] for r in rs)
        rows.append((side, len(records), rs[0]["chunks"], f"{secs:.1f}", f"{len(records) / secs:.2f}",
                     f"{rs[0]['chunks'] / secs:.2f}", f"{median(r['embed_s'] / r['seconds'] for r in rs):.0%}",
                     f"{median(r['peak_rss'] for r in rs):.0f}",
                     f"{median(r['peak_rss'] - r['base_rss'] for r in rs):.0f}"))
    ratio = median(r["seconds"] for r in results["langchain"]) / median(r["seconds"] for r in results["ragagent"])
    rows.append(("ratio ragagent / LangChain (throughput)", "", "", "", f"{ratio:.2f}x", f"{ratio:.2f}x", "", "", ""))
    print(table(["side", "docs", "chunks", "median s", "docs/s", "chunks/s", "embedding share", "peak RSS MiB",
                 "RSS growth MiB"], rows))
    print("per-run seconds: " + json.dumps({s: [round(r["seconds"], 1) for r in rs] for s, rs in results.items()}))


if __name__ == "__main__":
    main()
