"""Reading BEIR-format data: ``corpus.jsonl``, ``queries.jsonl`` and ``qrels/*.tsv``."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from ragagent.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    text: str


def read_queries(path: Path, only: set[str] | None = None) -> list[Query]:
    """Queries in file order; ``only`` keeps those ids (e.g. the ones with judgements)."""
    if not path.is_file():
        raise ConfigError(f"queries file {path} does not exist")
    out: list[Query] = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                qid, text = str(record["_id"]), str(record["text"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ConfigError(f"{path}:{lineno}: expected a JSON object with _id and text") from exc
            if only is None or qid in only:
                out.append(Query(qid, text))
    return out


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """``{query id: {doc id: relevance}}`` from a TSV with a header (query-id, corpus-id, score)."""
    if not path.is_file():
        raise ConfigError(f"qrels file {path} does not exist")
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        for lineno, row in enumerate(rows, start=1):
            if lineno == 1 and row and not row[-1].strip().lstrip("-").isdigit():
                continue  # header
            if len(row) < 3:
                raise ConfigError(f"{path}:{lineno}: expected query-id, corpus-id, score")
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return qrels


def doc_id_of(source: str) -> str:
    """The record id of a JSONL chunk source (``corpus.jsonl#123`` → ``123``); the source otherwise."""
    return source.split("#", 1)[1] if "#" in source else source
