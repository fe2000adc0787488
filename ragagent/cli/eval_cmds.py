"""``ragagent eval retrieval | rag | pal | citations``: quality numbers from the command line."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ragagent.cli.app import DEFAULT_INDEX, IndexOption, console, err_console, one_line_errors, usage_error
from ragagent.cli.ask_cmds import ConfigOption, LlmOption, VerifyWithOption, build_agent, settings_from
from ragagent.cli.render import print_table
from ragagent.errors import ConfigError
from ragagent.retriever import DEFAULT_FUSION, SEARCH_MODES, Fusion

eval_app = typer.Typer(help="Evaluate retrieval (BEIR), RAG answers, PAL on GSM8K, or citation checking.",
                       no_args_is_help=True)


def _read_jsonl(path: Path, limit: int | None) -> list[dict[str, Any]]:
    if not path.is_file():
        raise ConfigError(f"{path} does not exist")
    rows: list[dict[str, Any]] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
        if limit is not None and len(rows) >= limit:
            break
    return rows


def _table(rows: list[dict[str, Any]]) -> Table:
    table = Table()
    for key in rows[0]:
        table.add_column(key, justify="right" if key != "mode" else "left")
    for row in rows:
        table.add_row(*(f"{v:.4f}" if isinstance(v, float) else str(v) for v in row.values()))
    return table


@eval_app.command("retrieval")
@one_line_errors
def retrieval(
    corpus: Annotated[Path, typer.Option(help="BEIR corpus.jsonl (ingested into --index, or reused).")],
    queries: Annotated[Path, typer.Option(help="BEIR queries.jsonl.")],
    qrels: Annotated[Path, typer.Option(help="BEIR qrels TSV (query-id, corpus-id, score).")],
    index: IndexOption = DEFAULT_INDEX,
    modes: Annotated[str, typer.Option(help="Comma-separated: dense,sparse,hybrid.")] = "dense,sparse,hybrid",
    fusion: Annotated[Fusion, typer.Option(help="Hybrid fusion: convex, rrf, or (Milvus index) milvus-rrf or "
                                                "milvus-weighted.")] = DEFAULT_FUSION,
    limit: Annotated[int | None, typer.Option(min=1, help="Evaluate only the first N judged queries.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """nDCG@10, recall@10/100 and MRR@10 per search mode over BEIR-format data."""
    from ragagent.evaluation import evaluate_mode, read_qrels, read_queries
    from ragagent.index import SearchOptions, open_index
    from ragagent.ingest import ingest_paths

    names = [m.strip() for m in modes.split(",")]
    chosen = [mode for name in names for mode in SEARCH_MODES if mode == name]  # typed: list[SearchMode]
    if len(chosen) < len(names):
        raise usage_error(f"{next(n for n in names if n not in SEARCH_MODES)!r} is not one of dense, sparse, hybrid",
                          "'--modes'")

    judged = read_qrels(qrels)
    qs = read_queries(queries, set(judged))[:limit]
    report = ingest_paths([corpus], index)  # incremental: an unchanged corpus is reused as is
    if report.failures:
        raise ConfigError(f"{corpus}: {report.failures[0].reason}")
    options = SearchOptions(fusion=fusion)
    with contextlib.closing(open_index(index)) as opened:
        rows = [asdict(evaluate_mode(opened, qs, judged, mode, options)) for mode in chosen]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        print_table(console, _table(rows))


@eval_app.command("rag")
@one_line_errors
def rag(
    file: Annotated[Path, typer.Argument(help="JSONL with question, answer and optional gold_sources.")],
    index: IndexOption = DEFAULT_INDEX,
    llm: LlmOption = None,
    config: ConfigOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N questions.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Answer quality (EM, contains, F1, ROUGE-L), citation precision and the "not in the documents" rate."""
    from ragagent.evaluation.answers import RagItem, score_answers

    rows = _read_jsonl(file, limit)
    items = [RagItem(str(r["question"]), str(r["answer"]), tuple(map(str, r.get("gold_sources", ()))))
             for r in rows if "question" in r and "answer" in r]
    if not items:
        raise ConfigError(f"{file}: no records with question and answer")
    agent = build_agent(settings_from(index, config, llm=llm))
    answers = []
    for i, item in enumerate(items, start=1):
        answers.append(agent.ask(item.question, mode="rag"))
        err_console.print(f"[dim]{i}/{len(items)}[/]", end="\r")
    scores = asdict(score_answers(items, answers))
    typer.echo(json.dumps(scores, indent=2)) if as_json else print_table(console, _table([scores]))


