"""An app over a small hash-embedded index with a scripted model (fast, in-process TestClient)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ragagent.config import Settings
from ragagent.ingest import ingest_paths
from ragagent.server import ServeOptions, create_app
from tests.fakes import HashEmbedder, ScriptedLLM

TOKEN = "s3cret-token"
FACT = "The Transformer architecture was introduced in 2017 by Vaswani and colleagues."


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "t.md").write_text(FACT + "\n")
    (root / "lighthouse.md").write_text("The lighthouse on Skerry Point was built in 1874 from granite.\n")
    ingest_paths([root], tmp_path / "idx", embedder=HashEmbedder())
    return tmp_path / "idx"


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(index_dir: Path) -> Iterator[MakeClient]:
    clients: list[TestClient] = []

    def make(script: list[str] | None = None, *, token: str | None = TOKEN, index: Path | None = None,
             **options: object) -> TestClient:
        settings = Settings(index=index or index_dir, llm="local")
        app = create_app(settings, ServeOptions(api_token=token, **options),  # type: ignore[arg-type]
                         llm=ScriptedLLM(list(script or [])), embedder=HashEmbedder())
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


RAG_ANSWER = "The beacon keeper of Skerry Point was Mara Quill [1]."
PAL_PROGRAM = "```python\ndef solution():\n    storms = 12\n    return storms * 7\n```"
KEEPER_PAGE = "The beacon keeper of Skerry Point was Mara Quill, who logged every storm in a ledger."


REACT_FINISH = " The passage names the keeper.\nAction: finish[The beacon keeper of Skerry Point was Mara Quill [1].]"


def scripted_reply(prompt: str) -> str:
    """The scripted model: a program for PAL, a finishing step for ReAct, a cited sentence for RAG."""
    if "def solution" in prompt:
        return PAL_PROGRAM
    return REACT_FINISH if "Action: finish[" in prompt else RAG_ANSWER


@pytest.fixture(scope="module")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small index built by ``ragagent ingest`` with the real embedding model."""
    import subprocess
    import sys

    base = tmp_path_factory.mktemp("served")
    docs = base / "docs"
    docs.mkdir()
    (docs / "lighthouse.md").write_text("The lighthouse on Skerry Point was built in 1874 from granite.\n")
    (docs / "t.md").write_text(FACT + "\n")
    done = subprocess.run([sys.executable, "-m", "ragagent", "ingest", str(docs), "--index", str(base / "idx")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return base / "idx"
