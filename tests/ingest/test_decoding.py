"""Decoding: UTF-8 kept through stray bytes (replaced one by one and counted), BOMs honoured, a legacy
encoding only for text that is not UTF-8 at all."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ragagent.errors import IngestError
from ragagent.index import Index
from ragagent.ingest import ingest_paths, load_file
from ragagent.ingest.text import decode_text
from tests.fakes import HashEmbedder

VALID = "Café crème for the naïve reader. Ünïcödé stays as written."


def test_invalid_bytes_are_replaced_one_by_one_and_counted() -> None:
    data = VALID[:5].encode() + b"\xff\xfe" + VALID[5:].encode() + b"\xe2\x82"  # two stray, one cut-off
    text, warnings = decode_text(data, "a.txt")
    assert text == VALID[:5] + "\ufffd\ufffd" + VALID[5:] + "\ufffd\ufffd"
    assert warnings == ["4 invalid UTF-8 bytes replaced with U+FFFD (first at byte 6)"]


def test_invalid_byte_file_round_trips_its_valid_text(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "menu.txt").write_bytes(VALID[:20].encode() + b"\x80" + VALID[20:].encode())
    report = ingest_paths([docs], tmp_path / "i", embedder=HashEmbedder())
    assert report.warnings == ("menu.txt: 1 invalid UTF-8 byte replaced with U+FFFD (first at byte 22)",)
    index = Index.open(tmp_path / "i")
    (_, _, chunk), = index.store.iter_chunks()
    assert chunk.text.replace("\ufffd", "") == VALID and chunk.text.count("\ufffd") == 1
    assert [h.chunk.span.source for h in index.search("crème", mode="sparse", k=1)] == ["menu.txt"]


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                           (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_LE, "utf-32-le")])
def test_byte_order_marks_pick_the_encoding_and_are_dropped(bom: bytes, encoding: str) -> None:
    assert decode_text(bom + VALID.encode(encoding), "a.txt") == (VALID, [])


def test_bom_then_a_stray_byte_stays_utf8() -> None:
    text, warnings = decode_text(codecs.BOM_UTF8 + b"Caf\xc3\xa9 \xff", "a.txt")
    assert text == "Café \ufffd" and "first at byte 9" in warnings[0]


@pytest.mark.parametrize("text, encoding", [
    ("Café crème, naïve résumé", "cp1252"),
    ("Привет, как дела? Это простой тест кодировки текста.", "cp1251"),
    ("Zażółć gęślą jaźń, the Polish pangram.", "cp1250"),
    ("plain ascii with one é byte", "latin-1"),
])
def test_legacy_text_is_detected_and_named(text: str, encoding: str) -> None:
    decoded, warnings = decode_text(text.encode(encoding), "old.txt")
    assert decoded == text
    assert warnings[0].startswith("not UTF-8 (") and "decoded as" in warnings[0]


def test_valid_utf8_has_no_warning(tmp_path: Path) -> None:
    (tmp_path / "u.md").write_text(VALID, encoding="utf-8")
    loaded = load_file(tmp_path / "u.md", "u.md")
    assert loaded.pages[0].text == VALID and loaded.warnings == ()


def test_binary_is_still_refused() -> None:
    with pytest.raises(IngestError, match="binary content"):
        decode_text(bytes(range(256)) * 4, "img.txt")
