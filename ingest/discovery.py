"""Expanding the user's paths into files: recursion, include/exclude globs, hidden files skipped.

Files are identified by their resolved absolute path, so two different files are never merged, however
they are named; the pipeline gives each one its stored name (see ``ragagent.ingest.naming``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from ragagent.ingest.documents import IngestFailure

MISSING = "path does not exist"


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A file to ingest.

    ``path`` is absolute (its directory resolved, so it names the file the same from any working
    directory); ``source`` is its name relative to the path it was
    found under (what include/exclude globs match); ``base`` is that directory (a file's parent when the
    file was given directly).
    """

    path: Path
    source: str
    base: Path


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
    """Files under ``paths`` (sorted by path, each file once) and failures for paths that do not exist.

    A file given directly is matched by its file name; files found in a directory by their path
    relative to that directory. ``include``/``exclude`` are globs matched against that name.
    """
    found: dict[Path, FoundFile] = {}
    failures: list[IngestFailure] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            failures.append(IngestFailure(str(raw), MISSING))
        elif path.is_dir():
            base = path.resolve()
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path)
                if not _is_hidden(rel):  # keyed by the real file: two links to one file are one file
                    found.setdefault(file.resolve(), FoundFile(base / rel, rel.as_posix(), base))
        else:
            base = path.absolute().parent.resolve()
            found.setdefault(path.resolve(), FoundFile(base / path.name, path.name, base))
    selected = [
        f
        for f in found.values()
        if (not include or _matches(f.source, include)) and not _matches(f.source, exclude)
    ]
    return sorted(selected, key=lambda f: f.path), failures
