"""Turning results into terminal output and JSON (hits, reports, progress bars)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ragagent.types import Answer, Hit, Step

if TYPE_CHECKING:
    from ragagent.index import Index
    from ragagent.index.backend import FileRecord
    from ragagent.ingest import IngestReport

# C0 controls except tab and newline, DEL, C1 controls, and the bidi/invisible format characters
# (U+061C, U+200B-U+200F, U+202A-U+202E, U+2060-U+2069, U+FEFF) that reorder or hide what a terminal shows
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def visible(text: str) -> str:
    """``text`` safe to show on a terminal: control and bidi characters become escapes like ``\\x1b``.

    Model output and sandboxed programs' stdout/errors may carry OSC 52 clipboard writes, CR overwrites or
    right-to-left overrides; shown raw, they would act on the user's terminal instead of being read.
    Tab and newline stay; so does every printable character.
    """
    return _INVISIBLE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def hit_to_json(hit: Hit) -> dict[str, Any]:
    return {"rank": hit.rank, "score": hit.score, **hit.provenance(), "text": hit.chunk.text,
            "retrievers": hit.scores_by_retriever()}


def snippet(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def hits_table(hits: Sequence[Hit]) -> Table:
    table = Table(show_lines=False, expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("score", justify="right", width=7)
    table.add_column("source", overflow="fold", ratio=1)
    table.add_column("text", ratio=3)
    for h in hits:
        table.add_row(str(h.rank), f"{h.score:.4f}", h.chunk.span.locator(), snippet(h.chunk.text))
    return table


def report_lines(report: IngestReport) -> list[str]:
    """The ingest summary (stdout); warnings and failures are :func:`diagnostic_lines` (stderr)."""
    rate = report.chunks_added / report.duration_s if report.duration_s > 0 else 0.0
    done = "rebuilt, " if report.rebuilt and report.committed else ""
    return [
        f"files: {report.files_seen} seen, {len(report.files_added)} added, {len(report.files_changed)} changed, "
        f"{report.files_unchanged} unchanged, {len(report.files_removed)} removed, {len(report.failures)} failed",
        f"chunks: {report.chunks_added} new, {report.chunks_removed} removed, {report.chunks_total} in index "
        f"({rate:.1f} chunks/s, {report.duration_s:.1f} s)",
        f"index: {escape(report.index_dir)} ({done}sources relative to {escape(report.root)})"
        + ("" if report.committed else " (unchanged, nothing to commit)"),
        *node_lines(report),
    ]


def node_lines(report: IngestReport) -> list[str]:
    """With Ray: one line per node, what it loaded and embedded."""
    if not report.nodes:
        return []
    return [f"ray: {len(report.nodes)} node(s)"] + [
        f"  node {n.node_id[:12]} ({escape(n.address)}): {n.files} files loaded, {n.chunks} chunks embedded"
        for n in report.nodes
    ]


def diagnostic_lines(report: IngestReport) -> list[str]:
    """Warnings (at most 20) and every failure, for stderr."""
    lines = [f"[yellow]warning:[/] {escape(w)}" for w in report.warnings[:20]]
    if len(report.warnings) > 20:
        lines.append(f"[yellow]warning:[/] … {len(report.warnings) - 20} more")
    lines += [f"[red]failed:[/] {escape(f.source)}: {escape(f.reason)}" for f in report.failures]
    return lines


def info_lines(index: Index, files: Sequence[FileRecord]) -> list[str]:
    """A human summary of an index (``info --json`` has everything, one source per entry)."""
    m = index.manifest
    return [
        "backend: local (FAISS + bm25s directory)",
        f"index: {escape(str(index.directory.resolve()))} (format {m.format_version}, generation {m.generation}, "
        f"created {m.created_at})",
        f"sources: {len(files)} files relative to {escape(m.root or '(not recorded: format 1)')}",
        f"chunks: {m.counts.chunks} (size {m.chunk_size}, overlap {m.chunk_overlap})",
        f"embedding: {escape(m.embedding.model)} ({m.embedding.dimension} dimensions), dense index {m.dense_kind}",
        f"sparse: {m.sparse.engine} ({m.sparse.method}, k1={m.sparse.k1}, b={m.sparse.b})",
        "[dim]every source with its hash and chunk count: ragagent info --json[/]",
    ]


def milvus_info_lines(info: dict[str, Any]) -> list[str]:
    """A human summary of a Milvus index (from ``MilvusIndex.describe()``)."""
    settings, embedding = info["settings"], info["embedding"]
    return [
        f"backend: {escape(info['backend'])} ({escape(info['uri'])}, collections {escape(info['collection'])} and "
        f"{escape(info['collection'])}_sources)",
        f"index: {escape(info['index'])} (generation {info['generation']})",
        f"sources: {len(info['sources'])} files relative to {escape(str(info['root']))}",
        f"chunks: {info['chunks']} (size {settings['chunk_size']}, overlap {settings['chunk_overlap']})",
        f"embedding: {escape(embedding['model'])} ({embedding['dimension']} dimensions), dense index "
        f"{escape(info['dense_index'])} ({escape(settings['dense_kind'])})",
        f"sparse: Milvus BM25 function over our tokeniser's terms (stopwords {settings['stopwords']}, "
        f"stemmer {settings['stemmer']})",
        "[dim]every source with its hash and chunk count: ragagent info --json[/]",
    ]


def print_table(console: Console, table: Table) -> None:
    """Print a table at its natural width, so no header is ever cut (a terminal wraps what does not fit)."""
    natural = Measurement.get(console, console.options.update(max_width=100_000), table).maximum
    width = console.width
    console.width = max(width, natural)  # rich caps print(width=...) at the console's width
    try:
        console.print(table)
    finally:
        console.width = width


def print_code(console: Console, code: str) -> None:
    """A program exactly as it ran, never re-wrapped: syntax-highlighted on a terminal, plain otherwise.

    Control and bidi characters are shown as escapes (:func:`visible`); every other character is as it ran.
    """
    code = visible(code)
    if console.is_terminal:
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import PythonLexer

        console.file.write(highlight(code, PythonLexer(), TerminalFormatter()))
    else:
        console.file.write(code if code.endswith("\n") else code + "\n")
    console.file.flush()


class RichProgress:
    """The ingest Progress protocol as rich progress bars, one per stage."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, Any] = {}

    @staticmethod
    def create(console: Any) -> Progress:
        return Progress(TextColumn("{task.description:>6}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, transient=False)

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)


def answer_lines(answer: Answer, *, show_text: bool = True, show_code: bool = False) -> list[str]:
    """The answer, then numbered sources as ``file:page`` with a short quote and a verified mark."""
    lines = [escape(visible(answer.text))] if show_text else []
    if show_code and answer.code:
        lines += ["", "[bold]program:[/]", escape(visible(answer.code))]
    if answer.citations:
        lines += ["", "[bold]Sources:[/]"]
        for c in answer.citations:
            where = f"{c.source}:{c.page}" if c.page is not None else c.source
            mark = "[green]verified[/]" if c.verified else "[red]unverified[/]"
            if c.origin == "attributed":
                mark += ", attributed by ragagent"
            elif c.origin == "corrected":
                mark += f", corrected by ragagent: the model cited [{c.corrected_from}]"
            why = f" — {escape(visible(c.reason))}" if not c.verified and c.reason else ""
            lines.append(f"  [{c.n}] {escape(visible(where))} ({mark}) “{escape(visible(snippet(c.quote, 140)))}”{why}")
    notes = [f"mode: {answer.mode}"]
    if answer.route_reason:
        notes.append(answer.route_reason)
    if not answer.complete:
        notes.append("best-effort answer (step limit reached)")
    total = answer.timings.get("total_s")
    if total is not None:
        notes.append(f"{total:.1f} s")
    lines += ["", f"[dim]{escape('; '.join(notes))}[/]"]
    return lines


def trace_lines(steps: Sequence[Step]) -> list[str]:
    """A readable trace: thought, action with arguments, observation (cut), error and timing."""
    lines = []
    for step in steps:
        if step.thought:
            lines.append(f"[cyan]Thought:[/] {escape(visible(step.thought))}")
        code = step.args.get("code")
        if isinstance(code, str):  # a PAL attempt or the python tool: the program, as it ran
            lines.append(f"[magenta]Action:[/] {escape(visible(step.action))}  [dim]({step.duration_s:.2f} s)[/]")
            lines += [f"  {escape(visible(line))}" for line in code.rstrip().splitlines()]
        else:
            args = ", ".join(f"{k}={v!r}" for k, v in step.args.items())
            action = escape(visible(f"{step.action}[{args}]"))
            lines.append(f"[magenta]Action:[/] {action}  [dim]({step.duration_s:.2f} s)[/]")
        if step.error:  # e.g. a sandboxed program's error: shown, never interpreted by the terminal
            lines.append(f"[red]Error:[/] {escape(visible(step.error))}")
        if step.observation:  # e.g. a sandboxed program's stdout
            lines.append(f"[yellow]Observation:[/] {escape(visible(snippet(step.observation, 400)))}")
    return lines
