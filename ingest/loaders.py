"""Loaders: one function per format, turning a file's bytes into pages of text.

Every loader raises :class:`~ragagent.errors.IngestError` naming the file and the reason; the
pipeline records it and carries on with the other files.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ragagent.errors import IngestError
from ragagent.ingest.documents import LoadedFile, PageText
from ragagent.ingest.text import decode_text


@dataclass(frozen=True, slots=True)
class JsonlFields:
    """Which JSONL fields hold the record id (first present wins), title and text."""

    id_fields: tuple[str, ...] = ("_id", "id")
    title_field: str = "title"
    text_field: str = "text"


Loader = Callable[[bytes, str, JsonlFields], tuple[list[PageText], list[str]]]


def _load_plain(data: bytes, source: str, _: JsonlFields) -> tuple[list[PageText], list[str]]:
    text, warnings = decode_text(data, source)
    return [PageText(source=source, page=None, text=text)], warnings


class _TextExtractor(HTMLParser):
    """Collects visible text; drops tags, scripts, styles and other non-content elements."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg"})
    _BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        elif not self._skip_depth:
            self.parts.append(data)


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _load_html(data: bytes, source: str, _: JsonlFields) -> tuple[list[PageText], list[str]]:
    markup, warnings = decode_text(data, source)
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = _tidy("".join(parser.parts))
    return [PageText(source=source, page=None, text=text, title=parser.title)], warnings


def _load_pdf(data: bytes, source: str, _: JsonlFields) -> tuple[list[PageText], list[str]]:
    from ragagent.ingest.pdf import read_pdf_pages

    pages, warnings = read_pdf_pages(data, source)
    return pages, warnings


def _load_jsonl(data: bytes, source: str, fields: JsonlFields) -> tuple[list[PageText], list[str]]:
    text, warnings = decode_text(data, source)
    pages: list[PageText] = []
    for lineno, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            warnings.append(f"line {lineno}: not valid JSON ({exc.msg}); skipped")
            continue
        page = _jsonl_record(record, source, lineno, fields)
        if isinstance(page, str):
            warnings.append(page)
        else:
            pages.append(page)
    if not pages:
        raise IngestError(source, "no usable JSONL records" + (f" ({warnings[0]})" if warnings else ""))
    return pages, warnings


def _jsonl_record(record: object, source: str, lineno: int, fields: JsonlFields) -> PageText | str:
    """One record as a page, or a warning string explaining why it was skipped."""
    if not isinstance(record, dict):
        return f"line {lineno}: not a JSON object; skipped"
    rid = next((record[f] for f in fields.id_fields if f in record), lineno)
    body = record.get(fields.text_field)
    if not isinstance(body, str):
        return f"line {lineno}: no string field {fields.text_field!r}; skipped"
    title = record.get(fields.title_field)
    title = title.strip() if isinstance(title, str) and title.strip() else None
    # The title is part of the searchable text; spans index into this composed text.
    composed = f"{title}\n\n{body}" if title else body
    return PageText(source=f"{source}#{rid}", page=None, text=composed, title=title)


LOADERS: dict[str, Loader] = {
    ".txt": _load_plain,
    ".md": _load_plain,
    ".markdown": _load_plain,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
    ".jsonl": _load_jsonl,
}


def read_source(path: Path, source: str, *, max_bytes: int) -> bytes:
    """A file's bytes; IngestError for unsupported, unreadable, oversized or empty files."""
    if path.suffix.lower() not in LOADERS:
        supported = ", ".join(sorted(LOADERS))
        raise IngestError(source, f"unsupported extension {path.suffix or '(none)'!r} (supported: {supported})")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(source, f"file is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.1f} MiB limit")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(source, f"cannot read: {exc.strerror or exc}") from exc
    if not data:
        raise IngestError(source, "empty file (0 bytes)")
    return data


def parse_source(data: bytes, suffix: str, source: str, fields: JsonlFields = JsonlFields()) -> LoadedFile:
    """Extract pages from a file's bytes with the loader for ``suffix``."""
    pages, warnings = LOADERS[suffix.lower()](data, source, fields)
    return LoadedFile(
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=tuple(pages),
        warnings=tuple(warnings),
    )


def load_file(path: Path, source: str, *, max_bytes: int = 50 * 2**20,
              fields: JsonlFields = JsonlFields()) -> LoadedFile:
    """Read and parse one file. Raises IngestError naming the file and the reason."""
    return parse_source(read_source(path, source, max_bytes=max_bytes), path.suffix, source, fields)
