"""Regenerate the small PDFs committed under tests/data/ (needs the dev extra: reportlab, pypdf).

    python tests/data/make_pdfs.py

They let a clean clone without ../shared test pypdf on real files: a three-page report typeset with
platypus (wrapped paragraphs, a heading font, front matter labelled i, then 1, 2), and the same report
AES-128-encrypted twice: with a real user password, and with the empty one (a "permissions-only"
PDF, which readers open without asking).
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

HERE = Path(__file__).resolve().parent
PAGES = [
    ("Lighthouse keeping: a field report", [
        "This report describes the automation of coastal lighthouses between 1960 and 1998.",
    ]),
    ("The Fresnel lens", [
        "Augustin Fresnel presented the stepped lens to the French Academy of Sciences in 1822. "
        "A first-order lens stands about 3.7 metres tall and weighs several tonnes.",
        "Keepers trimmed wicks and wound the clockwork that turned the lens every night.",
    ]),
    ("Automation", [
        "The last keepers left the Longstone lighthouse in 1990, when a remote monitoring link replaced them. "
        "Automation cut the annual running cost of a station by roughly two thirds.",
    ]),
]


def report() -> bytes:
    styles = getSampleStyleSheet()
    story: list[object] = []
    for i, (heading, paragraphs) in enumerate(PAGES):
        story.append(Paragraph(heading, styles["Heading1"]))
        story.extend(Paragraph(p, styles["BodyText"]) for p in paragraphs)
        if i < len(PAGES) - 1:
            story.append(PageBreak())
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A5, title="Lighthouse keeping", author="ragagent tests").build(story)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.set_page_label(0, 0, style=PageLabelStyle.LOWERCASE_ROMAN)
    writer.set_page_label(1, len(PAGES) - 1, style=PageLabelStyle.DECIMAL)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted(data: bytes, password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password="owner-" + password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main() -> None:
    data = report()
    (HERE / "lighthouse-report.pdf").write_bytes(data)
    (HERE / "lighthouse-report-locked.pdf").write_bytes(encrypted(data, "keeper"))
    (HERE / "lighthouse-report-permissions-only.pdf").write_bytes(encrypted(data, ""))


if __name__ == "__main__":
    main()
