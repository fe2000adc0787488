"""Cold start of the CLI, the ONNX query encoder against sentence-transformers, and what each command imports.

    python benchmarks/bench_startup.py [--index DIR] [--runs 5] [--chunks 256] [--rounds 3] [--scifact-index DIR]

Every CLI timing is a fresh process (``ragagent`` from this environment; files in the page cache, i.e. a new
process, not a cold disk), wall clock from spawn to exit, commands interleaved round-robin; the table gives
the median of ``--runs`` with min and max, and the process's CPU time (user + sys, from ``wait4``), which
a loaded machine inflates far less than wall time. ``ask`` is timed until the process starts importing llama-cpp (an
meta-path finder ends it there): everything ragagent does before the model starts. Peak RSS comes from ``wait4``.

Then, in this process: the hits of hybrid search with the ONNX encoder against sentence-transformers (same
index, every query; identical ids and order expected), query-embedding latency of both, and document
embedding throughput at ragagent's ingestion settings (batch 16, 128 tokens) with the vectors' cosine, which
decides whether ingestion should use ONNX too. The demo index is built from examples/corpus when ``--index``
does not exist.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "OMP_WAIT_POLICY": "PASSIVE"}
os.environ.update({k: ENV[k] for k in ("HF_HUB_OFFLINE", "TOKENIZERS_PARALLELISM", "OMP_WAIT_POLICY")})
QUERIES = ["what is react", "When was the transformer architecture introduced?", "Who proposed PAL?",
           "reciprocal rank fusion", "How is a RAG system evaluated?", "LoRA fine-tuning rank",
           "sandbox for model-written code", "multi-hop questions HotpotQA", "attention is all you need",
           "What does BM25 score?"]
HEAVY = ("torch", "transformers", "sentence_transformers", "langchain_core", "llama_cpp", "onnxruntime", "tokenizers",
         "faiss", "bm25s", "scipy", "pydantic", "numpy", "rich", "typer")
# Ends `ragagent ask` when it starts importing llama-cpp: the time ragagent spends before the model starts.
STOP_AT_MODEL = ("import os, sys\n"
                 "class StopAtModel:\n"
                 "    def find_spec(self, name, path=None, target=None):\n"
                 "        if name == 'llama_cpp':\n"
                 "            os._exit(0)\n"
                 "sys.meta_path.insert(0, StopAtModel())\n"
                 "from ragagent.cli import main\n"
                 "sys.argv = ['ragagent'] + sys.argv[1:]\n"
                 "main()\n")
LOADED = ("import sys\nfrom ragagent.cli import main\n"
          "sys.argv = ['ragagent'] + sys.argv[1:]\n"
          "try:\n    main()\nexcept SystemExit:\n    pass\n"
          f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n")


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + sys), peak RSS (MiB) and stderr of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {err[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err


def cli_table(index: Path, runs: int) -> list[tuple[str, ...]]:
    ragagent, py = str(BIN / "ragagent"), sys.executable
    torch_env = {**ENV, "RAGAGENT_QUERY_ENCODER": "torch"}
    ask = ["ask", "When was the transformer architecture introduced?", "--index", str(index), "--mode", "rag"]
    commands = {
        "ragagent --help": ([ragagent, "--help"], ENV),
        "search hybrid (ONNX query encoder)": ([ragagent, "search", "what is react", "--index", str(index)], ENV),
        "search hybrid (torch, as before)": ([ragagent, "search", "what is react", "--index", str(index)], torch_env),
        "search sparse": ([ragagent, "search", "what is react", "--mode", "sparse", "--index", str(index)], ENV),
        "ask, until the model starts loading": ([py, "-c", STOP_AT_MODEL, *ask], ENV),
    }
    samples: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    names = list(commands)
    for name in names:  # warm the page cache once
        run_once(*commands[name])
    for r in range(runs):
        for name in names[r % len(names):] + names[: r % len(names)]:
            wall, cpu, rss, _ = run_once(*commands[name])
            samples[name].append((wall, cpu, rss))
        print(f"  run {r + 1}: " + ", ".join(f"{samples[n][-1][0]:.2f}" for n in names), flush=True)
    rows = []
    for name in names:
        walls = [w for w, _, _ in samples[name]]
        cpus = [c for _, c, _ in samples[name]]
        rows.append((name, f"{statistics.median(walls):.2f}", f"{min(walls):.2f} / {max(walls):.2f}",
                     f"{statistics.median(cpus):.2f}", f"{max(r for _, _, r in samples[name]):.0f}"))
    return rows


def loaded_modules(index: Path) -> list[tuple[str, str]]:
    out = []
    for name, args, env in [
        ("--help", ["--help"], ENV),
        ("search hybrid", ["search", "what is react", "--index", str(index)], ENV),
        ("search hybrid, torch", ["search", "what is react", "--index", str(index)],
         {**ENV, "RAGAGENT_QUERY_ENCODER": "torch"}),
    ]:
        _, _, _, err = run_once([sys.executable, "-c", LOADED, *args], env)
        found = re.search(r"LOADED (\[.*\])", err)
        out.append((name, found.group(1) if found else "?"))
    return out


def import_profile(statement: str, top: int = 8) -> list[tuple[str, str]]:
    """Cumulative import time per top-level package (``python -X importtime``), largest first."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", statement], env=ENV, capture_output=True,
                         text=True, check=True, cwd=ROOT).stderr
    per_package: dict[str, int] = defaultdict(int)
    for line in err.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            per_package[m.group(4).split(".")[0]] += int(m.group(1))  # self time, summed per package
    ranked = sorted(per_package.items(), key=lambda kv: -kv[1])[:top]
    return [(name, f"{us / 1e3:.0f}") for name, us in ranked]


