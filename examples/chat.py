"""A chat over an index with ragagent's public API (run `make demo` first to build ./.ragagent).

    .venv/bin/python examples/chat.py [--index .ragagent] [--llm local]

Follow-up questions ("Who proposed it?") are condensed into standalone ones before retrieval.
/mode auto|rag|pal|react, /reset, /save FILE; /exit or Ctrl-D quits. Errors print one line.
"""

import os

# Before ragagent (and so torch, FAISS, llama.cpp) is imported: idle OpenMP threads must not spin on a busy
# machine (one ReAct question took 156 s instead of 54 s without this), and models load offline.
for name, value in {"OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}.items():
    os.environ.setdefault(name, value)

import argparse  # noqa: E402
from pathlib import Path  # noqa: E402

import ragagent  # noqa: E402


def turn(session: ragagent.ChatSession, line: str) -> None:
    command, _, arg = line.partition(" ")
    if command == "/mode":
        print(f"mode: {session.set_mode(arg.strip())}")
    elif command == "/reset":
        session.reset()
    elif command == "/save":
        print(f"saved {session.save(Path(arg.strip()))} turns")
    else:
        run = session.stream(line)
        print("ragagent> ", end="", flush=True)
        for piece in run:
            print(piece, end="", flush=True)
        turn_ = session.turns[-1]
        print(f"\n   (searched as: {turn_.asked})" if turn_.asked != line else "")
        for c in run.answer.citations:
            where = f"{c.source}:{c.page}" if c.page else c.source
            print(f"   [{c.n}] {where} ({'verified' if c.verified else 'UNVERIFIED'})")


def main() -> None:
    parser = argparse.ArgumentParser(description="Chat with your documents.")
    parser.add_argument("--index", default=".ragagent")
    parser.add_argument("--llm", default="local")
    args = parser.parse_args()
    try:
        session = ragagent.ChatSession(ragagent.Agent(args.index, settings=ragagent.Settings(llm=args.llm)))
        while (line := input("\nyou> ").strip()) not in ("/exit", "/quit"):
            try:
                if line:
                    turn(session, line)
            except ragagent.RagAgentError as exc:
                print(f"error: {exc}")
            except Exception as exc:
                print(f"error: {type(exc).__name__}: {exc}")
    except ragagent.RagAgentError as exc:
        raise SystemExit(f"error: {exc}") from None
    except (EOFError, KeyboardInterrupt):
        print()


if __name__ == "__main__":
    main()
