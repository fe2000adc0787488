"""/v1/chat/completions and /v1/models in-process (the real openai SDK is in test_subprocess.py)."""

from __future__ import annotations

import json

from tests.server.conftest import MakeClient

ANSWER = "The Transformer architecture was introduced in 2017 [1]."


def test_models_lists_the_modes(make_client: MakeClient) -> None:
    ids = [m["id"] for m in make_client().get("/v1/models").json()["data"]]
    assert ids == ["ragagent", "ragagent-rag", "ragagent-pal", "ragagent-react"]


def test_completion_has_footer_and_citations(make_client: MakeClient) -> None:
    client = make_client([ANSWER])
    r = client.post("/v1/chat/completions", json={
        "model": "ragagent-rag", "temperature": 0, "n": 1,
        "messages": [{"role": "system", "content": "be brief"},
                     {"role": "user", "content": "When was the transformer architecture introduced?"}]})
    assert r.status_code == 200, r.text
    body = r.json()
    content = body["choices"][0]["message"]["content"]
    assert content.startswith("The Transformer architecture was introduced in 2017 [1]")
    assert "\n\nSources:\n[1] t.md (verified)" in content
    assert body["ragagent"]["citations"][0]["source"] == "t.md" and body["ragagent"]["mode"] == "rag"
    assert body["object"] == "chat.completion" and body["usage"]["total_tokens"] > 0


def test_earlier_turns_become_history(make_client: MakeClient) -> None:
    client = make_client([ANSWER])
    client.post("/v1/chat/completions", json={"model": "ragagent-rag", "messages": [
        {"role": "user", "content": "Tell me about the lighthouse."},
        {"role": "assistant", "content": "It was built in 1874."},
        {"role": "user", "content": [{"type": "text", "text": "And when was the transformer introduced?"}]}]})
    llm = client.app.state.ragagent._llm  # type: ignore[attr-defined]
    prompt = str(llm.calls[0].prompt)
    assert "built in 1874" in prompt and "when was the transformer introduced" in prompt


def test_streamed_chunks(make_client: MakeClient) -> None:
    client = make_client([ANSWER])
    with client.stream("POST", "/v1/chat/completions", json={
            "model": "ragagent-rag", "stream": True,
            "messages": [{"role": "user", "content": "When was the transformer introduced?"}]}) as r:
        lines = [ln[5:].strip() for ln in r.read().decode().splitlines() if ln.startswith("data:")]
    assert lines[-1] == "[DONE]"
    chunks = [json.loads(ln) for ln in lines[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["ragagent"]["citations"]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text.startswith("The Transformer") and "Sources:\n[1] t.md" in text
    assert len(chunks) > 5


def test_chat_errors(make_client: MakeClient) -> None:
    client = make_client()
    cases = [({"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]}, "unknown model"),
             ({"messages": [{"role": "user", "content": "  "}]}, "empty"),
             ({"messages": [{"role": "assistant", "content": "hello"}]}, "empty"),
             ({"messages": []}, "messages"),
             ({"messages": [{"role": "wizard", "content": "x"}]}, "role")]
    for body, words in cases:
        r = client.post("/v1/chat/completions", json=body)
        assert r.status_code == 422, body
        assert words in r.json()["error"]["message"], r.text
