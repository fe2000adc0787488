"""``ragagent eval retrieval|rag|pal`` and ``ask --trace`` on tiny generated data."""

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
DOCS = [
    {"_id": "d1", "title": "Transformers", "text": "The transformer architecture was introduced in 2017."},
    {"_id": "d2", "title": "BM25", "text": "BM25 ranks documents by term frequency and inverse document frequency."},
    {"_id": "d3", "title": "PAL", "text": "Program-aided language models write Python programs."},
]


def _beir(tmp_path: Path) -> tuple[Path, Path, Path]:
    corpus, queries, qrels = tmp_path / "corpus.jsonl", tmp_path / "queries.jsonl", tmp_path / "qrels.tsv"
    corpus.write_text("\n".join(json.dumps(d) for d in DOCS))
    queries.write_text("\n".join(json.dumps(q) for q in [
        {"_id": "q1", "text": "when was the transformer architecture introduced"},
        {"_id": "q2", "text": "BM25 term frequency ranking"},
        {"_id": "q3", "text": "unjudged query"},
    ]))
    qrels.write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
    return corpus, queries, qrels


@pytest.mark.integration
def test_eval_retrieval_reports_every_mode(tmp_path: Path) -> None:
    corpus, queries, qrels = _beir(tmp_path)
    result = runner.invoke(app, ["eval", "retrieval", "--corpus", str(corpus), "--queries", str(queries),
                                 "--qrels", str(qrels), "--index", str(tmp_path / "idx"), "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["mode"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"dense", "sparse", "hybrid"}
    assert all(r["queries"] == 2 for r in rows.values())
    assert rows["sparse"]["ndcg_at_10"] == pytest.approx(1.0) and rows["hybrid"]["mrr_at_10"] == pytest.approx(1.0)


def test_eval_retrieval_names_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "retrieval", "--corpus", "c.jsonl", "--queries", "q.jsonl",
                                 "--qrels", str(tmp_path / "none.tsv")])
    assert result.exit_code == 2 and "none.tsv does not exist" in result.stderr  # a bad argument: usage


@pytest.mark.parametrize("modes", ["dense,bogus", "bogus", "sparse,,dense"])
def test_eval_retrieval_rejects_an_unknown_mode(modes: str) -> None:
    result = runner.invoke(app, ["eval", "retrieval", "--corpus", "c.jsonl", "--queries", "q.jsonl",
                                 "--qrels", "none.tsv", "--modes", modes])
    bad = "''" if ",," in modes else "'bogus'"
    assert result.exit_code == 2 and f"invalid value for '--modes': {bad} is not one of" in result.stderr


@pytest.mark.integration
def test_eval_retrieval_scores_the_modes_asked_for_in_order(tmp_path: Path) -> None:
    corpus, queries, qrels = _beir(tmp_path)
    result = runner.invoke(app, ["eval", "retrieval", "--corpus", str(corpus), "--queries", str(queries),
                                 "--qrels", str(qrels), "--index", str(tmp_path / "idx"), "--json",
                                 "--modes", " sparse,dense"])
    assert result.exit_code == 0, result.output
    assert [r["mode"] for r in json.loads(result.stdout)] == ["sparse", "dense"]


@pytest.fixture
def scripted_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[ScriptedLLM]:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "t.md").write_text("The transformer architecture was introduced in 2017 by Vaswani and colleagues.")
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    made: list[ScriptedLLM] = []

    def build(settings: Settings) -> Any:
        made.append(ScriptedLLM(["The transformer architecture was introduced in 2017 [1].",
                                 " The documents do not say."]))
        return Agent(Index.open(tmp_path / "idx", embedder=HashEmbedder()), made[-1], settings=settings)

    monkeypatch.setattr("ragagent.cli.eval_cmds.build_agent", build)
    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", build)
    return made


def test_eval_rag_scores_answers(scripted_agent: list[ScriptedLLM], tmp_path: Path) -> None:
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps({"question": "When was the transformer introduced?", "answer": "2017",
                              "gold_sources": ["t.md"]}) + "\n"
                  + json.dumps({"question": "Who introduced the transformer architecture?", "answer": "Vaswani"}))
    result = runner.invoke(app, ["eval", "rag", str(qa), "--index", str(tmp_path / "idx"), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output[result.output.index("{"):])
    assert scores["n"] == 2 and scores["contains"] == pytest.approx(0.5)
    assert scores["citation_precision"] == pytest.approx(1.0) and scores["not_in_documents_rate"] == pytest.approx(0.5)


@pytest.mark.integration
@pytest.mark.usefixtures("executor")  # the command builds its own sandbox: fail (CI) or skip where it cannot
def test_eval_pal_reports_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    problems = tmp_path / "gsm.jsonl"
    problems.write_text("\n".join(json.dumps(p) for p in [
        {"question": "Sam has 3 boxes of 4 pens. How many pens?", "answer": "3*4=12\n#### 12"},
        {"question": "Ann has 10 apples and eats 3. How many are left?", "answer": "#### 7"},
    ]))
    llm = ScriptedLLM(["    return 3 * 4\n", "    return 10 - 4\n"])
    monkeypatch.setattr("ragagent.llm.load_llm", lambda *a, **k: llm)
    result = runner.invoke(app, ["eval", "pal", str(problems), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{"):])
    assert summary == {"n": 2, "correct": 1, "accuracy": 0.5}


def test_ask_trace_prints_steps(scripted_agent: list[ScriptedLLM], tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    def build(settings: Settings) -> Any:
        llm = ScriptedLLM([" I know this now.\nAction: finish[The transformer was introduced in 2017 [1].]"])
        return Agent(Index.open(tmp_path / "idx", embedder=HashEmbedder()), llm, settings=settings)

    monkeypatch.setattr("ragagent.cli.ask_cmds.build_agent", build)
    result = runner.invoke(app, ["ask", "Who introduced the transformer, and when?", "--index",
                                 str(tmp_path / "idx"), "--trace"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Thought: I should search the documents" in out and "Action: search[query=" in out
    assert "Observation: [1] (t.md)" in out and "Action: finish[answer=" in out
    assert "[1] t.md (verified" in out and "mode: react; multi-hop question" in out
