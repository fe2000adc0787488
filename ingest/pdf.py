"""PDF loading with pypdf: one page of text per PDF page, 1-based, page labels kept."""

from __future__ import annotations

import io

from ragagent.errors import IngestError
from ragagent.ingest.documents import PageText


def read_pdf_pages(data: bytes, source: str) -> tuple[list[PageText], list[str]]:
    """Extract each page's text. Encrypted PDFs are tried with the empty password."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(source, "encrypted PDF: the empty password does not open it; skipped")
        labels = _page_labels(reader)
        pages = [
            PageText(source=source, page=i + 1, text=page.extract_text() or "", page_label=labels[i])
            for i, page in enumerate(reader.pages)
        ]
    except IngestError:
        raise
    except FileNotDecryptedError as exc:
        raise IngestError(source, "encrypted PDF: cannot decrypt; skipped") from exc
    except PdfReadError as exc:
        raise IngestError(source, f"malformed PDF: {exc}") from exc
    except Exception as exc:  # pypdf raises assorted built-in errors on damaged files
        raise IngestError(source, f"malformed PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise IngestError(source, "PDF has no pages")
    warnings = [f"page {p.page} has no extractable text" for p in pages if not p.text.strip()]
    return pages, warnings


def _page_labels(reader: object) -> list[str | None]:
    count = len(reader.pages)  # type: ignore[attr-defined]
    try:
        labels = list(reader.page_labels)  # type: ignore[attr-defined]
    except Exception:  # a broken /PageLabels tree must not lose the text; labels are optional
        return [None] * count
    if len(labels) != count or labels == [str(i + 1) for i in range(count)]:
        return [None] * count
    return [str(label) for label in labels]
