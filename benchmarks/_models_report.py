"""The BENCHMARKS.md tables of ``bench_models.py``, from its per-item JSONL results (not a benchmark itself)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from math import sqrt
from pathlib import Path
from statistics import mean, median, stdev
from typing import Any

MODES = ("pal", "rag", "react")


def _rows(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in records if r.get("meta")], [r for r in records if not r.get("meta")]


def _table(headers: Sequence[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def _speed(metas: list[dict[str, Any]], items: list[dict[str, Any]]) -> list[str]:
    prompt_ms, gen_ms = sum(r["prompt_ms"] for r in items), sum(r["gen_ms"] for r in items)
    return [f"{median(m['load_s'] for m in metas):.1f}",
            f"{sum(r['prompt_n'] for r in items) / max(prompt_ms / 1e3, 1e-9):.0f}",
            f"{sum(r['gen_n'] for r in items) / max(gen_ms / 1e3, 1e-9):.1f}",
            f"{median(r['seconds'] for r in items):.1f}", f"{max(r['rss_mb'] for r in items):.0f}"]


SPEED = ["load s", "prompt tok/s", "gen tok/s", "median s/answer", "peak RSS MB"]


def se(values: Sequence[float]) -> float:
    """Standard error of the mean (0 for fewer than two values)."""
    return stdev(values) / sqrt(len(values)) if len(values) > 1 else 0.0


def share(values: Sequence[bool]) -> str:
    """``k/n = p% ± se`` for a proportion."""
    k, n = sum(values), len(values)
    return f"{k}/{n} = {k / n:.0%} ± {se([float(v) for v in values]):.0%}" if n else "–"


def score(values: Sequence[float]) -> str:
    return f"{mean(values):.2f} ± {se(values):.2f}" if values else "–"


def _name(path: Path, mode: str) -> tuple[str, str] | None:
    """(model, run) from ``<model>-<mode>-<split>[-<tag>].jsonl``."""
    model, sep, run = path.stem.partition(f"-{mode}-")
    return (model, run) if sep else None


def report(results: Path) -> str:
    out = []
    for mode in MODES:
        rows: list[list[str]] = []
        for path in sorted(results.glob(f"*-{mode}-*.jsonl")):
            named = _name(path, mode)
            if named is None:
                continue
            model, run = named
            metas, items = _rows(path)
            if not items:
                continue
            if mode == "pal":
                rows.append([model, run, share([r["correct"] for r in items]),
                             f"{sum(r['attempts'] > 1 for r in items)}", *_speed(metas, items)])
            elif mode == "rag":
                rows.append([model, run, *_rag(items), *_speed(metas, items)])
            else:
                rows.append([model, run, *_react(items, results / f"{model}-rag-{run}.jsonl"), *_speed(metas, items)])
        if not rows:
            continue
        headers = {"pal": ["model", "run", "GSM8K correct (N)", "repair rounds"],
                   "rag": ["model", "run", "N answerable", "contains gold", "F1", "declined (answerable)",
                           "sentences cited by model",
                           "citation precision (gold): model's numbers", "citation precision (gold): shown",
                           "citations corrected", "N abstain", "abstained"],
                   "react": ["model", "run", "N", "ReAct F1", "ReAct contains gold", "RAG F1 (same questions)",
                             "RAG contains gold (same questions)", "mean steps", "parse errors / steps",
                             "runs ending in parse failure"]}
        out.append(f"### {mode}\n\n" + _table(headers[mode] + SPEED, rows))
    return "\n\n".join(out)


def _rag(items: list[dict[str, Any]]) -> list[str]:
    answerable = [r for r in items if not r["abstain"]]
    abstain = [r for r in items if r["abstain"]]
    cited = sum(r["cited_sentences"] for r in answerable if r["answered"])
    said = sum(r["sentences"] for r in answerable if r["answered"])
    own, on_gold = sum(r["own_citations"] for r in answerable), sum(r["gold_citations"] for r in answerable)
    named = [r for r in answerable if "model_citations" in r]  # recorded since the citation correction
    model, model_gold = sum(r["model_citations"] for r in named), sum(r["model_gold"] for r in named)
    return [str(len(answerable)), share([r["contains"] for r in answerable]), score([r["f1"] for r in answerable]),
            f"{sum(not r['answered'] for r in answerable)}/{len(answerable)}",
            f"{cited}/{said} = {cited / said:.0%}" if said else "–",
            f"{model_gold}/{model} = {model_gold / model:.2f}" if model else "–",
            f"{on_gold}/{own} = {on_gold / own:.2f}" if own else "–",
            str(sum(r.get("corrected", 0) for r in answerable)) if named else "–", str(len(abstain)),
            f"{sum(not r['answered'] for r in abstain)}/{len(abstain)}" if abstain else "–"]


def _react(items: list[dict[str, Any]], rag_path: Path) -> list[str]:
    rag = {r["id"]: r for r in _rows(rag_path)[1]} if rag_path.exists() else {}
    same = [rag[r["id"]] for r in items if r["id"] in rag]
    react_same = [r for r in items if r["id"] in rag]
    steps = sum(r["steps"] for r in items)
    diff = [a["f1"] - b["f1"] for a, b in zip(react_same, same, strict=True)]
    return [str(len(items)), score([r["f1"] for r in items]), share([r["contains"] for r in items]),
            f"{mean(r['f1'] for r in same):.2f} vs ReAct {mean(r['f1'] for r in react_same):.2f} "
            f"(N={len(same)}; ReAct − RAG = {score(diff)})" if same else "–",
            f"{mean(r['contains'] for r in same):.0%} vs ReAct {mean(r['contains'] for r in react_same):.0%}"
            if same else "–", f"{steps / len(items):.1f}",
            f"{sum(r['parse_errors'] for r in items)}/{steps}",
            f"{sum(r['parse_failure'] for r in items)}/{len(items)}"]
