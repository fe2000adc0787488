"""The real Qwen2.5-Coder-1.5B-Instruct through its chat template, once per mode (structure, not wording)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ragagent import Agent, Settings
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.llm import LlamaCppLLM, load_llm, model_card, prompt_style
from ragagent.llm.catalog import is_installed

pytestmark = [pytest.mark.integration, pytest.mark.slow]
CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"
MODEL = "qwen2.5-coder-1.5b"


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    missing = None
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        missing = "llama-cpp-python"
    if missing is None and not is_installed(model_card(MODEL)):
        missing = f"{MODEL} ({model_card(MODEL).install_hint})"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} is not installed")
        pytest.skip(f"{missing} is not installed")
    index_dir = tmp_path_factory.mktemp("example") / "idx"
    ingest_paths([CORPUS], index_dir)
    llm = load_llm(f"local:{MODEL}", n_ctx=4096)
    return Agent(Index.open(index_dir), llm, settings=Settings(max_tokens=256, max_steps=4))


def test_the_model_is_prompted_through_its_chat_template(agent: Agent) -> None:
    assert isinstance(agent.llm, LlamaCppLLM) and prompt_style(agent.llm) == "chat"
    assert agent.llm.model.metadata.get("tokenizer.chat_template")


def test_rag_cites_shown_passages_itself(agent: Agent) -> None:
    answer = agent.ask("When was the transformer architecture introduced?", mode="rag")
    assert answer.answered and re.search(r"\[\d\]", answer.text)
    own = [c for c in answer.citations if c.origin == "model"]
    shown = {h.chunk.id for h in answer.hits}
    assert own and all(c.chunk_id in shown for c in own)


def test_rag_cites_every_sentence_itself(agent: Agent) -> None:
    answer = agent.ask("What did the Transformer architecture replace, and who introduced it?", mode="rag")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", answer.text.strip()) if s]
    assert answer.answered and sentences and all(re.search(r"\[\d\]", s) for s in sentences)
    assert answer.citations and all(c.origin == "model" for c in answer.citations)  # nothing left to attribute


def test_pal_writes_a_solution_that_runs(agent: Agent) -> None:
    answer = agent.ask("A farmer has 12 cows and buys 3 times as many sheep as cows. How many animals "
                       "does the farmer have now?", mode="pal")
    assert answer.code is not None and "def solution" in answer.code
    assert answer.answered and isinstance(answer.value, int | float)


def test_react_follows_the_action_grammar(agent: Agent) -> None:
    answer = agent.ask("Who proposed PAL, and when was ReAct introduced?", mode="react")
    assert answer.steps[0].action == "search" and answer.steps[-1].action == "finish"
    assert not any((s.error or "").startswith("parse error") for s in answer.steps)
    assert answer.text and all(c.chunk_id in {h.chunk.id for h in answer.hits} for c in answer.citations)


def test_react_finishes_with_a_short_cited_answer(agent: Agent) -> None:
    answer = agent.ask("In which year was the Transformer architecture introduced?", mode="react")
    assert answer.complete and answer.steps[-1].action == "finish"
    assert re.search(r"\[\d\]", answer.text) and len(re.sub(r"\[\d+\]", "", answer.text).split()) <= 12
    assert answer.citations and all(c.chunk_id in {h.chunk.id for h in answer.hits} for c in answer.citations)


def test_a_new_process_restores_the_conversation_head_from_the_prompt_cache(agent: Agent, tmp_path: Path) -> None:
    import llama_cpp

    from ragagent.llm.base import GenerationSettings, Message
    from ragagent.llm.prompt_cache import PromptCache
    from ragagent.rag.prompt import CHAT_EXAMPLE, SYSTEM

    llm = agent.llm
    assert isinstance(llm, LlamaCppLLM)
    llm._cache = PromptCache(llm.model_path, llm.context_window, tmp_path)
    conversation = (Message("system", SYSTEM), *CHAT_EXAMPLE,
                    Message("user", "Passages:\n[1] (a.md) Ada Lovelace was born in London in 1815.\n\n"
                                    "Question: Where was Ada Lovelace born?"))

    def answer() -> tuple[str, int]:
        llm.model.reset()  # what a new process starts from
        llm._loaded.head.clear()
        llama_cpp.llama_perf_context_reset(llm.model._ctx.ctx)
        text = "".join(llm.stream(conversation, settings=GenerationSettings(temperature=0.0, max_tokens=24)))
        return text, int(llama_cpp.llama_perf_context(llm.model._ctx.ctx).n_p_eval)

    cold, cold_evaluated = answer()
    assert len(list(tmp_path.glob("*.kv"))) == 1
    warm, warm_evaluated = answer()
    assert warm == cold and "London" in warm
    assert warm_evaluated < cold_evaluated / 4  # only what follows the cached head is evaluated
