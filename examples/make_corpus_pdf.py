"""Regenerate ``examples/corpus/evaluation.pdf`` (needs the dev extra: reportlab).

    python examples/make_corpus_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

PAGES = [
    ("Evaluating retrieval", [
        "Retrieval quality is measured against relevance judgements. nDCG@10 rewards relevant passages "
        "near the top of the ranking, recall@100 counts how many relevant passages appear in the first "
        "hundred results, and MRR@10 looks at the rank of the first relevant passage.",
        "The BEIR benchmark, published by Thakur and colleagues in 2021, collects eighteen retrieval datasets. "
        "On SciFact, BM25 reaches an nDCG@10 of about 0.67.",
    ]),
    ("Evaluating answers", [
        "Answers are compared with reference answers by exact match and token-level F1. For a RAG system, "
        "citation precision is the fraction of citations that point at a passage which supports the claim.",
        "An honest system also reports how often it answers that the documents do not contain the answer.",
    ]),
]


def main() -> None:
    styles = getSampleStyleSheet()
    story: list[object] = []
    for i, (title, paragraphs) in enumerate(PAGES):
        story.append(Paragraph(title, styles["Heading1"]))
        story += [Paragraph(p, styles["BodyText"]) for p in paragraphs]
        if i < len(PAGES) - 1:
            story.append(PageBreak())
    out = Path(__file__).parent / "corpus" / "evaluation.pdf"
    SimpleDocTemplate(str(out), pagesize=A4, title="Evaluating RAG systems",
                      invariant=1).build(story)  # type: ignore[arg-type]
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
