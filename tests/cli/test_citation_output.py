"""``ragagent ask`` shows why a citation is unverified, in text and JSON; ``--verify-with`` reaches Settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ragagent.agent import Agent
from ragagent.cli import app
from ragagent.config import Settings
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from tests.fakes import HashEmbedder, ScriptedLLM

runner = CliRunner()
WRONG = "The Transformer architecture was introduced in 2015 by Vaswani [1]."


SCRIPT = [WRONG, " CONTRADICTED: introduced in 2017 by Vaswani"]  # the answer, then (with llm) the judge
SEEN: list[Settings] = []


@pytest.fixture
def index_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "t.md").write_text("The Transformer architecture was introduced in 2017 by Vaswani and colleagues.")
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    SEEN.clear()

    def build(settings: Settings) -> Any:
        SEEN.append(settings)
        return Agent(Index.open(settings.index, embedder=HashEmbedder()), ScriptedLLM(list(SCRIPT)),
                     settings=settings)

    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", build)
    return tmp_path / "idx"


def flat(output: str) -> str:
    return " ".join(output.split())  # the console wraps long lines


def test_wrong_fact_is_shown_unverified_with_its_reason(index_dir: Path) -> None:
    result = runner.invoke(app, ["ask", "When was the transformer introduced?", "--index", str(index_dir),
                                 "--mode", "rag"])
    assert result.exit_code == 0, result.output
    assert "[1] t.md (unverified) “The Transformer architecture was introduced in 2017 by Vaswani and " \
           "colleagues.” — '2015' not in the cited passage" in flat(result.output)


def test_json_carries_verdict_reason_and_quote_offsets(index_dir: Path) -> None:
    result = runner.invoke(app, ["ask", "When was the transformer introduced?", "--index", str(index_dir),
                                 "--mode", "rag", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    c = data["citations"][0]
    assert (c["verified"], c["verdict"], c["reason"]) == (False, "contradicted", "'2015' not in the cited passage")
    chunk = data["hits"][0]["chunk"]["text"]
    assert chunk[c["quote_start"]:c["quote_end"]] == c["quote"]
    assert data["answered"] is True and data["abstention"] is None


def test_verify_with_llm_asks_the_model_to_judge(index_dir: Path) -> None:
    result = runner.invoke(app, ["ask", "When was the transformer introduced?", "--index", str(index_dir),
                                 "--mode", "rag", "--verify-with", "llm"])
    assert result.exit_code == 0, result.output
    assert SEEN[0].verify_with == "llm"
    assert "(unverified)" in flat(result.output)
    assert "the judge found it contradicted: “introduced in 2017 by Vaswani”" in flat(result.output)


def test_bad_verify_with_fails_in_one_line(index_dir: Path) -> None:
    bad = runner.invoke(app, ["ask", "q?", "--index", str(index_dir), "--verify-with", "magic"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert "invalid value for '--verify-with': 'magic' is not one of 'lexical', 'embedding', 'llm'" in bad.output


def test_a_corrected_citation_says_which_number_the_model_wrote() -> None:
    from ragagent.cli.render import answer_lines
    from ragagent.types import Answer, Citation

    cite = Citation(n=2, chunk_id="c2", source="t.md", page=None, start=0, end=40, quote="introduced in 2017",
                    verified=True, origin="corrected", corrected_from=1)
    lines = answer_lines(Answer("q?", "It was introduced in 2017 [2].", "rag", citations=(cite,)))
    assert any("[2] t.md" in line and "corrected by ragagent: the model cited [1]" in line for line in lines)
