"""Bad input: every case names the file and the reason; other files still go in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ragagent.errors import IngestError
from ragagent.ingest import discover, load_file
from tests.conftest import make_pdf


def _load(path: Path, **kwargs: int) -> object:
    return load_file(path, path.name, **kwargs)  # type: ignore[arg-type]


def test_encrypted_pdf_with_empty_user_password_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "open.pdf"
    path.write_bytes(make_pdf(["readable despite encryption"], user_password=""))
    assert "readable" in load_file(path, "open.pdf").pages[0].text


def test_encrypted_pdf_with_password_is_skipped_with_reason(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(make_pdf(["secret"], user_password="hunter2"))
    with pytest.raises(IngestError, match="encrypted PDF") as err:
        _load(path)
    assert err.value.path == "locked.pdf"


@pytest.mark.parametrize("content", [b"%PDF-1.7\n garbage garbage", b"not a pdf at all", b"%PDF-1.4\n1 0 obj <<"])
def test_malformed_pdf_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=r"broken\.pdf: .*(PDF|pages)"):
        _load(path)


def test_truncated_pdf_fails_or_keeps_only_real_text(tmp_path: Path) -> None:
    data = make_pdf(["page one text", "page two text"])
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(IngestError, match=r"cut\.pdf"):
        _load(path)


def test_zero_byte_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(IngestError, match=r"empty\.txt: empty file"):
        _load(tmp_path / "empty.txt")


def test_binary_behind_text_extension(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 10)
    with pytest.raises(IngestError, match="binary content"):
        _load(tmp_path / "image.txt")


def test_non_utf8_text_is_decoded_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Café crème, naïve résumé".encode("cp1252"))
    loaded = load_file(tmp_path / "latin.txt", "latin.txt")
    assert loaded.pages[0].text == "Café crème, naïve résumé"
    assert loaded.warnings and "not UTF-8" in loaded.warnings[0] and "cp1252" in loaded.warnings[0]


def test_unsupported_extension(tmp_path: Path) -> None:
    (tmp_path / "data.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(IngestError, match=r"data\.xlsx: unsupported extension '\.xlsx'"):
        _load(tmp_path / "data.xlsx")


def test_file_over_size_limit(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 1000)
    with pytest.raises(IngestError, match=r"over the .* limit"):
        load_file(tmp_path / "big.txt", "big.txt", max_bytes=1000)


def test_missing_path_is_reported_by_discovery(tmp_path: Path) -> None:
    files, failures = discover([tmp_path / "nope"])
    assert files == []
    assert failures[0].reason == "path does not exist" and failures[0].source.endswith("nope")


def test_discovery_recurses_filters_and_skips_hidden(corpus: Callable[[dict[str, str]], Path]) -> None:
    root = corpus({"a.md": "x", "sub/b.txt": "y", "sub/deep/c.pdf": "z", ".hidden/d.txt": "h", ".e.txt": "h",
                   "sub/skip.txt": "s"})
    files, _ = discover([root], include=["*.txt", "*.md"], exclude=["skip*"])
    assert [f.source for f in files] == ["a.md", "sub/b.txt"]
