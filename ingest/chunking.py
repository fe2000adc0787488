"""Chunking with exact provenance: ``page.text[chunk.span.start:chunk.span.end] == chunk.text``.

Splitting is langchain-text-splitters' recursive splitter (paragraphs, then lines, then sentences,
then words), measured in characters. It returns substrings of the page; we locate each one in
order, so offsets are exact. Chunks never cross pages: each page is split on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ragagent.errors import ConfigError
from ragagent.ingest.documents import PageText
from ragagent.options import CHUNK_OVERLAP, CHUNK_SIZE
from ragagent.types import Chunk, Span

_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


@dataclass(frozen=True, slots=True)
class ChunkingOptions:
    """Chunk size and overlap in characters."""

    chunk_size: int = CHUNK_SIZE
    chunk_overlap: int = CHUNK_OVERLAP

    def __post_init__(self) -> None:
        if self.chunk_size < 20:
            raise ConfigError(f"chunk_size must be at least 20 characters, got {self.chunk_size}")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise ConfigError(
                f"chunk_overlap must be >= 0 and smaller than chunk_size ({self.chunk_size}), "
                f"got {self.chunk_overlap}"
            )


class Chunker:
    """Splits pages into chunks with spans.

    >>> chunks = list(Chunker(ChunkingOptions(100, 10)).chunk([PageText("a.txt", None, "One. Two.")]))
    >>> chunks[0].text, chunks[0].span.start, chunks[0].span.end
    ('One. Two.', 0, 9)
    """

    def __init__(self, options: ChunkingOptions = ChunkingOptions()) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.options = options
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=options.chunk_size,
            chunk_overlap=options.chunk_overlap,
            separators=_SEPARATORS,
            keep_separator="end",
            strip_whitespace=True,
        )

    def chunk(self, pages: Iterable[PageText]) -> Iterator[Chunk]:
        for page in pages:
            yield from self._chunk_page(page)

    def _chunk_page(self, page: PageText) -> Iterator[Chunk]:
        cursor = 0
        for piece in self._splitter.split_text(page.text):
            start = page.text.find(piece, cursor)
            if start < 0:  # the splitter only returns substrings; anything else is a bug
                raise AssertionError(f"chunk not found in page text of {page.source}")
            end = start + len(piece)
            span = Span(page.source, page.page, start, end, page.page_label)
            yield Chunk.create(piece, span, title=page.title)
            cursor = start + 1


def keep_unseen(chunks: Iterable[Chunk], seen: set[str], warnings: list[str]) -> list[Chunk]:
    """``chunks`` whose id is not in ``seen`` (adding theirs); each one skipped (e.g. a duplicated JSONL record)
    is reported in ``warnings``."""
    kept = []
    for chunk in chunks:
        if chunk.id in seen:
            warnings.append(f"{chunk.span.source}: duplicate chunk skipped")
            continue
        seen.add(chunk.id)
        kept.append(chunk)
    return kept
