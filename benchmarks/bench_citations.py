"""Citation checking on a contrastive set built from SciFact abstracts and HotpotQA supporting paragraphs.

Builds the set with :mod:`ragagent.evaluation.contrastive` for each ``--seeds`` value (written to
``CACHE/citations-SEED.jsonl``, never into the repository) and prints, per checker, the verified rate per kind
(the table of issue 9), precision/recall of "verified" and the time per claim. Term rarity comes from the set's
own passages (as ``ragagent eval citations FILE`` does), or with ``--rarity corpus`` from the full SciFact +
HotpotQA corpora (8,149 documents, like an index over them).

    python benchmarks/bench_citations.py [--seeds 13,14,15] [--checkers lexical,embedding] [--rarity file|corpus]
    python benchmarks/bench_citations.py --checkers llm --llm local --limit 200   # the LLM judge on a sample
"""

from __future__ import annotations

import argparse
import json
import random
import time

from _common import CACHE, DATA, dataset, machine_info, read_jsonl, table

from ragagent.evaluation.citations import LabelledClaim, evaluate_citations
from ragagent.evaluation.contrastive import build
from ragagent.rag.judges import make_checker
from ragagent.rag.support import CorpusRarity, Rarity

TARGETS = {"verbatim": "≥ 0.95", "q_right": "≥ 0.85", "swapped": "≤ 0.05", "number_changed": "≤ 0.05",
           "negated": "≤ 0.05", "q_wrong": "≤ 0.10", "q_distractor": "(no target)", "unrelated": "(no target)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="13")
    parser.add_argument("--per-dataset", type=int, default=300)
    parser.add_argument("--checkers", default="lexical")
    parser.add_argument("--rarity", choices=("file", "corpus", "none"), default="file")
    parser.add_argument("--llm", default="local", help="model spec for --checkers llm")
    parser.add_argument("--limit", type=int, default=None, help="evaluate a random sample of N rows per seed")
    args = parser.parse_args()
    dataset("scifact"), dataset("hotpotqa")
    print(machine_info(), "\n")
    CACHE.mkdir(parents=True, exist_ok=True)
    corpus: Rarity | None = None
    if args.rarity == "corpus":
        texts = [d["text"] for name in ("scifact", "hotpotqa") for d in read_jsonl(DATA / name / "corpus.jsonl")]
        corpus = CorpusRarity.from_texts(texts)
    for seed in (int(s) for s in args.seeds.split(",")):
        raw = build(DATA, seed=seed, per_dataset=args.per_dataset)
        path = CACHE / f"citations-{seed}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in raw), encoding="utf-8")
        rows = [LabelledClaim(r["claim"], r["passage"], r["label"] == "supported", r["kind"]) for r in raw]
        if args.limit is not None:
            rows = random.Random(seed).sample(rows, min(args.limit, len(rows)))
        rarity = corpus if args.rarity == "corpus" else (
            CorpusRarity.from_texts(dict.fromkeys(r.passage for r in rows)) if args.rarity == "file" else None)
        print(f"seed {seed}: {len(rows)} claims, {len({r.passage for r in rows})} passages -> {path}")
        for kind in args.checkers.split(","):
            checker = make_checker(kind, rarity=rarity, **_components(kind, args.llm))
            started = time.perf_counter()
            report = evaluate_citations(rows, checker)
            per_claim_ms = (time.perf_counter() - started) / len(rows) * 1000
            print(f"\nchecker {kind} (rarity: {args.rarity}), {per_claim_ms:.1f} ms/claim")
            print(table(["kind", "n", "verified", "target"],
                        [(r.group, r.n, r.rate, TARGETS.get(r.group, "")) for r in report.by_kind]))
            print(f"precision of verified {report.precision:.3f}, recall {report.recall:.3f}\n")


def _components(kind: str, llm: str) -> dict[str, object]:
    if kind == "embedding":
        from ragagent.embeddings import SentenceTransformerEmbedder

        return {"embedder": SentenceTransformerEmbedder()}
    if kind == "llm":
        from ragagent.llm import load_llm

        return {"llm": load_llm(llm)}
    return {}


if __name__ == "__main__":
    main()
