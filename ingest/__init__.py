"""Ingestion: discovery, loaders (txt, md, html, pdf, jsonl), chunking with exact provenance, and the pipeline.

Installed as ``ragagent.ingest``. The stages (:mod:`.stages`: load, chunk, embed) are functions over plain
values so an engine (e.g. Ray Data) can map them over batches; :func:`ingest_paths` (:mod:`.pipeline`) runs
them here and commits through the index's backend-neutral writer API (``ragagent.index.backend``).
The pipeline's names load on first use, so the loaders stay light to import.

>>> from ragagent.ingest import Chunker, ChunkingOptions, load_file
>>> from ragagent.ingest import IngestOptions, ingest_paths       # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ragagent import _lazy
from ragagent.ingest.chunking import Chunker, ChunkingOptions
from ragagent.ingest.discovery import FoundFile, discover
from ragagent.ingest.documents import IngestFailure, LoadedFile, PageText
from ragagent.ingest.loaders import LOADERS, JsonlFields, load_file, parse_source, read_source
from ragagent.ingest.ray_cluster import RayOptions

if TYPE_CHECKING:
    from ragagent.index.backend import Progress
    from ragagent.ingest.options import IngestOptions
    from ragagent.ingest.pipeline import IngestReport, ingest_paths

_LAZY = {
    "IngestOptions": "ragagent.ingest.options",
    "IngestReport": "ragagent.ingest.pipeline",
    "Progress": "ragagent.index.backend",
    "ingest_paths": "ragagent.ingest.pipeline",
}

__all__ = [
    "LOADERS",
    "Chunker",
    "ChunkingOptions",
    "FoundFile",
    "IngestFailure",
    "IngestOptions",
    "IngestReport",
    "JsonlFields",
    "LoadedFile",
    "PageText",
    "Progress",
    "RayOptions",
    "discover",
    "ingest_paths",
    "load_file",
    "parse_source",
    "read_source",
]

__getattr__ = _lazy.lazy_attributes(__name__, _LAZY, globals())
