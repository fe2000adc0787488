"""``ragagent ingest``, ``search`` and ``info``."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Annotated

import typer

from ragagent.cli.app import DEFAULT_INDEX, EXIT_PARTIAL, IndexOption, app, console, err_console, usage_error
from ragagent.cli.render import RichProgress, diagnostic_lines, hit_to_json, hits_table, info_lines, report_lines
from ragagent.options import CHUNK_OVERLAP, CHUNK_SIZE, TOP_K, Bm25Engine, DenseKind
from ragagent.retriever import DEFAULT_FUSION, Fusion
from ragagent.types import SearchMode

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or directories (.txt .md .html .pdf .jsonl); none with --rebuild: "
                        "the sources the index records.", show_default=False),
]


@app.command()
def ingest(
    paths: PathsArgument = None,
    index: IndexOption = DEFAULT_INDEX,
    chunk_size: Annotated[
        int | None, typer.Option(min=20, help=f"Chunk size in characters [default: {CHUNK_SIZE}].")
    ] = None,
    chunk_overlap: Annotated[
        int | None, typer.Option(min=0, help=f"Overlap in characters [default: {CHUNK_OVERLAP}].")
    ] = None,
    embedding_model: Annotated[str | None, typer.Option(help="sentence-transformers name or path.")] = None,
    bm25_engine: Annotated[Bm25Engine | None, typer.Option(help="bm25s (default) or rank-bm25.")] = None,
    dense: Annotated[DenseKind | None, typer.Option("--dense", help="Dense index: flat (exact) or hnsw; a new "
                                                    "Milvus index defaults to auto (flat below 50k chunks, hnsw "
                                                    "above), a directory to flat.")] = None,
    include: Annotated[list[str] | None, typer.Option(help="Only files matching this glob (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Skip files matching this glob (repeatable).")] = None,
    max_file_mb: Annotated[float, typer.Option(min=0.001, help="Skip files larger than this.")] = 50.0,
    prune: Annotated[bool, typer.Option(help="Remove indexed files not found this time.")] = False,
    strict: Annotated[bool, typer.Option(help="Abort on any failure without touching the index.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Build the index afresh (from PATHS, or else from the sources it "
                                               "records); recovers a damaged index, which stays until the new "
                                               "one commits.")] = False,
    ray: Annotated[str | None, typer.Option(
        "--ray", metavar="auto|local|ADDRESS",
        help="Load, chunk and embed on Ray (pip install 'ragagent[ray]'): local starts Ray here, auto joins "
             "the running cluster (else starts one), HOST:PORT or ray://HOST:PORT joins that one.")] = None,
    ray_gpus_per_actor: Annotated[float, typer.Option(
        min=0, help="GPUs per Ray embedding actor (0: CPU actors, one per CPU).")] = 0.0,
    ray_actors: Annotated[int | None, typer.Option(
        min=1, help="Ray embedding actors [default: one per CPU, or per --ray-gpus-per-actor share of the GPUs].")
    ] = None,
) -> None:
    """Load, chunk, embed and index documents (incremental; atomic commit).

    Exit 0 when everything was ingested (or was unchanged), 3 when some files failed and the rest went in,
    1 when nothing could be ingested (the index is left as it was).
    """
    if not paths and not rebuild:
        raise usage_error("give at least one file or directory (or --rebuild to rebuild the index from the "
                          "sources it records)", "PATHS")
    if chunk_size is not None and chunk_overlap is not None and chunk_overlap >= chunk_size:
        raise usage_error(f"{chunk_overlap} is not smaller than --chunk-size {chunk_size}", "'--chunk-overlap'")
    from ragagent.ingest import IngestOptions, RayOptions, ingest_paths

    if ray is None and (ray_gpus_per_actor or ray_actors):
        raise usage_error("only applies with --ray", "'--ray-gpus-per-actor'" if ray_gpus_per_actor else
                          "'--ray-actors'")

    options = IngestOptions(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, embedding_model=embedding_model,
        bm25_engine=bm25_engine, dense_kind=dense,
        include=tuple(include or ()), exclude=tuple(exclude or ()), max_file_mb=max_file_mb,
        prune=prune, strict=strict, rebuild=rebuild,
        ray=RayOptions(ray, gpus_per_actor=ray_gpus_per_actor, actors=ray_actors) if ray is not None else None,
    )
    if err_console.is_terminal:
        with RichProgress.create(err_console) as bars:
            report = ingest_paths(paths or [], index, options=options, progress=RichProgress(bars))
    else:  # no progress bars in logs and pipes
        report = ingest_paths(paths or [], index, options=options)
    for line in report_lines(report):
        console.print(line)
    for line in diagnostic_lines(report):
        err_console.print(line)
    if report.partial:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    index: IndexOption = DEFAULT_INDEX,
    k: Annotated[int, typer.Option("--k", "-k", min=1, help="Number of hits.")] = TOP_K,
    mode: Annotated[SearchMode, typer.Option(help="hybrid, dense or sparse.")] = "hybrid",
    fusion: Annotated[Fusion, typer.Option(help="Hybrid fusion: convex (default) or rrf; on a Milvus index "
                                                "also milvus-rrf or milvus-weighted (Milvus' own rankers).")
                      ] = DEFAULT_FUSION,
    as_json: Annotated[bool, typer.Option("--json", help="Print hits as JSON.")] = False,
) -> None:
    """Search the index and print ranked hits with source:page, score and snippet."""
    from ragagent.index import SearchOptions, open_index

    with contextlib.closing(open_index(index)) as opened:  # a Milvus Lite file is freed for other processes
        hits = opened.retrieve(query, k=k, mode=mode, options=SearchOptions(fusion=fusion))
    if as_json:
        typer.echo(json.dumps([hit_to_json(h) for h in hits], indent=2, ensure_ascii=False))
    elif not hits:
        err_console.print("no hits")
    else:
        console.print(hits_table(hits))


@app.command()
def info(
    index: IndexOption = DEFAULT_INDEX,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest and every source (hash, size, "
                                                          "chunks) as JSON.")] = False,
) -> None:
    """Describe the index: its backend, settings, counts and sources (checksums are verified)."""
    from ragagent.index import open_index

    with contextlib.closing(open_index(index, verify=True)) as opened:
        _print_info(opened, as_json)


def _print_info(opened: object, as_json: bool) -> None:
    from ragagent.index import Index

    if not isinstance(opened, Index):
        from ragagent.cli.render import milvus_info_lines
        from ragagent.index.milvus import MilvusIndex

        assert isinstance(opened, MilvusIndex)
        if as_json:
            typer.echo(json.dumps(opened.describe(), indent=2, ensure_ascii=False))
        else:
            for line in milvus_info_lines(opened.describe()):
                console.print(line)
        return
    files = sorted(opened.store.files().values(), key=lambda f: f.source)
    if as_json:
        data = {
            "backend": "local",
            "index": str(opened.directory.resolve()),
            "manifest": opened.manifest.model_dump(mode="json"),
            "sources": [{"source": f.source, "sha256": f.sha256, "size": f.size, "chunks": f.n_chunks}
                        for f in files],
        }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for line in info_lines(opened, files):
        console.print(line)
