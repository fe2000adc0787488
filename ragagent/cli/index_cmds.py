"""``ragagent ingest``, ``search`` and ``info``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ragagent.cli.app import DEFAULT_INDEX, EXIT_PARTIAL, IndexOption, app, console, err_console, one_line_errors
from ragagent.cli.render import RichProgress, hit_to_json, hits_table, report_lines
from ragagent.index import Index, IngestOptions, SearchOptions, ingest_paths
from ragagent.index.sparse import check_engine
from ragagent.types import SearchMode


@app.command()
@one_line_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (.txt .md .html .pdf .jsonl).")],
    index: IndexOption = DEFAULT_INDEX,
    chunk_size: Annotated[int | None, typer.Option(help="Chunk size in characters [default: 1000].")] = None,
    chunk_overlap: Annotated[int | None, typer.Option(help="Overlap in characters [default: 150].")] = None,
    embedding_model: Annotated[str | None, typer.Option(help="sentence-transformers name or path.")] = None,
    bm25_engine: Annotated[str | None, typer.Option(help="bm25s (default) or rank-bm25.")] = None,
    dense: Annotated[str | None, typer.Option("--dense", help="FAISS index: flat (default) or hnsw.")] = None,
    include: Annotated[list[str] | None, typer.Option(help="Only files matching this glob (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Skip files matching this glob (repeatable).")] = None,
    max_file_mb: Annotated[float, typer.Option(help="Skip files larger than this.")] = 50.0,
    prune: Annotated[bool, typer.Option(help="Remove indexed files not found this time.")] = False,
    strict: Annotated[bool, typer.Option(help="Abort on any failure without touching the index.")] = False,
) -> None:
    """Load, chunk, embed and index documents (incremental; atomic commit)."""
    options = IngestOptions(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, embedding_model=embedding_model,
        bm25_engine=check_engine(bm25_engine) if bm25_engine else None,
        dense_kind=dense,  # type: ignore[arg-type]  # validated when the index is built
        include=tuple(include or ()), exclude=tuple(exclude or ()), max_file_mb=max_file_mb,
        prune=prune, strict=strict,
    )
    with RichProgress.create(err_console) as bars:
        report = ingest_paths(paths, index, options=options, progress=RichProgress(bars))
    for line in report_lines(report):
        console.print(line, highlight=False)
    if report.partial:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
@one_line_errors
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    index: IndexOption = DEFAULT_INDEX,
    k: Annotated[int, typer.Option("--k", "-k", help="Number of hits.")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid, dense or sparse.")] = "hybrid",
    fusion: Annotated[str, typer.Option(help="Hybrid fusion: convex (default) or rrf.")] = "convex",
    as_json: Annotated[bool, typer.Option("--json", help="Print hits as JSON.")] = False,
) -> None:
    """Search the index and print ranked hits with source:page, score and snippet."""
    opened = Index.open(index)
    hits = opened.search(query, k=k, mode=_mode(mode), options=SearchOptions(fusion=fusion))  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps([hit_to_json(h) for h in hits], indent=2, ensure_ascii=False))
    elif not hits:
        console.print("no hits")
    else:
        console.print(hits_table(hits))


def _mode(mode: str) -> SearchMode:
    from ragagent.errors import ConfigError

    if mode not in ("hybrid", "dense", "sparse"):
        raise ConfigError(f"--mode must be hybrid, dense or sparse, not {mode!r}")
    return mode  # type: ignore[return-value]


@app.command()
@one_line_errors
def info(index: IndexOption = DEFAULT_INDEX) -> None:
    """Print the index manifest and counts."""
    opened = Index.open(index, verify=True)
    typer.echo(opened.manifest.to_json().rstrip())
    files = opened.store.files()
    typer.echo(f"{len(files)} files, {len(opened)} chunks in {opened.directory}")
