"""ragagent in one page: ingest, search, and ask in rag, pal and react mode, with a custom tool.

    .venv/bin/python examples/quickstart.py          # uses the bundled local model (Gemma 3 270M)

The small local model is a base model, so answers are modest; point `Settings(llm=...)` at a
bigger model (e.g. "openai:gpt-4o-mini" or "ollama:llama3.1") for better ones.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import ragagent

CORPUS = Path(__file__).parent / "corpus"


@ragagent.tool
def word_count(text: str) -> int:
    """Count the words in a piece of text."""
    return len(text.split())


def show(answer: ragagent.Answer) -> None:
    print(f"[{answer.mode}] {answer.text}")
    for c in answer.citations:
        print(f"    [{c.n}] {c.source}{':' + str(c.page) if c.page else ''} verified={c.verified}")
    for step in answer.steps:
        print(f"    step: {step.action} {dict(step.args)} -> {step.observation[:60]!r}")
    if answer.code:
        print("    program:\n" + "\n".join("      " + line for line in answer.code.splitlines()))


def main() -> None:
    index_dir = Path(tempfile.mkdtemp()) / "index"
    report = ragagent.ingest_paths([CORPUS], index_dir)
    print(f"ingested {report.chunks_total} chunks from {report.files_seen} files")

    index = ragagent.Index.open(index_dir)
    for hit in index.search("reciprocal rank fusion", k=2):
        print(f"  {hit.rank}. {hit.chunk.span.locator()} score={hit.score:.4f}")

    agent = ragagent.Agent(index, settings=ragagent.Settings(llm="local", max_steps=4), tools=[word_count])
    show(agent.ask("When was the transformer architecture introduced?", mode="rag"))
    show(agent.ask("A library has 4 shelves with 25 books each. It lends out 17 books. "
                   "How many books are left?", mode="pal"))
    show(agent.ask("Who proposed PAL, and when was ReAct introduced?", mode="react"))


if __name__ == "__main__":
    main()
