"""The CLI on a Milvus Lite index: ingest, search (client-side and Milvus fusion), info, bad specs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragagent.cli import app
from tests.fakes import HashEmbedder
from tests.index.backends import spec_for

runner = CliRunner()


@pytest.fixture
def spec(tmp_path: Path, hash_ingest: None) -> str:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bees.txt").write_text("Honey bees communicate with a waggle dance.", encoding="utf-8")
    (docs / "tides.txt").write_text("Spring tides happen when the sun and moon line up.", encoding="utf-8")
    spec = spec_for("milvus", tmp_path)
    result = runner.invoke(app, ["ingest", str(docs), "--index", spec])
    assert result.exit_code == 0, result.output
    return spec


@pytest.fixture
def hash_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queries are embedded by the hash embedder the index was built with (no model load)."""
    monkeypatch.setattr("ragagent.index.milvus.search.query_embedder", lambda model, backend: HashEmbedder())


@pytest.mark.parametrize("fusion", ["convex", "rrf", "milvus-rrf", "milvus-weighted"])
def test_search_on_milvus(spec: str, fusion: str, hash_queries: None) -> None:
    result = runner.invoke(app, ["search", "waggle dance", "--index", spec, "--json", "--fusion", fusion])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits[0]["source"] == "bees.txt"
    from ragagent.index.milvus import client as milvus_client

    assert not milvus_client._OPEN  # the command closed the index: the Lite file is free for other processes


def test_info_reports_the_backend(spec: str) -> None:
    result = runner.invoke(app, ["info", "--index", spec, "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["backend"] == "milvus-lite" and info["chunks"] == 2
    assert [s["source"] for s in info["sources"]] == ["bees.txt", "tides.txt"]
    from ragagent.index.milvus import client as milvus_client

    assert not milvus_client._OPEN  # info closed the index too
    text = runner.invoke(app, ["info", "--index", spec]).output
    assert "backend: milvus-lite" in text


def test_eval_citations_with_a_milvus_index_releases_it(spec: str, tmp_path: Path) -> None:
    labelled = tmp_path / "claims.jsonl"
    labelled.write_text(json.dumps({"claim": "Honey bees communicate with a waggle dance.",
                                    "passage": "Honey bees communicate with a waggle dance.", "label": "supported"})
                        + "\n" + json.dumps({"claim": "Spring tides happen at noon.", "passage": "Honey bees dance.",
                                              "label": "not"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "citations", str(labelled), "--index", spec, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 2 and report["recall"] == 1.0
    from ragagent.index.milvus import client as milvus_client

    assert not milvus_client._OPEN  # eval citations closed the index it read term rarity from


def test_milvus_fusion_on_a_directory_index_is_a_clear_error(tmp_path: Path, hash_ingest: None) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha beta.", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(docs), "--index", str(tmp_path / "idx")]).exit_code == 0
    result = runner.invoke(app, ["search", "alpha", "--index", str(tmp_path / "idx"), "--fusion", "milvus-rrf",
                                 "--mode", "sparse"])
    assert result.exit_code != 0 and "needs a Milvus index" in result.output


@pytest.mark.parametrize(("spec", "message"), [
    ("milvus:index.txt", "ending in .db"), ("milvus://nohost", "milvus://HOST:PORT"),
    ("milvus://h:1/bad-name", "letters, digits and _"),
])
def test_bad_milvus_specs(spec: str, message: str) -> None:
    result = runner.invoke(app, ["search", "x", "--index", spec])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize("command", ["ingest", "search", "info", "ask", "chat"])
def test_help_names_the_milvus_specs(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "milvus:PATH.db" in result.output
