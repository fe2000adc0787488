"""Expanding the user's paths into files: recursion, include/exclude globs, hidden files skipped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from ragagent.ingest.documents import IngestFailure


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A file to ingest: its path and its ``source`` name (relative to the path it was found under)."""

    path: Path
    source: str


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _matches(source: str, patterns: Sequence[str]) -> bool:
    name = source.rsplit("/", 1)[-1]
    return any(fnmatch(source, p) or fnmatch(name, p) for p in patterns)


def discover(
    paths: Sequence[str | Path],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> tuple[list[FoundFile], list[IngestFailure]]:
    """Files under ``paths`` (sorted, deduplicated) and failures for paths that do not exist.

    A file given directly is named by its file name; files found in a directory by their path
    relative to that directory. ``include``/``exclude`` are globs matched against that name.
    """
    found: dict[str, FoundFile] = {}
    failures: list[IngestFailure] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            failures.append(IngestFailure(str(raw), "path does not exist"))
        elif path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path)
                if not _is_hidden(rel):
                    found.setdefault(rel.as_posix(), FoundFile(file, rel.as_posix()))
        else:
            found.setdefault(path.name, FoundFile(path, path.name))
    selected = [
        f
        for f in found.values()
        if (not include or _matches(f.source, include)) and not _matches(f.source, exclude)
    ]
    return sorted(selected, key=lambda f: f.source), failures
