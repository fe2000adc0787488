"""Source identity: every ingested file is named by its path relative to the index's root.

The root is an absolute directory recorded in the manifest: the deepest directory that contains
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

from ragagent.errors import ConfigError, IndexCorruptError, IngestError, LegacyIndexError
from ragagent.index.manifest import MANIFEST, Manifest, read_manifest
from ragagent.ingest import FoundFile, IngestFailure


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


def infer_legacy_root(directory: Path, known: Mapping[str, object], found: Sequence[FoundFile]) -> Path:
    """The root of a pre-root index: the deepest base (or ancestor of one) under which every stored file exists.

    Format-1 indexes stored names relative to whatever path was given, without recording it; the paths
    of this ingest are the only clue. When none of them holds all the stored files, the index must be
    rebuilt (the error says how).
    """
    for base in dict.fromkeys(p for f in found for p in (f.base, *f.base.parents)):
        if all((base / source).is_file() for source in known):
            return base
    raise LegacyIndexError(
        f"index {directory} was written by an older ragagent that did not record where its {len(known)} "
        f"files live, and they are not all under the paths given; rebuild it from your documents: "
        f"ragagent ingest PATH... --index {directory} --rebuild"
    )


def rename_chunk_source(file: str, span_source: str, renames: Mapping[str, str]) -> str:
    """A chunk's span source once its ``file`` was renamed (``file.jsonl#id`` keeps its ``#id``)."""
    if file not in renames or not span_source.startswith(file):
        return span_source
    return renames[file] + span_source[len(file):]


def root_of(manifest: Manifest | None) -> Path | None:
    return Path(manifest.root) if manifest is not None and manifest.root else None


def naming_for(directory: Path, manifest: Manifest | None, known: Mapping[str, object],
               found: Sequence[FoundFile]) -> tuple[SourceNaming, dict[str, str]]:
    """How files are named from now on, and the renames of stored files (when the root widens)."""
    old_root = root_of(manifest)
    if old_root is None and known and found:  # a format-1 index: migrate, or ask for a rebuild
        old_root = infer_legacy_root(directory, known, found)
    if not found:
        return SourceNaming(old_root or Path("/")), {}
    naming = SourceNaming(SourceNaming.common_root([f.base for f in found], old_root if known else None))
    renames = naming.rename_from(old_root, known) if old_root is not None and old_root != naming.root else {}
    return naming, renames


def readable_manifest(directory: Path) -> Manifest | None:
    """The manifest, or None when there is none or it cannot be read (a rebuild goes on without it)."""
    try:
        return read_manifest(directory) if (directory / MANIFEST).exists() else None
    except IndexCorruptError:
        return None


def recorded_sources(directory: Path, manifest: Manifest | None
                     ) -> tuple[SourceNaming, list[FoundFile], list[IngestFailure]]:
    """The files a manifest records (to rebuild from); missing ones become failures."""
    if manifest is None or manifest.root is None or not manifest.sources:
        why = ("no readable manifest" if manifest is None
               else "it predates recorded sources" if manifest.root is None else "it records no sources")
        raise ConfigError(f"cannot rebuild {directory} from its recorded sources ({why}); give the documents: "
                          f"ragagent ingest PATH... --index {directory} --rebuild")
    root = Path(manifest.root)
    found = [FoundFile(root / s, s, root) for s in manifest.sources if (root / s).is_file()]
    failures = [IngestFailure(s, f"recorded source {root / s} no longer exists")
                for s in manifest.sources if not (root / s).is_file()]
    return SourceNaming(root), found, failures
