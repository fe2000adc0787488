"""Ingestion: loaders (txt, md, html, pdf, jsonl), file discovery and chunking with exact provenance.

Installed as ``ragagent.ingest``. Everything here is a pure function over files and pages so an
engine (e.g. Ray Data) can map it over batches; writing the index lives in ``ragagent.index``.

>>> from ragagent.ingest import Chunker, ChunkingOptions, load_file
"""

from ragagent.ingest.chunking import Chunker, ChunkingOptions
from ragagent.ingest.discovery import FoundFile, discover
from ragagent.ingest.documents import IngestFailure, LoadedFile, PageText
from ragagent.ingest.loaders import LOADERS, JsonlFields, load_file, parse_source, read_source

__all__ = [
    "LOADERS",
    "Chunker",
    "ChunkingOptions",
    "FoundFile",
    "IngestFailure",
    "JsonlFields",
    "LoadedFile",
    "PageText",
    "discover",
    "load_file",
    "parse_source",
    "read_source",
]
