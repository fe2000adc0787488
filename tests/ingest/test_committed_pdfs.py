"""pypdf on real files committed under tests/data (made by tests/data/make_pdfs.py), no ../shared needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragagent.errors import IngestError
from ragagent.ingest import Chunker, ChunkingOptions, load_file

DATA = Path(__file__).resolve().parents[1] / "data"
REPORT = DATA / "lighthouse-report.pdf"


def test_pages_are_one_based_with_labels_and_real_text() -> None:
    loaded = load_file(REPORT, "lighthouse-report.pdf")
    assert [p.page for p in loaded.pages] == [1, 2, 3]
    assert [p.page_label for p in loaded.pages] == ["i", "1", "2"]
    assert "Fresnel" in loaded.pages[1].text and "1822" in loaded.pages[1].text
    assert "Longstone" in loaded.pages[2].text and "Fresnel" not in loaded.pages[2].text


@pytest.mark.parametrize("options", [ChunkingOptions(80, 20), ChunkingOptions(1000, 150)])
def test_chunk_spans_reproduce_the_page_text(options: ChunkingOptions) -> None:
    loaded = load_file(REPORT, "lighthouse-report.pdf")
    pages = {p.page: p.text for p in loaded.pages}
    chunks = list(Chunker(options).chunk(loaded.pages))
    assert len(chunks) >= 3
    for chunk in chunks:
        assert pages[chunk.span.page][chunk.span.start:chunk.span.end] == chunk.text


def test_aes_permissions_only_pdf_opens_with_the_empty_password() -> None:
    loaded = load_file(DATA / "lighthouse-report-permissions-only.pdf", "open.pdf")
    assert [p.page for p in loaded.pages] == [1, 2, 3]
    assert loaded.pages[2].text == load_file(REPORT, "plain.pdf").pages[2].text


def test_pdf_with_a_real_password_is_refused_by_name() -> None:
    with pytest.raises(IngestError, match=r"locked\.pdf: encrypted PDF") as error:
        load_file(DATA / "lighthouse-report-locked.pdf", "locked.pdf")
    assert "malformed" not in str(error.value)
