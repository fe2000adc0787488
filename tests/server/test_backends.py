"""The API over either backend: info, search, ask, list, upload (a new generation seen without a restart), delete.

The same requests against an index directory and a Milvus Lite file (``milvus:PATH.db``), through TestClient with
the hash embedder and a scripted model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ragagent.config import Settings
from ragagent.errors import ConfigError
from ragagent.ingest import ingest_paths
from ragagent.server import ServeOptions, create_app
from tests.fakes import HashEmbedder, ScriptedLLM
from tests.index.backends import BACKENDS, spec_for
from tests.server.conftest import FACT, TOKEN, auth

ANSWER = "The Transformer architecture was introduced in 2017 [1]."
LIGHTHOUSE = "The lighthouse on Skerry Point was built in 1874 from granite.\n"


def served(spec: str, script: list[str] | None = None) -> TestClient:
    app = create_app(Settings(index=spec, llm="local"), ServeOptions(api_token=TOKEN),
                     llm=ScriptedLLM(list(script or [])), embedder=HashEmbedder())
    return TestClient(app)


@pytest.fixture(params=BACKENDS)
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return spec_for(request.param, tmp_path)


@pytest.fixture
def ingested(spec: str, tmp_path: Path) -> str:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "t.md").write_text(FACT + "\n")
    (root / "lighthouse.md").write_text(LIGHTHOUSE)
    ingest_paths([root], spec, embedder=HashEmbedder())
    return spec


def uploads_of(spec: str) -> Path:
    return Path(spec.removeprefix("milvus:") + ".uploads") if spec.startswith("milvus:") else Path(spec) / "uploads"


def test_info_search_and_ask(ingested: str) -> None:
    with served(ingested, [ANSWER]) as client:
        info = client.get("/v1/info").json()
        assert info["backend"] == ("milvus-lite" if ingested.startswith("milvus:") else "local")
        assert info["empty"] is False and info["documents"] == 2 and info["chunks"] >= 2
        assert info["embedding_model"] == "hash-embedder" and info["generation"]
        assert info["index"] == (ingested if ingested.startswith("milvus:") else str(Path(ingested).resolve()))
        for mode in ("hybrid", "dense", "sparse"):
            hits = client.get("/v1/search", params={"q": "lighthouse Skerry granite", "k": 2, "mode": mode})
            assert hits.status_code == 200, hits.text
            top = hits.json()["hits"][0]
            assert top["source"] == "lighthouse.md" and LIGHTHOUSE[top["start"]:top["end"]] == top["text"]
            assert set(top["retrievers"]) == ({"dense", "sparse"} if mode == "hybrid" else {mode})
        r = client.post("/v1/ask", json={"question": "When was the transformer architecture introduced?",
                                         "mode": "rag", "k": 2})
        assert r.status_code == 200, r.text
        cited = r.json()["citations"][0]
        assert cited["verified"] is True and cited["source"] == "t.md"


def test_upload_is_seen_without_a_restart_and_delete_removes_it(ingested: str) -> None:
    with served(ingested) as client:
        before = client.get("/v1/documents").json()
        assert sorted(d["source"] for d in before["documents"]) == ["lighthouse.md", "t.md"]
        assert all(len(d["sha256"]) == 64 and d["chunks"] >= 1 for d in before["documents"])
        r = client.post("/v1/documents", headers=auth(),
                        files={"files": ("orchard.md", b"The orchard grows quince trees beside the old mill.\n")})
        assert r.status_code == 200, r.text
        report = r.json()
        assert report["chunks_added"] >= 1 and not report["failures"]
        assert report["generation"] not in (None, before["generation"])
        stored = uploads_of(ingested) / "orchard.md"
        assert stored.is_file()
        listed = client.get("/v1/documents").json()
        assert listed["generation"] == report["generation"] and len(listed["documents"]) == 3
        assert client.get("/v1/info").json()["documents"] == 3
        hits = client.get("/v1/search", params={"q": "quince orchard mill", "k": 1}).json()["hits"]
        assert hits[0]["source"] == report["added"][0] and "quince" in hits[0]["text"]
        gone = client.delete(f"/v1/documents/{report['added'][0]}", headers=auth())
        assert gone.status_code == 200, gone.text
        assert gone.json()["removed"] == report["added"] and not stored.exists()
        after = client.get("/v1/documents").json()
        assert len(after["documents"]) == 2 and after["generation"] != report["generation"]
        hits = client.get("/v1/search", params={"q": "quince orchard mill", "k": 3}).json()["hits"]
        assert hits and all("quince" not in h["text"] for h in hits)
        assert client.delete("/v1/documents/nope.md", headers=auth()).status_code == 404


def test_an_empty_index_fills_from_an_upload(spec: str) -> None:
    with served(spec) as client:
        assert client.get("/v1/search", params={"q": "x"}).status_code == 404
        info = client.get("/v1/info").json()
        assert info["empty"] is True and info["backend"] is None and info["documents"] == 0
        if spec.startswith("milvus:"):
            assert not Path(spec.removeprefix("milvus:")).exists()  # looking did not create the file
        r = client.post("/v1/documents", headers=auth(), files={"files": ("t.md", (FACT + "\n").encode())})
        assert r.status_code == 200, r.text
        hits = client.get("/v1/search", params={"q": "Transformer 2017 Vaswani", "k": 1}).json()["hits"]
        assert hits[0]["source"] == "t.md"
        assert client.get("/v1/info").json()["empty"] is False


def test_an_ingest_beside_the_server_is_seen_and_a_stopped_server_frees_the_index(ingested: str,
                                                                                    tmp_path: Path) -> None:
    """A commit by another writer (here: this process) is served without a restart; after shutdown the index
    (a Milvus Lite file: one process at a time) is free for other users again."""
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "bees.md").write_text("Honey bees dance to share where the clover grows.\n")
    with served(ingested) as client:
        before = client.get("/v1/info").json()["generation"]
        ingest_paths([extra], ingested, embedder=HashEmbedder())
        hits = client.get("/v1/search", params={"q": "honey bees clover", "k": 1}).json()["hits"]
        assert Path(hits[0]["source"]).name == "bees.md"
        assert client.get("/v1/info").json()["generation"] != before
    from ragagent.index.milvus import client as milvus_client

    # the server's client was released at shutdown (other tests' in-process CLI runs may hold their own files)
    assert not [uri for uri in milvus_client._OPEN if uri.startswith(str(tmp_path))]
    (extra / "bees.md").unlink()
    (extra / "ants.md").write_text("Ants farm aphids for honeydew.\n")
    report = ingest_paths([extra], ingested, embedder=HashEmbedder())
    assert report.committed


def test_upload_dirs_per_backend(tmp_path: Path) -> None:
    options = ServeOptions()
    assert options.uploads(tmp_path / "idx") == tmp_path / "idx" / "uploads"
    db = tmp_path / "sf.db"
    assert options.uploads(f"milvus:{db}") == Path(f"{db.resolve()}.uploads")
    with pytest.raises(ConfigError, match="--upload-dir"):
        options.uploads("milvus://localhost:19530/docs")
    assert ServeOptions(upload_dir=tmp_path / "up").uploads("milvus://localhost:19530") == tmp_path / "up"


def test_a_milvus_server_index_without_upload_dir_refuses_uploads_clearly() -> None:
    with served("milvus://127.0.0.1:9/docs") as client:  # nothing listens there: the refusal comes first
        r = client.post("/v1/documents", headers=auth(), files={"files": ("t.md", b"alpha beta\n")})
        assert r.status_code == 422 and "--upload-dir" in r.json()["error"]["message"]
        assert client.get("/healthz").status_code == 200
