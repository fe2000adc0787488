"""An app over a small hash-embedded index with a scripted model (fast, in-process TestClient)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ragagent.config import Settings
from ragagent.index import ingest_paths
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
