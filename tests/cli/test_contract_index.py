"""Issue 14, line by line, for ``ingest``, ``search`` and ``info``: exit code, stream and message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragagent.cli import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, app

pytestmark = pytest.mark.usefixtures("hash_ingest")
runner = CliRunner()


def _sources(index: Path) -> dict[str, dict[str, object]]:
    result = runner.invoke(app, ["info", "--index", str(index), "--json"])
    assert result.exit_code == EXIT_OK, result.output
    return {s["source"]: s for s in json.loads(result.stdout)["sources"]}


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


# 1. Data loss on same-named files
def test_two_files_with_one_name_are_both_kept(tmp_path: Path) -> None:
    a = _write(tmp_path / "d1" / "report.txt", "Alpha report about apples.")
    b = _write(tmp_path / "d2" / "report.txt", "Beta report about bananas.")
    result = runner.invoke(app, ["ingest", str(a), str(b), "--index", str(tmp_path / "i")])
    assert result.exit_code == EXIT_OK, result.output
    assert "2 seen, 2 added" in result.stdout
    assert set(_sources(tmp_path / "i")) == {"d1/report.txt", "d2/report.txt"}


def test_ingesting_a_second_directory_adds_instead_of_replacing(tmp_path: Path) -> None:
    _write(tmp_path / "d1" / "report.txt", "Alpha report about apples.")
    _write(tmp_path / "d2" / "report.txt", "Beta report about bananas.")
    idx = str(tmp_path / "i")
    assert runner.invoke(app, ["ingest", str(tmp_path / "d1"), "--index", idx]).exit_code == EXIT_OK
    result = runner.invoke(app, ["ingest", str(tmp_path / "d2"), "--index", idx])
    assert result.exit_code == EXIT_OK, result.output
    assert "1 added, 0 changed" in result.stdout
    assert "stored file(s) were rewritten" in result.stderr  # the root widened: a diagnostic
    sources = _sources(tmp_path / "i")
    assert set(sources) == {"d1/report.txt", "d2/report.txt"}
    hits = runner.invoke(app, ["search", "apples", "--index", idx, "--mode", "sparse", "--json"])
    assert json.loads(hits.stdout)[0]["source"] == "d1/report.txt"


# 2. Garbled text
def test_a_stray_byte_does_not_garble_utf8(tmp_path: Path) -> None:
    _write(tmp_path / "docs" / "menu.txt", "Café crème is served here.".encode() + b"\xff" + b" Open daily.")
    idx = str(tmp_path / "i")
    result = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--index", idx])
    assert result.exit_code == EXIT_OK, result.output
    assert "menu.txt: 1 invalid UTF-8 byte replaced with U+FFFD" in result.stderr
    assert "warning" not in result.stdout
    hits = json.loads(runner.invoke(app, ["search", "café", "--index", idx, "--mode", "sparse", "--json"]).stdout)
    assert hits[0]["text"] == "Café crème is served here.\ufffd Open daily."


# 3. Exit codes
@pytest.mark.parametrize("args, message", [
    (["--chunk-size", "10"], "--chunk-size"),
    (["--chunk-size", "100", "--chunk-overlap", "100"], "--chunk-overlap"),
    (["--dense", "bogus"], "--dense"),
    (["--bm25-engine", "lucene"], "--bm25-engine"),
    (["--max-file-mb", "0"], "--max-file-mb"),
])
def test_bad_ingest_options_exit_2_before_any_work(tmp_path: Path, args: list[str], message: str) -> None:
    docs = _write(tmp_path / "docs" / "a.txt", "text").parent
    result = runner.invoke(app, ["ingest", str(docs), "--index", str(tmp_path / "i"), *args])
    assert result.exit_code == EXIT_USAGE
    assert message in result.stderr and result.stderr.startswith("error:") and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert not (tmp_path / "i").exists()


def test_bad_search_options_exit_2(tmp_path: Path) -> None:
    for args in (["-k", "0"], ["--mode", "bogus"], ["--fusion", "max"]):
        result = runner.invoke(app, ["search", "q", "--index", str(tmp_path / "none"), *args])
        assert result.exit_code == EXIT_USAGE, args
        assert "no index" not in result.stderr  # rejected before the index is opened


def test_missing_path_is_an_error_naming_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nonexistent"), "--index", str(tmp_path / "i")])
    assert result.exit_code == EXIT_ERROR
    assert "nonexistent" in result.stderr and "path does not exist" in result.stderr and result.stdout == ""
    assert not (tmp_path / "i" / "manifest.json").exists()


def test_empty_directory_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["ingest", str(tmp_path / "empty"), "--index", str(tmp_path / "i")])
    assert result.exit_code == EXIT_ERROR
    assert f"{tmp_path / 'empty'}: nothing to ingest: no files found" in result.stderr


def test_all_files_failing_is_an_error_and_prune_removes_nothing(tmp_path: Path) -> None:
    idx = str(tmp_path / "i")
    assert runner.invoke(app, ["ingest", str(_write(tmp_path / "ok" / "a.txt", "kept text")), "--index", idx]
                         ).exit_code == EXIT_OK
    bad = _write(tmp_path / "bad" / "b.pdf", b"%PDF-1.4 junk").parent
    result = runner.invoke(app, ["ingest", str(bad), "--index", idx, "--prune"])
    assert result.exit_code == EXIT_ERROR and "nothing could be ingested: bad/b.pdf: malformed PDF" in result.stderr
    assert set(_sources(tmp_path / "i")) == {"a.txt"}


def test_partial_ingest_lists_failures_on_stderr(tmp_path: Path) -> None:
    _write(tmp_path / "docs" / "good.txt", "good text")
    _write(tmp_path / "docs" / "bad.pdf", b"%PDF-1.4 nothing")
    result = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--index", str(tmp_path / "i")])
    assert result.exit_code == EXIT_PARTIAL
    assert "failed: bad.pdf: malformed PDF" in result.stderr and "failed:" not in result.stdout
    assert "1 failed" in result.stdout


def test_debug_is_accepted_after_the_subcommand(tmp_path: Path) -> None:
    result = runner.invoke(app, ["search", "q", "--index", str(tmp_path / "none"), "--debug"])
    assert result.exit_code == EXIT_ERROR and "no index at" in str(result.exception)  # the traceback, raised
    quiet = runner.invoke(app, ["search", "q", "--index", str(tmp_path / "none")])
    assert quiet.exit_code == EXIT_ERROR and quiet.exception is not None and "Traceback" not in quiet.stderr
    assert quiet.stderr.startswith("error: no index at") and quiet.stderr.strip().count("\n") == 0


# 4. Tracebacks and dead ends
def test_index_path_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    docs = _write(tmp_path / "docs" / "a.txt", "text").parent
    somefile = _write(tmp_path / "somefile.txt", "not an index")
    result = runner.invoke(app, ["ingest", str(docs), "--index", str(somefile)])
    assert result.exit_code == EXIT_USAGE
    assert "somefile.txt is a file, not an index directory" in result.stderr
    assert "Traceback" not in result.output and result.stderr.strip().count("\n") == 0


def test_corrupt_index_says_how_to_rebuild_and_rebuild_recovers(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs / "a.txt", "Alpha text about apples.")
    _write(docs / "sub" / "b.md", "Beta text about bananas.")
    idx = tmp_path / "i"
    assert runner.invoke(app, ["ingest", str(docs), "--index", str(idx)]).exit_code == EXIT_OK
    damaged = next(idx.glob("gen-*"))
    (damaged / "chunks.sqlite").write_bytes(b"garbage")
    result = runner.invoke(app, ["ingest", str(docs), "--index", str(idx)])
    assert result.exit_code == EXIT_ERROR
    assert "does not match its checksum" in result.stderr and f"ingest --rebuild --index {idx}" in result.stderr
    result = runner.invoke(app, ["ingest", "--rebuild", "--index", str(idx)])  # from the recorded sources
    assert result.exit_code == EXIT_OK, result.output
    assert "2 added" in result.stdout and "rebuilt" in result.stdout
    assert not damaged.exists() and set(_sources(idx)) == {"a.txt", "sub/b.md"}


def test_failed_rebuild_keeps_the_damaged_generation(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs / "a.txt", "Alpha text.")
    idx = tmp_path / "i"
    assert runner.invoke(app, ["ingest", str(docs), "--index", str(idx)]).exit_code == EXIT_OK
    damaged = next(idx.glob("gen-*"))
    (damaged / "dense.faiss").write_bytes(b"broken")
    (docs / "a.txt").unlink()
    result = runner.invoke(app, ["ingest", "--rebuild", "--index", str(idx)])
    assert result.exit_code == EXIT_ERROR and "a.txt" in result.stderr and "no longer exists" in result.stderr
    assert damaged.exists() and (idx / "manifest.json").exists()


def test_ingest_without_paths_is_usage(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "--index", str(tmp_path / "i")])
    assert result.exit_code == EXIT_USAGE and "--rebuild" in result.stderr


# 5. Output that breaks pipes
def test_info_is_text_by_default_and_json_with_flag(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs / "a.txt", "Alpha text.")
    _write(docs / "b.jsonl", '{"_id": "r1", "text": "first record"}\n{"_id": "r2", "text": "second record"}\n')
    idx = tmp_path / "i"
    assert runner.invoke(app, ["ingest", str(docs), "--index", str(idx)]).exit_code == EXIT_OK
    text = runner.invoke(app, ["info", "--index", str(idx)])
    assert text.exit_code == EXIT_OK and "2 files" in text.stdout and not text.stdout.lstrip().startswith("{")
    data = json.loads(runner.invoke(app, ["info", "--index", str(idx), "--json"]).stdout)
    assert data["manifest"]["root"] == str(docs.resolve()) and data["manifest"]["format_version"] == 2
    by_name = {s["source"]: s for s in data["sources"]}
    assert by_name["b.jsonl"]["chunks"] == 2 and by_name["a.txt"]["chunks"] == 1
    assert len(str(by_name["a.txt"]["sha256"])) == 64