@eval_app.command("pal")
@one_line_errors
def pal(
    file: Annotated[Path, typer.Argument(help="GSM8K-format JSONL: question, answer ending in '#### N'.")],
    llm: LlmOption = None,
    config: ConfigOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N problems.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """PAL accuracy on GSM8K-format problems with the configured model, in the sandbox."""
    from ragagent.agent import llm_from_settings
    from ragagent.evaluation.pal import evaluate_pal

    settings = settings_from(DEFAULT_INDEX, config, llm=llm)
    model = llm_from_settings(settings)
    limits = settings.sandbox_limits()  # the same generation and sandbox settings as `ask --mode pal`
    result = evaluate_pal(_read_jsonl(file, limit), model, limit=limit, settings=settings.generation("pal"),
                          timeout_s=limits.timeout_s, memory_mb=limits.memory_mb)
    summary = {"n": result.n, "correct": result.correct, "accuracy": result.accuracy}
    typer.echo(json.dumps(summary, indent=2)) if as_json else print_table(console, _table([summary]))


@eval_app.command("citations")
@one_line_errors
def citations(
    file: Annotated[Path, typer.Argument(help="JSONL rows {claim, passage, label[, kind]}; label 'supported' or not.")],
    verify_with: VerifyWithOption = None,
    index: Annotated[str | None, typer.Option("--index", help="Take term rarity and the embedder from this index "
                                               "(default: rarity from the file's passages).")] = None,
    llm: LlmOption = None,
    config: ConfigOption = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N rows.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Verified rate per label and per kind, and the precision/recall of "verified"."""
    from ragagent.evaluation.citations import evaluate_citations, read_labelled, report_rows
    from ragagent.rag.judges import index_rarity, make_checker
    from ragagent.rag.support import CorpusRarity, Rarity

    rows = read_labelled(file, limit)
    settings = settings_from(index or DEFAULT_INDEX, config, llm=llm, verify_with=verify_with)
    kind = settings.verify_with
    rarity: Rarity | None = CorpusRarity.from_texts(dict.fromkeys(r.passage for r in rows))
    embedder, model = None, None
    with contextlib.ExitStack() as stack:  # the index stays open while the checker reads its terms, then is closed
        if index is not None:
            from ragagent.index import open_index

            opened = stack.enter_context(contextlib.closing(open_index(index)))
            rarity = index_rarity(opened)
            embedder = getattr(opened, "embedder", None) if kind == "embedding" else None
        elif kind == "embedding":
            from ragagent.embeddings import SentenceTransformerEmbedder

            embedder = SentenceTransformerEmbedder()
        if kind == "llm":
            from ragagent.agent import llm_from_settings

            model = llm_from_settings(settings)
        report = evaluate_citations(rows, make_checker(kind, rarity=rarity, embedder=embedder, llm=model))
    summary = {"checker": kind, "n": report.n, "precision": report.precision, "recall": report.recall}
    if as_json:
        typer.echo(json.dumps({**summary, "groups": report_rows(report)}, indent=2))
        return
    print_table(console, _table(report_rows(report)))
    console.print(f"checker {kind}: {report.n} claims; precision of verified {report.precision:.3f}, "
                  f"recall {report.recall:.3f}")
