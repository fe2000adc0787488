"""The embedding and LLM-judge checkers, their composition, and choosing one with --verify-with."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragagent.errors import ConfigError
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.rag.judges import AllOf, EmbeddingChecker, LlmJudgeChecker, index_rarity, make_checker
from ragagent.rag.lexical import LexicalChecker
from ragagent.rag.support import Support
from tests.fakes import HashEmbedder, ScriptedLLM

EVIDENCE = ("The Eiffel Tower was completed in 1889 for the World's Fair. "
            "Bananas are rich in potassium and grow in tropical regions.")


class Fixed:
    def __init__(self, verdict: str, reason: str | None = None) -> None:
        self.verdict, self.reason = verdict, reason

    def check(self, claim: str, evidence: str) -> Support:
        return Support(self.verdict, 0.7, self.reason, 0, 3, evidence[:3])  # type: ignore[arg-type]


def test_all_of_needs_every_checker_and_reports_the_first_objection() -> None:
    assert AllOf(Fixed("supported"), Fixed("supported")).check("c", EVIDENCE).supported
    s = AllOf(Fixed("supported"), Fixed("contradicted", "no"), Fixed("not-supported", "later")).check("c", EVIDENCE)
    assert (s.verdict, s.reason) == ("contradicted", "no")
    with pytest.raises(ConfigError):
        AllOf()


def test_embedding_checker_picks_the_most_similar_window() -> None:
    checker = EmbeddingChecker(HashEmbedder())
    s = checker.check("Bananas are rich in potassium and grow in tropical regions.", EVIDENCE)
    assert s.supported and s.score > 0.99 and s.quote == EVIDENCE[s.start:s.end] and s.quote.startswith("Bananas")
    far = checker.check("Quantum chromodynamics describes gluons.", EVIDENCE)
    assert not far.supported and "not similar enough" in (far.reason or "")


def test_llm_judge_verdicts_and_located_quotes() -> None:
    llm = ScriptedLLM([" SUPPORTED: \"completed in 1889 for the World's Fair\"",
                       " CONTRADICTED: the tower was completed in 1889",
                       " I think so?"])
    judge = LlmJudgeChecker(llm)
    yes = judge.check("The Eiffel Tower opened in 1889.", EVIDENCE)
    assert yes.supported and yes.quote == "completed in 1889 for the World's Fair"
    prompt = llm.calls[0].prompt
    assert "Evidence: The Eiffel Tower" in prompt and "Claim: The Eiffel Tower opened" in prompt
    no = judge.check("The Eiffel Tower opened in 1901.", EVIDENCE)
    assert no.verdict == "contradicted" and "the tower was completed in 1889" in (no.reason or "")
    assert no.quote == EVIDENCE[no.start:no.end]  # not found verbatim: the lexical window is quoted
    unread = judge.check("The Eiffel Tower opened in 1889.", EVIDENCE)
    assert unread.verdict == "not-supported" and "could not be read" in (unread.reason or "")


def test_llm_judge_not_supported_is_not_read_as_supported() -> None:
    s = LlmJudgeChecker(ScriptedLLM([" NOT SUPPORTED: nothing about height"])).check("It is 300 m tall.", EVIDENCE)
    assert s.verdict == "not-supported"


def test_make_checker_wires_components_and_rejects_missing_ones() -> None:
    assert isinstance(make_checker("lexical"), LexicalChecker)
    assert isinstance(make_checker("embedding", embedder=HashEmbedder()), AllOf)
    assert isinstance(make_checker("llm", llm=ScriptedLLM([])), LlmJudgeChecker)
    for kind, message in (("embedding", "embedder"), ("llm", "model"), ("magic", "unknown")):
        with pytest.raises(ConfigError, match=message):
            make_checker(kind)


def test_index_rarity_reads_the_bm25_document_frequencies(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(4):
        (docs / f"{i}.txt").write_text(f"Common words appear here. Document {i} mentions homocysteine{i % 2}.")
    ingest_paths([docs], tmp_path / "idx", embedder=HashEmbedder())
    rarity = index_rarity(Index.open(tmp_path / "idx", embedder=HashEmbedder()))
    assert rarity is not None and rarity.documents == 4
    assert (rarity.document_frequency("common"), rarity.document_frequency("homocysteine1"),
            rarity.document_frequency("absent")) == (4, 2, 0)


def test_agent_wires_the_chosen_checker_to_its_index_and_model(tmp_path: Path) -> None:
    from ragagent.agent import Agent
    from ragagent.config import Settings

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The Eiffel Tower was completed in 1889.")
    ingest_paths([docs], tmp_path / "idx", embedder=HashEmbedder())
    index = Index.open(tmp_path / "idx", embedder=HashEmbedder())
    llm = ScriptedLLM([])
    lexical = Agent(index, llm, settings=Settings()).verifier.checker
    assert isinstance(lexical, LexicalChecker)
    embedding = Agent(index, llm, settings=Settings(verify_with="embedding")).verifier.checker
    assert isinstance(embedding, AllOf) and isinstance(embedding.checkers[1], EmbeddingChecker)
    assert embedding.checkers[1].embedder is index.embedder  # the index's own embedder
    judge = Agent(index, llm, settings=Settings(verify_with="llm")).verifier.checker
    assert isinstance(judge, LlmJudgeChecker) and judge.llm is llm
