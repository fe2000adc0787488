"""The official ``openai`` SDK, unchanged, against a real ``ragagent serve`` process (a scripted model behind it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.conftest import KEEPER_PAGE, auth, scripted_reply
from tests.server.model_server import ScriptedModelServer
from tests.server.serving import Served, ragagent_serve

pytestmark = pytest.mark.integration
openai = pytest.importorskip("openai")


@pytest.fixture(scope="module")
def served(real_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with ScriptedModelServer(scripted_reply) as model, ragagent_serve(
            real_index, model.spec, log, env={"RAGAGENT_API_TOKEN": "s3cret-token"}) as server:
        import httpx

        r = httpx.post(server.url + "/v1/documents", headers=auth(), timeout=300,
                       files={"files": ("keeper.md", KEEPER_PAGE.encode())})
        assert r.status_code == 200, r.text
        yield server


def test_non_streaming_completion(served: Served) -> None:
    client = openai.OpenAI(base_url=served.url + "/v1", api_key="unused")
    assert [m.id for m in client.models.list()] == ["ragagent", "ragagent-rag", "ragagent-pal", "ragagent-react"]
    reply = client.chat.completions.create(
        model="ragagent-rag", messages=[{"role": "user", "content": "Who was the beacon keeper of Skerry Point?"}])
    content = reply.choices[0].message.content
    assert content is not None and content.startswith("The beacon keeper of Skerry Point was Mara Quill [1]")
    assert "Sources:\n[1] " in content and "keeper.md (verified)" in content
    extension = reply.model_extra["ragagent"]  # type: ignore[index]
    assert extension["citations"][0]["verified"] is True and extension["citations"][0]["source"].endswith("keeper.md")


def test_streaming_completion(served: Served) -> None:
    client = openai.OpenAI(base_url=served.url + "/v1", api_key="unused")
    stream = client.chat.completions.create(
        model="ragagent-rag", stream=True,
        messages=[{"role": "user", "content": "Who was the beacon keeper of Skerry Point?"}])
    pieces, finish, extension = [], None, None
    for chunk in stream:
        if chunk.choices:
            pieces.append(chunk.choices[0].delta.content or "")
            finish = chunk.choices[0].finish_reason or finish
        extension = (chunk.model_extra or {}).get("ragagent", extension)
    text = "".join(pieces)
    assert len([p for p in pieces if p]) > 3  # streamed, not one block
    assert text.startswith("The beacon keeper") and "Sources:\n[1] " in text and finish == "stop"
    assert extension is not None and extension["citations"][0]["verified"] is True


def test_sdk_sees_errors(served: Served) -> None:
    client = openai.OpenAI(base_url=served.url + "/v1", api_key="unused", max_retries=0)
    with pytest.raises(openai.UnprocessableEntityError, match="unknown model"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
