"""Shared fixtures: the hash embedder, the real sandbox executor, small generated documents and PDFs."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.fakes import HashEmbedder

if TYPE_CHECKING:
    from ragagent.sandbox import BubblewrapExecutor

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
pytest_plugins = ["tests.ci_no_skip", "pytester"]


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def executor() -> BubblewrapExecutor:
    """The real sandbox (the one executor fixture; unit tests use tests.fakes.FakeExecutor instead).

    Where isolation is missing the test is skipped with the reason, which under ``CI=true`` is a failure
    (tests/ci_no_skip.py); tests/sandbox/test_availability.py makes sure that is never silent.
    """
    from ragagent.errors import SandboxUnavailableError
    from ragagent.sandbox import BubblewrapExecutor, check_available

    try:
        check_available()
    except SandboxUnavailableError as exc:
        pytest.skip(f"sandbox isolation unavailable: {exc}")
    return BubblewrapExecutor()


def make_pdf(pages: list[str], *, labels: list[str] | None = None, user_password: str | None = None) -> bytes:
    """A real PDF with one text page per entry (reportlab), optionally labelled or encrypted (pypdf)."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=letter)
    for text in pages:
        y = 720
        for line in text.split("\n"):
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    if labels:
        from pypdf.constants import PageLabelStyle

        writer.set_page_label(0, len(pages) - 1, style=PageLabelStyle.LOWERCASE_ROMAN)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def corpus(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write ``{relative name: content}`` under a fresh directory and return it."""

    def write(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "docs"
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return write


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data {path} is absent")
    return path
