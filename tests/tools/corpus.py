"""A three-document corpus for the search/lookup tools and the ReAct transcripts (hash embedder)."""

from __future__ import annotations

from pathlib import Path

from ragagent.index import Index
from ragagent.ingest import ingest_paths
from tests.fakes import HashEmbedder

DOCS = {
    "pal.md": "PAL is a prompting method for arithmetic reasoning. PAL was proposed by Luyu Gao and colleagues at "
    "Carnegie Mellon University in 2022. The model writes a Python program and an interpreter runs it.",
    "cmu.md": "Carnegie Mellon University is a private research university. It is located in Pittsburgh, "
    "Pennsylvania. The university was founded by Andrew Carnegie in 1900.",
    "react.md": "ReAct interleaves reasoning traces and actions. It was proposed by Shunyu Yao and colleagues in 2022.",
}


def build_index(directory: Path) -> Index:
    root = directory / "docs"
    root.mkdir()
    for name, text in DOCS.items():
        (root / name).write_text(text)
    ingest_paths([root], directory / "idx", embedder=HashEmbedder())
    return Index.open(directory / "idx", embedder=HashEmbedder())
