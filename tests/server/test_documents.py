"""/v1/documents: upload + incremental ingest, list, delete, and every refusal (401, 409, 413, 415, 422)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ragagent.server.documents import safe_name
from ragagent.server.errors import ApiError
from tests.conftest import make_pdf
from tests.server.conftest import MakeClient, auth


def test_upload_list_search_delete(make_client: MakeClient, index_dir: Path) -> None:
    client = make_client()
    before = client.get("/v1/documents").json()
    r = client.post("/v1/documents", headers=auth(),
                    files={"files": ("orchard.md", b"The orchard grows quince trees beside the old mill.\n")})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["files"] == ["orchard.md"] and report["chunks_added"] >= 1 and not report["failures"]
    assert report["generation"] != before["generation"]
    listed = {d["source"]: d for d in client.get("/v1/documents").json()["documents"]}
    assert len(listed) == 3 and len(listed[report["added"][0]]["sha256"]) == 64
    hits = client.get("/v1/search", params={"q": "quince orchard mill", "k": 1}).json()["hits"]
    assert hits[0]["source"] == report["added"][0]  # picked up without a restart
    stored = index_dir / "uploads" / "orchard.md"
    assert stored.is_file()
    gone = client.delete(f"/v1/documents/{report['added'][0]}", headers=auth())
    assert gone.status_code == 200 and gone.json()["removed"] == report["added"]
    assert len(client.get("/v1/documents").json()["documents"]) == 2 and not stored.exists()
    hits = client.get("/v1/search", params={"q": "quince orchard mill", "k": 3}).json()["hits"]
    assert all("quince" not in h["text"] for h in hits)


def test_pdf_upload_keeps_pages(make_client: MakeClient) -> None:
    client = make_client()
    pdf = make_pdf(["Cover page.", "The beacon keeper logged every storm in a ledger."])
    r = client.post("/v1/documents", headers=auth(), files={"files": ("log.pdf", pdf, "application/pdf")})
    assert r.status_code == 200, r.text
    hit = client.get("/v1/search", params={"q": "beacon keeper ledger", "k": 1}).json()["hits"][0]
    assert hit["source"].endswith("log.pdf") and hit["page"] == 2


def test_write_endpoints_need_the_token(make_client: MakeClient) -> None:
    client = make_client()
    files = {"files": ("a.md", b"alpha beta\n")}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        r = client.post("/v1/documents", headers=headers, files=files)
        assert r.status_code == 401 and r.json()["error"]["type"] == "Unauthorized"
    assert client.delete("/v1/documents/t.md").status_code == 401
    assert len(client.get("/v1/documents").json()["documents"]) == 2  # reads stay open
    open_client = make_client(token=None)  # loopback without a token: writes are open
    assert open_client.post("/v1/documents", files=files).status_code == 200


def test_refusals(make_client: MakeClient) -> None:
    client = make_client(max_upload_mb=0.001)
    big = client.post("/v1/documents", headers=auth(), files={"files": ("big.txt", b"x" * 5000)})
    assert big.status_code == 413 and big.json()["error"]["type"] == "PayloadTooLarge"
    exe = client.post("/v1/documents", headers=auth(), files={"files": ("tool.exe", b"MZ")})
    assert exe.status_code == 415 and ".exe" in exe.json()["error"]["message"]
    none = client.post("/v1/documents", headers=auth(), data={"x": "1"})
    assert none.status_code == 422
    empty = client.post("/v1/documents", headers=auth(), files={"files": ("empty.md", b"")})
    assert empty.status_code == 422 and empty.json()["error"]["type"] == "NothingToIngestError"
    missing = client.delete("/v1/documents/nope.md", headers=auth())
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "SourceNotFoundError"
    assert len(client.get("/v1/documents").json()["documents"]) == 2  # nothing was lost


def test_a_body_without_content_length_is_cut_off(make_client: MakeClient) -> None:
    client = make_client(max_upload_mb=0.01)
    boundary = "b0undary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()

    def body() -> Iterator[bytes]:  # chunked: no Content-Length to check up front
        yield head
        for _ in range(200):
            yield b"x" * 1024
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post("/v1/documents", headers={**auth(), "content-type": f"multipart/form-data; boundary={boundary}"},
                    content=body())
    assert r.status_code == 413 and r.json()["error"]["type"] == "PayloadTooLarge"


def test_traversal_names_stay_in_the_upload_dir(make_client: MakeClient, index_dir: Path) -> None:
    client = make_client()
    r = client.post("/v1/documents", headers=auth(), files={"files": ("../../evil.md", b"sneaky words here\n")})
    assert r.status_code == 200 and r.json()["files"] == ["evil.md"]
    assert (index_dir / "uploads" / "evil.md").is_file() and not (index_dir.parent.parent / "evil.md").exists()


@pytest.mark.parametrize(("raw", "clean"), [("../a.md", "a.md"), ("..\\..\\b.pdf", "b.pdf"),
                                             ("c d$%.txt", "c d_.txt"), ("/etc/passwd.md", "passwd.md"),
                                             (".hidden.md", "hidden.md")])
def test_safe_name(raw: str, clean: str) -> None:
    assert safe_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "..", "...", "/", "a/"])
def test_unusable_names(raw: str) -> None:
    with pytest.raises(ApiError):
        safe_name(raw)


def test_second_concurrent_ingest_gets_409(make_client: MakeClient) -> None:
    client = make_client()
    state = client.app.state.ragagent  # type: ignore[attr-defined]
    slot = state._writing
    slot.acquire()  # an ingest in progress
    try:
        r = client.post("/v1/documents", headers=auth(), files={"files": ("a.md", b"alpha beta\n")})
        assert r.status_code == 409 and r.json()["error"]["type"] == "IndexLockedError"
    finally:
        slot.release()
    assert client.post("/v1/documents", headers=auth(), files={"files": ("a.md", b"alpha\n")}).status_code == 200


def test_failed_reupload_restores_the_previous_file(make_client: MakeClient, index_dir: Path) -> None:
    client = make_client()
    good = make_pdf(["The granary stores barley and rye."])
    assert client.post("/v1/documents", headers=auth(), files={"files": ("n.pdf", good)}).status_code == 200
    r = client.post("/v1/documents", headers=auth(), files={"files": ("n.pdf", b"%PDF-1.4 broken")})
    assert r.status_code == 422 and "malformed PDF" in r.json()["error"]["message"], r.text
    assert (index_dir / "uploads" / "n.pdf").read_bytes() == good
    hit = client.get("/v1/search", params={"q": "granary barley rye", "k": 1}).json()["hits"][0]
    assert hit["source"].endswith("n.pdf")  # the index kept the previous version


def test_the_last_document_cannot_be_removed(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client(index=tmp_path / "solo")
    assert client.post("/v1/documents", headers=auth(), files={"files": ("one.md", b"only words\n")}).status_code == 200
    r = client.delete("/v1/documents/one.md", headers=auth())
    assert r.status_code == 422 and "only document" in r.json()["error"]["message"]
    assert len(client.get("/v1/documents").json()["documents"]) == 1


def test_concurrent_uploads_one_wins(make_client: MakeClient) -> None:
    client = make_client()
    codes: list[int] = []

    def upload(i: int) -> None:
        body = f"document {i} about apples and pears\n".encode() * 50
        codes.append(client.post("/v1/documents", headers=auth(), files={"files": (f"d{i}.md", body)}).status_code)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(codes) <= {200, 409} and 200 in codes
