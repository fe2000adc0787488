"""RAG link following (``ragagent.links``) on HotpotQA: are both supporting paragraphs shown?

    python benchmarks/bench_links.py            # dev and test halves, links 0 (off) / 1 / 2 / 3

The passages RAG would show (k=5 hybrid hits, relevance floor, then ``follow_links``), without a model:
share of questions with both / at least one gold paragraph shown, and the share of shown passages that are
gold. Same index and dev/test halves as ``bench_models.py`` (the abstention questions excluded). Results:
``$CACHE/results/links.json``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from _common import CACHE, machine_info
from bench_models import ABSTAIN, hotpot, hotpot_index, split_of

from ragagent.links import follow_links
from ragagent.options import RagOptions
from ragagent.rag.answer import relevant_hits

K = 5


def measure(index: Any, questions: list[dict[str, Any]], gold: dict[str, set[str]], links: int) -> dict[str, Any]:
    both = some = 0
    precision = 0.0
    started = time.perf_counter()
    for q in questions:
        hits = relevant_hits(index, q["text"], index.retrieve(q["text"], k=K), RagOptions())
        shown = [h.chunk.span.source.split("#", 1)[-1] for h in follow_links(index, q["text"], hits, k=K, links=links)]
        found = len(gold[q["_id"]] & set(shown))
        both, some = both + (found == 2), some + (found > 0)
        precision += found / max(len(shown), 1)
    n = len(questions)
    return {"links": links, "n": n, "both_gold": both / n, "any_gold": some / n, "gold_share": precision / n,
            "ms_per_question": 1e3 * (time.perf_counter() - started) / n}


def main() -> None:
    queries, gold = hotpot()
    index = hotpot_index()
    rows = []
    for split in ("dev", "test"):
        chosen = [q for i, q in enumerate(queries) if i not in ABSTAIN and split_of(q["_id"]) == split]
        for links in (0, 1, 2, 3):
            row = {"split": split, **measure(index, chosen, gold, links)}
            rows.append(row)
            print(f"{split:4s} links={links} N={row['n']} both gold {row['both_gold']:.2f}  any gold "
                  f"{row['any_gold']:.2f}  gold share {row['gold_share']:.2f}  {row['ms_per_question']:.0f} ms/q")
    out = CACHE / "results" / "links.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine_info(), "k": K, "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
