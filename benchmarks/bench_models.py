"""Local models per mode: PAL on GSM8K, RAG and ReAct on HotpotQA; speed and memory of each model.

    python benchmarks/bench_models.py --model qwen2.5-coder-1.5b --mode pal --limit 100
    python benchmarks/bench_models.py --model qwen2.5-coder-1.5b --mode rag --split test --limit 30
    python benchmarks/bench_models.py --model qwen2.5-coder-1.5b --mode react --split test --limit 20
    python benchmarks/bench_models.py --report          # the markdown tables for BENCHMARKS.md

One process per (model, mode, split); every item is appended to
``$CACHE/results/models/<model>-<mode>-<split>[-<tag>].jsonl`` as soon as it is done, and a re-run skips
the items already there, so a run can be stopped and resumed and the report always states the N it is
based on.

HotpotQA questions are split by a hash of the question id into **dev** (prompt work) and **test**
(reported numbers), so no prompt is tuned on the questions it is judged by; ``--split first`` takes the
first queries of the file regardless (the earliest runs).

* **pal** — the first ``--limit`` problems of ``gsm8k/test.jsonl``: answer correct (numeric match).
* **rag** — HotpotQA questions over one index of its paragraphs, built without the gold paragraphs of
  the *abstention* questions (``ABSTAIN`` = queries 200–219): answerable = the first ``--limit`` queries
  (answer contains gold, EM/F1, the model's own citations that name a gold paragraph, share of answer
  sentences the model cited itself); abstention = the 20 questions whose paragraphs were removed
  (answer says the documents do not say).
* **react** — the first ``--limit`` queries of the split with the default tools (EM/F1, steps, parse errors, runs ending
  in a parse failure), next to RAG alone on the same questions (from the rag results).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import resource
import string
import sys
import time
from collections import Counter
from itertools import zip_longest
from pathlib import Path
from typing import Any

from _common import CACHE, DATA, index_of, machine_info, read_jsonl

from ragagent.rag.citations import SENTENCE_END  # the answer's sentences as ragagent splits them

RESULTS = CACHE / "results" / "models"
SPEED_FIELDS = ("seconds", "rss_mb", "prompt_n", "prompt_ms", "gen_n", "gen_ms")
ABSTAIN = range(200, 220)
_CITE = re.compile(r"\[\d+\]")


def normalize(text: str) -> str:
    """SQuAD/HotpotQA answer normalisation: lower case, no punctuation, articles or extra spaces."""
    text = _CITE.sub(" ", text).lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text).split())


def f1(prediction: str, gold: str) -> float:
    pred, ref = normalize(prediction).split(), normalize(gold).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text.strip()) if s.strip()]


def split_of(qid: str) -> str:
    """``dev`` or ``test``: half of the questions each, fixed by the id's sha256 (not by file order)."""
    return "dev" if int(hashlib.sha256(qid.encode()).hexdigest()[:8], 16) % 2 == 0 else "test"


