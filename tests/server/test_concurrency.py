"""8 clients search while a document is uploaded: no errors; each reply is one consistent generation.

A real uvicorn server (in a thread) over the app, so searches really run in parallel on its thread pool.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from ragagent.config import Settings
from ragagent.server import ServeOptions, create_app
from tests.fakes import HashEmbedder, ScriptedLLM
from tests.server.serving import free_port

NEW_DOC = "The orchard grows quince trees beside the old mill on the river.\n" * 40


@pytest.fixture
def server_url(index_dir: Path) -> Iterator[str]:
    app = create_app(Settings(index=index_dir), ServeOptions(), llm=ScriptedLLM([]), embedder=HashEmbedder())
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_searches_during_an_ingest_commit(server_url: str) -> None:
    stop = threading.Event()
    results: list[tuple[float, int, list[str]]] = []  # (finish time, status, sources of the hits)
    errors: list[BaseException] = []
    ids: list[list[str]] = []

    def searcher() -> None:
        with httpx.Client(base_url=server_url, timeout=30) as client:
            while not stop.is_set():
                try:
                    r = client.get("/v1/search", params={"q": "quince orchard lighthouse granite", "k": 3})
                    hits = r.json()["hits"] if r.status_code == 200 else []
                    sources = [h["source"] for h in hits]
                    ids.append([h["chunk_id"] for h in hits])
                    results.append((time.monotonic(), r.status_code, sources))
                except BaseException as exc:  # every failure counts
                    errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(results) + len(errors) < 16 and time.monotonic() < deadline:  # searching before the upload
        time.sleep(0.05)
    upload_started = time.monotonic()
    r = httpx.post(server_url + "/v1/documents", files={"files": ("orchard.md", NEW_DOC.encode())}, timeout=60)
    committed = time.monotonic()
    while len([t for t, _, _ in results if t > committed + 0.05]) < 16 and time.monotonic() < deadline + 60:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    assert r.status_code == 200, r.text
    assert not errors and results and all(status == 200 for _, status, _ in results)
    before = [s for t, _, s in results if t < upload_started]
    after = [s for t, _, s in results if t > committed + 0.05]
    assert before and after
    orchard = "uploads/orchard.md"
    assert all(not any(src.endswith(orchard) for src in s) for s in before)
    assert all(any(src.endswith(orchard) for src in s) for s in after)  # picked up without a restart
    for sources in (s for _, _, s in results):  # each reply is whole: the old document is always found
        assert len(sources) >= 2 and "lighthouse.md" in {Path(x).name for x in sources}
    assert all(len(set(chunks)) == len(chunks) for chunks in ids)  # no chunk twice (no half-swapped index)


def test_an_ingest_from_another_writer_is_picked_up(index_dir: Path, server_url: str) -> None:
    """``ragagent ingest`` elsewhere (here: ingest_paths directly) commits; the server sees it, no restart."""
    from ragagent.ingest import ingest_paths

    def top() -> str:
        hits = httpx.get(server_url + "/v1/search", params={"q": "zeppelin hangar airship", "k": 1}).json()["hits"]
        return str(hits[0]["source"])

    assert top() != "z.md"
    extra = index_dir.parent / "docs" / "z.md"
    extra.write_text("The zeppelin hangar housed one airship.\n")
    ingest_paths([extra], index_dir, embedder=HashEmbedder())
    assert top() == "z.md"
    assert httpx.get(server_url + "/v1/info").json()["documents"] == 3
