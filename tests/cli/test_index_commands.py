"""``ragagent ingest / search / info`` through typer's CliRunner, with the real bundled MiniLM."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragagent.cli import EXIT_ERROR, EXIT_PARTIAL, app

pytestmark = pytest.mark.integration
runner = CliRunner()

DOCS = {
    "transformers.md": "# Transformers\n\nThe transformer architecture was introduced in 2017.",
    "rag.txt": "Retrieval augmented generation conditions answers on retrieved passages.",
}


def test_ingest_search_info(corpus: Callable[[dict[str, str]], Path], tmp_path: Path) -> None:
    root = corpus(DOCS)
    idx = str(tmp_path / "idx")
    result = runner.invoke(app, ["ingest", str(root), "--index", idx])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output and "0 failed" in result.output and "chunks/s" in result.output
    result = runner.invoke(app, ["search", "when was the transformer introduced", "--index", idx, "--json", "-k", "2"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits[0]["source"] == "transformers.md" and hits[0]["rank"] == 1
    assert set(hits[0]) >= {"rank", "score", "chunk_id", "source", "page", "start", "end", "text", "retrievers"}
    page_text = DOCS["transformers.md"]
    assert page_text[hits[0]["start"]:hits[0]["end"]] == hits[0]["text"]
    assert set(hits[0]["retrievers"]) == {"dense", "sparse"}
    result = runner.invoke(app, ["search", "retrieved passages", "--index", idx, "--mode", "sparse"])
    assert result.exit_code == 0 and "rag.txt" in result.output
    result = runner.invoke(app, ["info", "--index", idx])
    assert result.exit_code == 0 and "chunks: 2" in result.stdout and "2 files" in result.stdout


def test_partial_ingest_exit_code_and_summary(corpus: Callable[[dict[str, str | bytes]], Path],
                                              tmp_path: Path) -> None:
    root = corpus({**DOCS, "broken.pdf": b"%PDF-1.4 nothing"})
    result = runner.invoke(app, ["ingest", str(root), "--index", str(tmp_path / "idx")])
    assert result.exit_code == EXIT_PARTIAL
    assert "failed: broken.pdf: malformed PDF" in result.output and "1 failed" in result.output


def test_strict_aborts_without_index(corpus: Callable[[dict[str, str | bytes]], Path], tmp_path: Path) -> None:
    root = corpus({**DOCS, "empty.txt": b""})
    result = runner.invoke(app, ["ingest", str(root), "--index", str(tmp_path / "idx"), "--strict"])
    assert result.exit_code == EXIT_ERROR
    assert "strict mode" in result.output and "empty.txt: empty file" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "idx" / "manifest.json").exists()


def test_errors_are_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["search", "x", "--index", str(tmp_path / "nothing")])
    assert result.exit_code == EXIT_ERROR
    assert result.output.strip().count("\n") == 0 and "no index at" in result.output


def test_index_defaults_to_env_variable(corpus: Callable[[dict[str, str]], Path], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGAGENT_INDEX", str(tmp_path / "envidx"))
    assert runner.invoke(app, ["ingest", str(corpus(DOCS))]).exit_code == 0
    assert (tmp_path / "envidx" / "manifest.json").exists()