def chosen_queries(queries: list[dict[str, Any]], split: str, limit: int, abstain_limit: int) -> list[int]:
    """Query positions to run: the first ``limit`` answerable ones of ``split``, interleaved evenly with
    its first ``abstain_limit`` abstention questions (so a run stopped early still measures both)."""
    def wanted(i: int) -> bool:
        return split == "first" or split_of(queries[i]["_id"]) == split

    answerable = [i for i in range(len(queries)) if i not in ABSTAIN and wanted(i)][:limit]
    abstain = [i for i in ABSTAIN if wanted(i)][:abstain_limit]
    every = max(1, len(answerable) // max(len(abstain), 1))
    groups = [answerable[j: j + every] for j in range(0, len(answerable), every)]
    return [i for group, extra in zip_longest(groups, abstain, fillvalue=[]) for i in [*group, extra]
            if isinstance(i, int)]


def hotpot() -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    queries = read_jsonl(DATA / "hotpotqa" / "queries.jsonl")
    gold: dict[str, set[str]] = {}
    for line in (DATA / "hotpotqa" / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        qid, doc, _ = line.split("\t")
        gold.setdefault(qid, set()).add(doc)
    return queries, gold


def hotpot_index() -> Any:
    """The HotpotQA paragraphs minus the gold paragraphs of the abstention questions (built once)."""
    queries, gold = hotpot()
    removed = set().union(*(gold[queries[i]["_id"]] for i in ABSTAIN))
    corpus = CACHE / "hotpotqa-abstain" / "corpus.jsonl"
    if not corpus.exists():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        kept = [r for r in read_jsonl(DATA / "hotpotqa" / "corpus.jsonl") if r["_id"] not in removed]
        corpus.write_text("".join(json.dumps(r) + "\n" for r in kept), encoding="utf-8")
    return index_of(corpus, CACHE / "hotpotqa-abstain-c1000")


def perf(llm: Any) -> dict[str, float]:
    """llama.cpp's cumulative prompt/generation counters (reset after reading)."""
    import llama_cpp

    ctx = llm.model._ctx.ctx
    data = llama_cpp.llama_perf_context(ctx)
    llama_cpp.llama_perf_context_reset(ctx)
    return {"prompt_n": data.n_p_eval, "prompt_ms": data.t_p_eval_ms, "gen_n": data.n_eval, "gen_ms": data.t_eval_ms}


def run_pal(llm: Any, item: dict[str, Any], settings: Any) -> dict[str, Any]:
    from ragagent.evaluation.pal import extract_gsm8k_answer, numbers_match
    from ragagent.pal import answer_pal
    from ragagent.sandbox import BubblewrapExecutor

    expected = extract_gsm8k_answer(item["answer"])
    answer = answer_pal(item["question"], llm, executor=BubblewrapExecutor(), settings=settings)
    return {"correct": answer.answered and numbers_match(answer.value, expected), "expected": expected,
            "predicted": answer.text, "attempts": len(answer.steps), "error": answer.steps[-1].error}


class Tape:
    """The model between RAG and the benchmark: records what it streams (``heard``: the model's own text,
    before ragagent corrects or adds any citation), or, with ``reply`` set, plays that text back instead of
    generating — with the real model's tokenizer, context window and prompt style, so retrieval and packing
    are exactly those of the recorded run. ``--replay`` uses it to measure a change made *after* generation
    (citation checks, correction, attribution) on the same outputs: generation is greedy with a fixed seed, so
    a new run would produce the same text."""

    def __init__(self, llm: Any) -> None:
        self.llm, self.reply, self.heard = llm, None, list[str]()  # reply: str | None

    @property
    def prompt_style(self) -> Any:
        return self.llm.prompt_style

    @property
    def context_window(self) -> int:
        return int(self.llm.context_window)

    def count_tokens(self, text: str) -> int:
        return int(self.llm.count_tokens(text))

    def stream(self, prompt: Any, *, stop: Any = (), settings: Any = None) -> Any:
        pieces = (re.findall(r"\S+\s*|\s+", self.reply) if self.reply is not None
                  else self.llm.stream(prompt, stop=stop, settings=settings))
        for piece in pieces:  # a replay goes word by word, as a model streams
            self.heard.append(piece)
            yield piece

    def complete(self, prompt: Any, *, stop: Any = (), settings: Any = None) -> Any:
        raise NotImplementedError("the tape only streams (RAG answers)")


def run_rag(tape: Tape, item: dict[str, Any], settings: Any, index: Any, gold: set[str]) -> dict[str, Any]:
    from ragagent.rag.answer import RagOptions, RagRun
    from ragagent.rag.citations import CitationVerifier, parse_claims

    tape.heard.clear()
    run = RagRun(item["text"], index, tape, settings, RagOptions(k=5), CitationVerifier())
    for _ in run:
        pass
    raw = "".join(tape.heard).strip()  # what the model wrote, before ragagent corrects or adds citations
    answer = run.result()
    shown = [h.chunk.span.source.split("#", 1)[-1] for h in answer.hits]
    # The passages the model's own markers name (once each), and the citations shown for them after checking:
    # the model's (kept or corrected to the passage that supports the claim), not those added to uncited sentences.
    named = {n for claim in parse_claims(raw) for n in claim.numbers if 1 <= n <= len(shown)}
    named = named if answer.answered else set()
    own = [c for c in answer.citations if c.origin != "attributed"]
    said = sentences(raw)
    return {"text": answer.text, "raw": raw, "answered": answer.answered, "gold": item["answer"],
            "contains": normalize(item["answer"]) in normalize(answer.text), "f1": f1(answer.text, item["answer"]),
            "em": normalize(answer.text) == normalize(item["answer"]),
            "cited_sentences": sum(bool(_CITE.search(s)) for s in said), "sentences": len(said),
            "model_citations": len(named), "model_gold": sum(shown[n - 1] in gold for n in named),
            "own_citations": len(own), "gold_citations": sum(c.source.split("#", 1)[-1] in gold for c in own),
            "corrected": sum(c.origin == "corrected" for c in own),
            "gold_shown": len(gold & {h.chunk.span.source.split("#", 1)[-1] for h in answer.hits}),
            "verified": sum(c.verified for c in own)}


def run_react(llm: Any, item: dict[str, Any], settings: Any, index: Any) -> dict[str, Any]:
    from ragagent.react import run_react as react
    from ragagent.sandbox import BubblewrapExecutor
    from ragagent.tools import default_tools

    answer = react(item["text"], llm, default_tools(index, BubblewrapExecutor(), k=4), settings=settings,
                   max_steps=6, search_first=True)
    errors = [s for s in answer.steps if (s.error or "").startswith("parse error")]
    return {"text": answer.text, "gold": item["answer"], "f1": f1(answer.text, item["answer"]),
            "em": normalize(answer.text) == normalize(item["answer"]),
            "contains": normalize(item["answer"]) in normalize(answer.text), "steps": len(answer.steps),
            "parse_errors": len(errors), "complete": answer.complete,
            "parse_failure": any((s.error or "") == "too many unparsable replies" for s in answer.steps)}


def replay_rows(path: Path) -> dict[str, dict[str, Any]]:
    """A results file's rows by id; only files whose ``raw`` is the model's own text (recorded by :class:`Tape`)."""
    records = read_jsonl(path)
    if not all(r.get("raw") == "model" for r in records if r.get("meta")):
        raise SystemExit(f"{path}: recorded before the model's own text was kept (its 'raw' is the final answer "
                         "text, with ragagent's citations); it cannot be replayed")
    return {r["id"]: r for r in records if "id" in r}


def measure(args: argparse.Namespace) -> None:
    from ragagent.llm import GenerationSettings, load_llm

    tag = f"-{args.tag}" if args.tag else ""
    split = "first" if args.mode == "pal" else args.split  # GSM8K: always the first problems
    out = RESULTS / f"{args.model}-{args.mode}-{split}{tag}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    done = {r["id"] for r in read_jsonl(out) if "id" in r} if out.exists() else set()
    index = hotpot_index() if args.mode in ("rag", "react") else None
    began = time.perf_counter()
    llm = load_llm(f"local:{args.model}", n_ctx=args.n_ctx, n_threads=args.threads)
    replayed = replay_rows(args.replay) if args.replay else {}
    tape = Tape(llm)
    meta = {"meta": True, "raw": "model", "load_s": time.perf_counter() - began, "n_ctx": args.n_ctx,
            "machine": machine_info(), "threads": args.threads,
            "max_tokens": args.max_tokens, "command": " ".join(sys.argv)}
    settings = GenerationSettings(temperature=0.0, max_tokens=args.max_tokens, repeat_penalty=args.repeat_penalty)
    if not args.replay:
        perf(llm)
    if args.mode == "pal":
        items = [(f"gsm8k-{i}", r) for i, r in enumerate(read_jsonl(DATA / "gsm8k" / "test.jsonl")[: args.limit])]
    else:
        queries, gold = hotpot()
        chosen = chosen_queries(queries, args.split, args.limit, args.abstain if args.mode == "rag" else 0)
        items = [(queries[i]["_id"], {**queries[i], "abstain": i in ABSTAIN}) for i in chosen]
    with out.open("a", encoding="utf-8") as sink:
        sink.write(json.dumps(meta) + "\n")
        for item_id, item in items:
            if item_id in done or (args.replay and item_id not in replayed):
                continue
            tape.reply = replayed[item_id]["raw"] if args.replay else None
            started = time.perf_counter()
            if args.mode == "pal":
                row = run_pal(llm, item, settings)
            elif args.mode == "rag":
                row = run_rag(tape, item, settings, index, gold[item_id])
            else:
                row = run_react(llm, item, settings, index)
            row |= {"id": item_id, "abstain": item.get("abstain", False), "seconds": time.perf_counter() - started,
                    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
            # A replay keeps the generating run's speed (it generated nothing itself).
            row |= {k: replayed[item_id][k] for k in SPEED_FIELDS} if args.replay else perf(llm)
            sink.write(json.dumps(row) + "\n")
            sink.flush()
            print(f"{item_id}: {json.dumps({k: row[k] for k in row if k not in ('raw', 'text')})[:300]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--mode", choices=("pal", "rag", "react"), default="pal")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--split", choices=("dev", "test", "first"), default="test",
                        help="HotpotQA questions: the dev or test half (by id hash), or the first ones in file order")
    parser.add_argument("--abstain", type=int, default=len(ABSTAIN),
                        help="rag: at most this many abstention questions (of the split's), spread over the run")
    parser.add_argument("--tag", default="", help="a suffix of the results file (e.g. the prompt variant)")
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=384)
    parser.add_argument("--repeat-penalty", type=float, default=1.1)
    parser.add_argument("--replay", type=Path, default=None,
                        help="rag: play back this results file's answers instead of generating (see Tape)")
    parser.add_argument("--report", action="store_true", help="print the tables from the stored results")
    args = parser.parse_args()
    if args.replay and args.mode != "rag":
        parser.error("--replay plays back RAG answers: use it with --mode rag")
    if args.report:
        from _models_report import report

        print(report(RESULTS))
    else:
        measure(args)


if __name__ == "__main__":
    main()
