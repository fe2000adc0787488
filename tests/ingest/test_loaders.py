"""Loaders and chunking: every format, and the provenance invariant for each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragagent.ingest import Chunker, ChunkingOptions, load_file
from tests.conftest import make_pdf

LONG = "\n\n".join(
    f"Paragraph {i}. Retrieval augmented generation grounds answers in documents. "
    f"Each chunk keeps its exact character span? Yes! Sentence {i} ends here." for i in range(40)
)


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _assert_spans_exact(path: Path, options: ChunkingOptions) -> int:
    loaded = load_file(path, path.name)
    pages = {(p.source, p.page): p.text for p in loaded.pages}
    chunks = list(Chunker(options).chunk(loaded.pages))
    assert chunks, "expected at least one chunk"
    for c in chunks:
        assert pages[(c.span.source, c.span.page)][c.span.start:c.span.end] == c.text
        assert len(c.text) <= options.chunk_size
    return len(chunks)


@pytest.mark.parametrize("options", [ChunkingOptions(200, 40), ChunkingOptions(1000, 150), ChunkingOptions(57, 0)])
@pytest.mark.parametrize("name", ["notes.txt", "notes.md", "page.html", "doc.pdf", "corpus.jsonl"])
def test_every_loader_keeps_exact_spans(tmp_path: Path, name: str, options: ChunkingOptions) -> None:
    content: str | bytes
    if name.endswith(".html"):
        content = f"<html><head><title>T</title><script>var x = 1;</script></head><body><p>{LONG}</p></body></html>"
    elif name.endswith(".pdf"):
        content = make_pdf([LONG[:900].replace("\n\n", "\n"), LONG[900:1800].replace("\n\n", "\n")])
    elif name.endswith(".jsonl"):
        content = "\n".join(json.dumps({"_id": str(i), "title": f"Doc {i}", "text": LONG[: 300 + i * 50]})
                            for i in range(5))
    else:
        content = LONG
    n = _assert_spans_exact(_write(tmp_path, name, content), options)
    assert n >= 2


def test_html_drops_tags_scripts_and_styles(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.html", "<html><head><title>My Page</title><style>p {color: red}</style></head>"
                  "<body><h1>Heading</h1><script>alert('x')</script><p>Visible &amp; kept.</p></body></html>")
    page = load_file(path, "a.html").pages[0]
    assert page.text == "Heading\n\nVisible & kept."
    assert page.title == "My Page"
    assert "alert" not in page.text and "color" not in page.text and "<" not in page.text


def test_pdf_pages_are_one_based_and_labelled(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.pdf", make_pdf(["alpha page", "beta page", "gamma page"], labels=["i", "ii", "iii"]))
    pages = load_file(path, "r.pdf").pages
    assert [p.page for p in pages] == [1, 2, 3]
    assert "beta" in pages[1].text
    assert [p.page_label for p in pages] == ["i", "ii", "iii"]


def test_pdf_without_labels_has_no_labels(tmp_path: Path) -> None:
    pages = load_file(_write(tmp_path, "p.pdf", make_pdf(["one", "two"])), "p.pdf").pages
    assert [p.page_label for p in pages] == [None, None]


def test_chunks_never_cross_pages(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.pdf", make_pdf(["first page words " * 3, "second page words " * 3]))
    chunks = list(Chunker(ChunkingOptions(1000, 0)).chunk(load_file(path, "x.pdf").pages))
    assert [c.span.page for c in chunks] == [1, 2]


def test_jsonl_records_use_configured_fields_and_skip_bad_lines(tmp_path: Path) -> None:
    from ragagent.ingest import JsonlFields

    lines = [json.dumps({"doc": "a1", "head": "Title A", "body": "Body A"}), "{not json", json.dumps([1, 2]),
             json.dumps({"doc": "a2", "body": "Body B"})]
    path = _write(tmp_path, "c.jsonl", "\n".join(lines))
    loaded = load_file(path, "c.jsonl", fields=JsonlFields(id_fields=("doc",), title_field="head", text_field="body"))
    assert [p.source for p in loaded.pages] == ["c.jsonl#a1", "c.jsonl#a2"]
    assert loaded.pages[0].text == "Title A\n\nBody A" and loaded.pages[0].title == "Title A"
    assert len(loaded.warnings) == 2 and "line 2" in loaded.warnings[0]


def test_chunk_ids_are_stable_content_hashes(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.txt", LONG)
    first = [c.id for c in Chunker(ChunkingOptions(300, 30)).chunk(load_file(path, "s.txt").pages)]
    second = [c.id for c in Chunker(ChunkingOptions(300, 30)).chunk(load_file(path, "s.txt").pages)]
    assert first == second and len(set(first)) == len(first)


def test_chunking_options_are_validated() -> None:
    from ragagent.errors import ConfigError

    with pytest.raises(ConfigError, match="chunk_overlap"):
        ChunkingOptions(100, 100)
    with pytest.raises(ConfigError, match="chunk_size"):
        ChunkingOptions(5, 0)
