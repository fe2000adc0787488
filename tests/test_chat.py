"""ChatSession with the scripted model: condensed retrieval, bounded history, surviving errors, settings, saving."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragagent.agent import Agent
from ragagent.chat import ChatSession
from ragagent.errors import ConfigError, LLMConnectionError
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.types import Step
from tests.fakes import HashEmbedder, ScriptedLLM

REACT = "ReAct was introduced in 2022 by Shunyu Yao and colleagues. ReAct agents interleave thoughts and actions."
PAL = "PAL was proposed by Luyu Gao and colleagues at Carnegie Mellon University. PAL writes Python programs."


@pytest.fixture
def index(tmp_path: Path) -> Index:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "react.txt").write_text(REACT)
    (root / "pal.txt").write_text(PAL)
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    return Index.open(tmp_path / "idx", embedder=HashEmbedder())


def first_passage(prompt: str) -> str:
    return prompt.split("Passages:\n")[-1].split("\n")[0]


def test_follow_up_is_retrieved_with_the_standalone_question(index: Index) -> None:
    llm = ScriptedLLM(["ReAct was introduced in 2022 [1].", "ReAct was introduced by Shunyu Yao [1]."])
    session = ChatSession(Agent(index, llm), mode="rag", condense_with_model=False)
    session.ask("When was ReAct introduced?")
    steps: list[Step] = []
    answer = session.ask("Who proposed it?", on_step=steps.append)
    assert answer.question == "Who proposed ReAct?"  # what retrieval and the prompt used
    assert first_passage(llm.calls[1].prompt).startswith("[1] (react.txt)")
    assert answer.citations[0].source == "react.txt" and answer.citations[0].verified
    assert steps[0].action == "condense" and steps[0].observation == "Who proposed ReAct?"
    assert "rules" in steps[0].thought and session.turns[-1].question == "Who proposed it?"


def test_the_model_condenses_when_it_can(index: Index) -> None:
    llm = ScriptedLLM(["ReAct was introduced in 2022 [1].", " Who introduced ReAct in 2022?",
                       "Shunyu Yao and colleagues [1]."])
    session = ChatSession(Agent(index, llm), mode="rag")
    session.ask("When was ReAct introduced?")
    assert session.ask("Who proposed it?").question == "Who introduced ReAct in 2022?"
    assert session.turns[-1].condensed.method == "model" and len(llm.calls) == 3


def test_the_answer_prompt_sees_a_bounded_summarised_history(index: Index) -> None:
    replies = [f"ReAct fact number {i} is stated here at some length [1]. Second sentence." for i in range(6)]
    llm = ScriptedLLM(list(replies))
    session = ChatSession(Agent(index, llm), mode="rag", history_tokens=40, condense_with_model=False)
    for i in range(6):
        session.ask(f"What do ReAct agents interleave, part {i}?")
    last_prompt = llm.calls[-1].prompt
    history = last_prompt.split("Earlier in this conversation:\n")[1].split("\n\nPassages:")[0]
    shown = "Q: What do ReAct agents interleave, part 4?\nA: ReAct fact number 4 is stated here at some length."
    assert shown in history
    assert "part 0" not in history and "Second sentence" not in history and "[1]" not in history
    assert len(history) // 4 <= 40
    assert "Earlier in this conversation" not in llm.calls[0].prompt  # nothing to show on the first turn


def test_a_failed_turn_keeps_the_session(index: Index) -> None:
    def down(prompt: str) -> str:
        raise LLMConnectionError("model server at http://127.0.0.1:9 did not answer")

    llm = ScriptedLLM(["ReAct was introduced in 2022 [1].", down, "Shunyu Yao proposed ReAct [1]."])
    session = ChatSession(Agent(index, llm), mode="rag", condense_with_model=False)
    session.ask("When was ReAct introduced?")
    with pytest.raises(LLMConnectionError):
        session.ask("Who proposed it?")
    assert len(session.turns) == 1  # the failed turn is not recorded, the earlier one is kept
    assert session.ask("Who proposed it?").question == "Who proposed ReAct?"
    assert len(session.turns) == 2


def test_mode_and_k_are_checked(index: Index) -> None:
    session = ChatSession(Agent(index, ScriptedLLM([])))
    assert session.set_mode("react") == "react" and session.mode == "react"
    with pytest.raises(ConfigError, match="unknown mode 'magic'"):
        session.set_mode("magic")
    assert session.mode == "react"
    assert session.set_k("3") == 3 and session.agent.settings.k == 3
    for bad in ("0", "101", "three"):
        with pytest.raises(ConfigError, match="k must"):
            session.set_k(bad)
    assert session.k == 3


def test_k_changes_what_is_retrieved(index: Index) -> None:
    llm = ScriptedLLM(["Both had colleagues [1][2].", "Both had colleagues [1]."])
    session = ChatSession(Agent(index, llm), mode="rag")
    assert len(session.ask("Which colleagues worked on PAL and ReAct?").hits) == 2
    session.set_k(1)
    assert len(session.ask("Which colleagues worked on PAL and ReAct?").hits) == 1


def test_reset_forgets_the_conversation(index: Index) -> None:
    llm = ScriptedLLM(["ReAct was introduced in 2022 [1].", "I do not know."])
    session = ChatSession(Agent(index, llm), mode="rag", condense_with_model=False)
    session.ask("When was ReAct introduced?")
    session.reset()
    assert session.turns == [] and session.last is None
    assert session.standalone("Who proposed it?") == "Who proposed it?"


def test_save_writes_the_transcript_with_citations(index: Index, tmp_path: Path) -> None:
    llm = ScriptedLLM(["ReAct was introduced in 2022 [1].", "Shunyu Yao and colleagues introduced ReAct [1]."])
    session = ChatSession(Agent(index, llm), mode="rag", condense_with_model=False)
    session.ask("When was ReAct introduced?")
    session.ask("Who proposed it?")
    assert session.save(tmp_path / "chat.json") == 2
    data = json.loads((tmp_path / "chat.json").read_text(encoding="utf-8"))
    assert data["format"] == "ragagent-chat/1" and data["index"] == str(index.directory)
    second = data["turns"][1]
    assert (second["question"], second["standalone"], second["condensed_by"]) == (
        "Who proposed it?", "Who proposed ReAct?", "rules")
    cite = second["citations"][0]
    assert (cite["n"], cite["source"], cite["verified"]) == (1, "react.txt", True)
    assert cite["chunk_id"] == second["retrieved"][0]["chunk_id"] and cite["start"] == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".chat.json")] == []  # no temp file left


def test_save_to_a_bad_path_is_a_clear_error(index: Index, tmp_path: Path) -> None:
    session = ChatSession(Agent(index, ScriptedLLM([])))
    with pytest.raises(ConfigError, match=r"cannot save the transcript to .*missing/dir/x\.json"):
        session.save(tmp_path / "missing" / "dir" / "x.json")
    with pytest.raises(ConfigError, match="is a directory"):
        session.save(tmp_path)