def parity(index_dir: Path, queries: list[str]) -> tuple[str, ...]:
    from ragagent.embeddings import SentenceTransformerEmbedder, query_embedder
    from ragagent.index import Index

    onnx, torch = Index.open(index_dir, embedder=query_embedder(backend="onnx")), Index.open(
        index_dir, embedder=SentenceTransformerEmbedder())
    same, worst = 0, 0.0
    for q in queries:
        a, b = onnx.search(q, k=10), torch.search(q, k=10)
        same += [h.chunk.id for h in a] == [h.chunk.id for h in b]
        worst = max([worst] + [abs(x.score - y.score) for x, y in zip(a, b, strict=False)])
    return (str(index_dir.name), f"{same} / {len(queries)}", f"{worst:.2e}")


def encoders(texts: list[str], rounds: int) -> list[tuple[str, ...]]:
    from ragagent.embeddings import SentenceTransformerEmbedder, query_embedder

    variants = {"torch (sentence-transformers)": SentenceTransformerEmbedder(),
                "ONNX Runtime": query_embedder(backend="onnx")}
    reference = variants["torch (sentence-transformers)"].embed_documents(texts)
    cosine = {n: np.sum(e.embed_documents(texts) * reference, axis=1) for n, e in variants.items()}
    docs: dict[str, list[float]] = defaultdict(list)
    query: dict[str, list[float]] = defaultdict(list)
    for r in range(rounds):
        for name in list(variants)[r % 2:] + list(variants)[: r % 2]:
            start = time.perf_counter()
            variants[name].embed_documents(texts)
            docs[name].append(time.perf_counter() - start)
            for q in QUERIES:
                start = time.perf_counter()
                variants[name].embed_query(q)
                query[name].append(time.perf_counter() - start)
    return [(n, f"{len(texts) / statistics.median(docs[n]):.1f}", f"{statistics.median(query[n]) * 1e3:.1f}",
             f"{cosine[n].mean():.6f} / {cosine[n].min():.6f}") for n in variants]


def corpus_chunks(n: int) -> list[str]:
    from ragagent.ingest import Chunker, ChunkingOptions, load_file

    data = Path(os.environ.get("RAGAGENT_BENCH_DATA", ROOT.parent / "shared" / "data")) / "scifact" / "corpus.jsonl"
    source = data if data.is_file() else None
    texts: list[str] = []
    chunker = Chunker(ChunkingOptions())
    for path in [source] if source else sorted((ROOT / "examples" / "corpus").iterdir()):
        texts += [c.text for c in chunker.chunk(load_file(path, path.name).pages)]
    picks = np.linspace(0, len(texts) - 1, min(n, len(texts))).astype(int)
    return [texts[i] for i in picks]


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/ragagent-bench/demo-index"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chunks", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scifact-index", type=Path, default=None)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at start; " + ", ".join(
              f"{p} {metadata.version(p)}" for p in ("torch", "sentence-transformers", "onnxruntime", "tokenizers")))
    if not (args.index / "manifest.json").exists():
        subprocess.run([str(BIN / "ragagent"), "ingest", "examples/corpus", "--index", str(args.index)], env=ENV,
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "ragagent.onnx_export"], env=ENV, check=True, cwd=ROOT)

    print("\n## CLI start-up (fresh processes)\n")
    print(table(("command", "wall s, median", "wall min / max", "CPU s (user+sys), median", "peak RSS MiB"),
                cli_table(args.index, args.runs)))
    print(f"\nload average {os.getloadavg()[0]:.1f} after the CLI runs")
    print("\n## Heavy modules each command loads\n")
    print(table(("command", "loaded"), loaded_modules(args.index)))
    print("\n## Import time by package (self time summed, ms)\n")
    print(table(("`import ragagent.cli`", "ms"), import_profile("import ragagent.cli")))
    print(table(("`import sentence_transformers`", "ms"), import_profile("import sentence_transformers")))
    print("\n## Hybrid hits, ONNX vs torch query vectors (k=10)\n")
    rows = [parity(args.index, QUERIES)]
    if args.scifact_index:
        from ragagent.evaluation import read_queries

        data = Path(os.environ.get("RAGAGENT_BENCH_DATA", ROOT.parent / "shared" / "data"))
        claims = [q.text for q in read_queries(data / "scifact" / "queries.jsonl")][:300]
        rows.append(parity(args.scifact_index, claims))
    print(table(("index", "identical hit lists", "max |score diff|"), rows))
    print(f"\n## Embedding: {args.chunks} chunks at batch 16 / 128 tokens, and single queries\n")
    print(table(("encoder", "chunks/s", "query ms (p50)", "cosine to torch mean / min"),
                encoders(corpus_chunks(args.chunks), args.rounds)))
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
