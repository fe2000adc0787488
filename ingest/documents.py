"""What loaders produce: a file's pages of extracted text, before chunking."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PageText:
    """The extracted text of one page (PDF) or one whole file/record (page None).

    ``source`` is the path relative to the ingest root, or ``file.jsonl#id`` for a JSONL record.
    """

    source: str
    page: int | None
    text: str
    page_label: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """A loaded file: its pages, content hash and any warnings (e.g. a decoding fallback)."""

    source: str
    sha256: str
    size: int
    pages: tuple[PageText, ...]
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class IngestFailure:
    """A file that was not ingested, and why."""

    source: str
    reason: str
