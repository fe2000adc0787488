"""Real MiniLM, FAISS, bm25s and pypdf on the shared public-domain PDFs and SciFact records."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragagent.cli import app
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from tests.conftest import shared_data

pytestmark = pytest.mark.integration
runner = CliRunner()


@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdfs = shared_data("pdfs")
    index_dir = tmp_path_factory.mktemp("pdfidx") / "idx"
    result = runner.invoke(app, ["ingest", str(pdfs), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    return index_dir


def _page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_search_json_spans_match_extracted_page_text(pdf_index: Path) -> None:
    result = runner.invoke(app, ["search", "firearm background checks", "--index", str(pdf_index), "--json",
                                 "-k", "8"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits and hits[0]["source"].startswith("nics-background-checks")
    for hit in hits:
        pages = _page_texts(shared_data("pdfs") / hit["source"])
        assert 1 <= hit["page"] <= len(pages)
        assert pages[hit["page"] - 1][hit["start"]:hit["end"]] == hit["text"]


def test_every_stored_chunk_rebuilds_from_its_page(pdf_index: Path) -> None:
    index = Index.open(pdf_index)
    pages: dict[str, list[str]] = {}
    count = 0
    for _, _, chunk in index.store.iter_chunks():
        span = chunk.span
        if span.source not in pages:  # extract each PDF once
            pages[span.source] = _page_texts(shared_data("pdfs") / span.source)
        texts = pages[span.source]
        assert span.page is not None and texts[span.page - 1][span.start:span.end] == chunk.text
        count += 1
    assert count == len(index) > 50


def test_scifact_records_ingest_with_record_ids(tmp_path: Path) -> None:
    corpus = shared_data("scifact", "corpus.jsonl")
    subset = tmp_path / "scifact-60.jsonl"
    with corpus.open(encoding="utf-8") as lines:
        subset.write_text("".join(line for line, _ in zip(lines, range(60), strict=False)))
    report = ingest_paths([subset], tmp_path / "idx")
    assert report.failures == () and report.chunks_total >= 60
    first = json.loads(subset.read_text().splitlines()[0])
    index = Index.open(tmp_path / "idx")
    hits = index.search(first["title"], k=3)
    assert hits[0].chunk.span.source == f"scifact-60.jsonl#{first['_id']}"
    assert {c.retriever for c in hits[0].components} == {"dense", "sparse"}
