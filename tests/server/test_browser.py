"""End to end in a real browser: upload a PDF, ask, watch the answer stream, open a citation, see PAL's program.

The model is a scripted OpenAI-compatible server (deterministic UI assertions); the index, embeddings,
sandbox, server and page are the real ones. One test uses the real local model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_pdf
from tests.server.browser import ask, browser, page  # noqa: F401  (fixtures)
from tests.server.conftest import KEEPER_PAGE, scripted_reply
from tests.server.model_server import ScriptedModelServer
from tests.server.serving import ragagent_serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_upload_ask_cite_and_pal(page: Any, tmp_path: Path) -> None:  # noqa: F811
    pdf = tmp_path / "keeper-log.pdf"
    pdf.write_bytes(make_pdf(["Skerry Point station records", KEEPER_PAGE]))
    with ScriptedModelServer(scripted_reply) as model, \
            ragagent_serve(tmp_path / "idx", model.spec, tmp_path / "serve.log") as served:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(served.url + "/")
        page.locator("#banner", has_text="index is empty").wait_for()
        empty = ask(page, "Who kept the beacon?", "rag")
        assert "empty" in empty.inner_text() and "upload" in empty.inner_text()

        page.set_input_files("#upload-input", str(pdf))
        page.locator("#banner", has_text="Indexed keeper-log.pdf").wait_for(timeout=300_000)
        assert page.inner_text("#index-info").startswith("1 document · 2 chunks")

        page.evaluate("window.__lengths = []")
        answer = ask(page, "Who was the beacon keeper of Skerry Point?", "rag")
        lengths = page.evaluate("window.__lengths")
        assert len({n for n in lengths if n > 0}) > 3, lengths  # the text grew piece by piece
        assert "Mara Quill" in answer.locator(".text").inner_text()
        chip = answer.locator(".chip").first
        assert "keeper-log.pdf p.2" in chip.inner_text() and "verified" in (chip.get_attribute("class") or "")
        chip.click()
        passage = page.locator("#passage")
        passage.wait_for(state="visible")
        assert "page 2" in page.inner_text("#passage-meta")
        highlighted = page.inner_text("#passage mark")
        assert "beacon keeper of Skerry Point was Mara Quill" in highlighted
        assert highlighted in KEEPER_PAGE and page.inner_text("#passage-text").startswith(KEEPER_PAGE[:20])

        pal = ask(page, "A keeper logs 12 storms a week. How many storms in 7 weeks?", "pal")
        assert "def solution" in pal.locator(".program").inner_text()
        assert "84" in pal.locator(".text").inner_text()
        react = ask(page, "Who kept the beacon on Skerry Point?", "react")
        steps = react.locator("details.trace .step")
        assert steps.count() >= 2 and "search" in steps.first.inner_text()
        assert "Mara Quill" in react.locator(".text").inner_text()
        shot = tmp_path / "chat.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        assert requested and all(url.startswith(served.url + "/") for url in requested)  # nothing from elsewhere


def test_model_failure_is_shown(page: Any, real_index: Path, tmp_path: Path) -> None:  # noqa: F811
    from tests.server.serving import free_port

    dead = f"openai-compatible:none@http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    with ragagent_serve(real_index, dead, tmp_path / "serve.log", env={"RAGAGENT_MAX_RETRIES": "0"}) as served:
        page.goto(served.url + "/")
        message = ask(page, "When was the lighthouse built?", "rag")
        assert "error" in (message.get_attribute("class") or "")
        assert "The model failed" in message.inner_text()


def test_real_local_model_answers_in_the_page(page: Any, real_index: Path, tmp_path: Path) -> None:  # noqa: F811
    from ragagent.errors import ProviderNotInstalledError
    from ragagent.llm.catalog import model_card, require_parts

    try:
        require_parts(model_card("gemma3-270m"))
    except ProviderNotInstalledError as exc:
        pytest.skip(f"the tiny local model is not installed: {exc}")
    with ragagent_serve(real_index, "local:gemma3-270m", tmp_path / "serve.log",
                        env={"RAGAGENT_MAX_TOKENS": "48"}) as served:
        page.goto(served.url + "/")
        message = ask(page, "When was the lighthouse on Skerry Point built?", "rag")
        assert "error" not in (message.get_attribute("class") or ""), message.inner_text()
        assert message.locator(".text").inner_text().strip()
        assert "mode: rag" in message.locator(".meta").last.inner_text()
