"""Source identity: every ingested file is named by its path relative to the index's root.

The root is an absolute directory the index records: the deepest directory that contains
everything ingested into the index. Two different files therefore always get different names
(``d1/report.txt`` and ``d2/report.txt``), and ingesting again from another working directory finds
the same names. When new files lie outside the root, the root widens to their common ancestor and
the stored names are rewritten (``report.txt`` becomes ``d1/report.txt``), never dropped.

>>> naming = SourceNaming(Path("/data"))
>>> naming.name(Path("/data/d1/report.txt"))
'd1/report.txt'
>>> SourceNaming.common_root([Path("/data/d1"), Path("/data/d2")], None)
PosixPath('/data')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ragagent.errors import ConfigError, IngestError, LegacyIndexError
from ragagent.index.backend import IndexState
from ragagent.ingest.discovery import FoundFile
from ragagent.ingest.documents import IngestFailure


@dataclass(frozen=True, slots=True)
class SourceNaming:
    """Names files relative to ``root`` (an absolute directory)."""

    root: Path

    @staticmethod
    def common_root(bases: Iterable[Path], current: Path | None) -> Path:
        """The deepest directory containing every base and the current root (if any)."""
        dirs = [str(b) for b in bases] + ([str(current)] if current is not None else [])
        return Path(os.path.commonpath(dirs)) if dirs else Path("/")

    def name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def rename_from(self, old_root: Path, sources: Iterable[str]) -> dict[str, str]:
        """Old name -> new name for names that were relative to ``old_root``."""
        return {s: self.name(old_root / s) for s in sources}

    def assign(self, found: Sequence[FoundFile]) -> list[FoundFile]:
        """``found`` renamed to their stored names; an (impossible) clash is an error naming both files."""
        named: dict[str, FoundFile] = {}
        for f in found:
            source = self.name(f.path)
            if source in named:
                raise IngestError(source, f"two different files would share this name: {named[source].path} "
                                          f"and {f.path}")
            named[source] = FoundFile(f.path, source, f.base)
        return list(named.values())


def infer_legacy_root(location: str, known: Mapping[str, object], found: Sequence[FoundFile]) -> Path:
    """The root of a pre-root index: the deepest base (or ancestor of one) under which every stored file exists.

    Format-1 indexes stored names relative to whatever path was given, without recording it; the paths
    of this ingest are the only clue. When none of them holds all the stored files, the index must be
    rebuilt (the error says how).
    """
    for base in dict.fromkeys(p for f in found for p in (f.base, *f.base.parents)):
        if all((base / source).is_file() for source in known):
            return base
    raise LegacyIndexError(
        f"index {location} was written by an older ragagent that did not record where its {len(known)} "
        f"files live, and they are not all under the paths given; rebuild it from your documents: "
        f"ragagent ingest PATH... --index {location} --rebuild"
    )


def naming_for(state: IndexState, found: Sequence[FoundFile]) -> tuple[SourceNaming, dict[str, str]]:
    """How files are named from now on, and the renames of stored files (when the root widens)."""
    known = state.files
    old_root = Path(state.root) if state.root else None
    if old_root is None and known and found:  # a format-1 index: migrate, or ask for a rebuild
        old_root = infer_legacy_root(state.location, known, found)
    if not found:
        return SourceNaming(old_root or Path("/")), {}
    naming = SourceNaming(SourceNaming.common_root([f.base for f in found], old_root if known else None))
    renames = naming.rename_from(old_root, known) if old_root is not None and old_root != naming.root else {}
    return naming, renames


def recorded_sources(state: IndexState) -> tuple[SourceNaming, list[FoundFile], list[IngestFailure]]:
    """The files the index records (to rebuild from); missing ones become failures."""
    where = state.location
    if state.settings is None or state.root is None or not state.sources:
        why = ("no readable manifest" if state.settings is None
               else "it predates recorded sources" if state.root is None else "it records no sources")
        raise ConfigError(f"cannot rebuild {where} from its recorded sources ({why}); give the documents: "
                          f"ragagent ingest PATH... --index {where} --rebuild")
    root = Path(state.root)
    found = [FoundFile(root / s, s, root) for s in state.sources if (root / s).is_file()]
    failures = [IngestFailure(s, f"recorded source {root / s} no longer exists")
                for s in state.sources if not (root / s).is_file()]
    return SourceNaming(root), found, failures
