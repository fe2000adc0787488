"""A chat session over an index, using only ragagent's public API.

Run after `make demo` (which builds ./.ragagent from examples/corpus):

    .venv/bin/python examples/chat.py [--index .ragagent] [--llm local]

Type a question; answers stream, then their sources. `/mode rag|pal|react|auto` switches mode,
`/exit` (or Ctrl-D) quits.
"""

from __future__ import annotations

import argparse

import ragagent
from ragagent.chat import ChatSession


def show_sources(answer: ragagent.Answer) -> None:
    for c in answer.citations:
        where = f"{c.source}:{c.page}" if c.page else c.source
        status = "verified" if c.verified else "UNVERIFIED"
        print(f"   [{c.n}] {where} ({status}): {c.quote[:100]}")
    print(f"   ({answer.mode}; {answer.route_reason})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=".ragagent")
    parser.add_argument("--llm", default="local")
    args = parser.parse_args()

    agent = ragagent.Agent(args.index, settings=ragagent.Settings(index=args.index, llm=args.llm))
    session = ChatSession(agent)
    print("Ask about your documents. /mode auto|rag|pal|react switches mode, /exit quits.")
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            break
        if question in ("/exit", "/quit"):
            break
        if question.startswith("/mode "):
            session.mode = question.split()[1]  # type: ignore[assignment]
            print(f"mode: {session.mode}")
            continue
        if not question:
            continue
        run = session.stream(question)
        print("ragagent> ", end="", flush=True)
        for piece in run:
            print(piece, end="", flush=True)
        print()
        show_sources(run.answer)


if __name__ == "__main__":
    main()
