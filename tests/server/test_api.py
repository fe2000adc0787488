"""/v1/ask (JSON and server-sent events), /v1/search, /v1/info, /healthz and their errors."""

from __future__ import annotations

import json
from pathlib import Path

from ragagent.server.options import ServeOptions
from tests.server.conftest import MakeClient


def sse_events(text: str) -> list[tuple[str, dict[str, object]]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [ln for ln in block.split("\n") if ln and not ln.startswith(":")]
        kind = next((ln[6:].strip() for ln in lines if ln.startswith("event:")), "message")
        data = "\n".join(ln[5:].strip() for ln in lines if ln.startswith("data:"))
        if data:
            events.append((kind, json.loads(data)))
    return events


def test_healthz_and_info(make_client: MakeClient) -> None:
    client = make_client()
    assert client.get("/healthz").json() == {"status": "ok"}
    info = client.get("/v1/info").json()
    assert info["empty"] is False and info["documents"] == 2 and info["chunks"] >= 2
    assert info["embedding_model"] == "hash-embedder" and info["write_token_required"] is True


def test_ask_returns_the_cli_json(make_client: MakeClient) -> None:
    client = make_client(["The Transformer architecture was introduced in 2017 [1]."])
    r = client.post("/v1/ask", json={"question": "When was the transformer architecture introduced?",
                                     "mode": "rag", "k": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ok" and body["mode"] == "rag"
    assert body["citations"][0]["verified"] is True and body["citations"][0]["source"] == "t.md"
    assert len(body["hits"]) <= 2 and body["route_reason"] == "mode chosen by the caller"


def test_ask_stream_event_order(make_client: MakeClient) -> None:
    client = make_client(["The Transformer architecture was introduced in 2017 [1]."])
    with client.stream("POST", "/v1/ask", json={"question": "When was the transformer introduced?",
                                                "mode": "rag", "stream": True}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r.read().decode())
    kinds = [k for k, _ in events]
    assert kinds[-1] == "answer" and kinds.count("answer") == 1
    assert set(kinds[:-1]) == {"token"} and len(kinds) > 3  # streamed word by word
    text = "".join(str(d["text"]) for k, d in events if k == "token")
    final = events[-1][1]
    assert text == final["text"] and final["citations"]


def test_react_stream_sends_steps_before_the_text(make_client: MakeClient) -> None:
    from tests.server.conftest import REACT_FINISH

    client = make_client([REACT_FINISH.replace("Skerry Point was Mara Quill", "the Transformer was 2017")])
    with client.stream("POST", "/v1/ask", json={"question": "When was the transformer introduced?",
                                                "mode": "react", "stream": True}) as r:
        events = sse_events(r.read().decode())
    kinds = [k for k, _ in events]
    assert kinds[0] == "step" and kinds[-1] == "answer" and "token" in kinds
    assert kinds.index("token") > max(i for i, k in enumerate(kinds) if k == "step")
    actions = [d["action"] for k, d in events if k == "step"]
    assert actions[0] == "search" and actions[-1] == "finish"
    assert events[-1][1]["mode"] == "react" and len(events[-1][1]["steps"]) == len(actions)  # type: ignore[arg-type]


def test_stream_reports_model_failure_as_error_event(make_client: MakeClient) -> None:
    client = make_client([])  # the scripted model has nothing to say: the call fails mid-stream
    with client.stream("POST", "/v1/ask", json={"question": "When was the transformer introduced?",
                                                "mode": "rag", "stream": True}) as r:
        events = sse_events(r.read().decode())
    assert events[-1][0] == "error"
    assert events[-1][1]["error"]["type"] == "InternalError"  # type: ignore[index]


def test_ask_errors(make_client: MakeClient) -> None:
    client = make_client()
    for body in ({"question": "   "}, {"question": ""}, {}, {"question": "x", "mode": "magic"},
                 {"question": "x", "k": 0}, {"question": "x", "temperature": -1}, {"question": "x", "bogus": 1}):
        r = client.post("/v1/ask", json=body)
        assert r.status_code == 422, body
        assert r.json()["error"]["type"] == "ValidationError"
    r = client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "error" in r.json()
    assert "empty" in client.post("/v1/ask", json={"question": "  "}).json()["error"]["message"]


def test_empty_index_is_a_clear_404(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client(index=tmp_path / "nothing-here")
    for r in (client.post("/v1/ask", json={"question": "anything?"}), client.get("/v1/search?q=x")):
        assert r.status_code == 404
        assert r.json()["error"]["type"] == "IndexNotFoundError" and "upload" in r.json()["error"]["message"]
    info = client.get("/v1/info").json()
    assert info["empty"] is True and info["documents"] == 0
    assert client.get("/v1/documents").json() == {"generation": None, "documents": []}


def test_search_hits_with_provenance_and_components(make_client: MakeClient) -> None:
    client = make_client()
    body = client.get("/v1/search", params={"q": "lighthouse granite", "k": 2}).json()
    assert body["mode"] == "hybrid" and 1 <= len(body["hits"]) <= 2
    top = body["hits"][0]
    assert top["source"] == "lighthouse.md" and top["rank"] == 1 and "granite" in top["text"]
    assert set(top["retrievers"]) <= {"dense", "sparse"} and top["retrievers"]
    assert top["end"] > top["start"] >= 0 and len(top["chunk_id"]) == 32
    sparse = client.get("/v1/search", params={"q": "lighthouse", "mode": "sparse"}).json()
    assert list(sparse["hits"][0]["retrievers"]) == ["sparse"]


def test_search_errors(make_client: MakeClient) -> None:
    client = make_client()
    for params in ({}, {"q": ""}, {"q": "x", "k": 0}, {"q": "x", "k": "many"}, {"q": "x", "mode": "fuzzy"}):
        r = client.get("/v1/search", params=params)
        assert r.status_code == 422, params
        assert r.json()["error"]["type"] == "ValidationError"
    assert client.get("/v1/search", params={"q": "   "}).json()["error"]["type"] == "ConfigError"


def test_openapi_schema_comes_from_the_models(make_client: MakeClient) -> None:
    schema = make_client().get("/openapi.json").json()
    assert {"/v1/ask", "/v1/search", "/v1/documents", "/v1/chat/completions", "/v1/models"} <= set(schema["paths"])
    assert "AskRequest" in schema["components"]["schemas"]
    assert make_client().get("/docs").status_code == 404  # its page would load scripts from a CDN


def test_unknown_route_is_json(make_client: MakeClient) -> None:
    r = make_client().get("/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["type"] == "HTTPError"


def test_options_are_checked() -> None:
    import pytest

    from ragagent.errors import ConfigError

    with pytest.raises(ConfigError, match="max-upload-mb"):
        ServeOptions(max_upload_mb=0)
