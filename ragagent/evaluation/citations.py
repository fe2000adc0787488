"""How well citation checking separates supported claims from wrong ones (``ragagent eval citations``).

Input rows are ``{claim, passage, label}`` with ``label`` "supported" (or true) for claims the passage
supports and anything else ("not", "unsupported", "contradicted", false) for claims it does not, plus an
optional ``kind``. The report gives the verified rate per label and per kind, and the precision and
recall of "verified" (a verified claim that is labelled supported is a true positive).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ragagent.errors import ConfigError
from ragagent.rag.support import SupportChecker

SUPPORTED_LABELS = {"supported", "support", "true", "yes", "1"}


@dataclass(frozen=True, slots=True)
class LabelledClaim:
    claim: str
    passage: str
    supported: bool
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Rate:
    """How many of ``n`` claims in a group were verified."""

    group: str
    n: int
    verified: int

    @property
    def rate(self) -> float:
        return self.verified / self.n if self.n else 0.0


@dataclass(frozen=True, slots=True)
class CitationReport:
    n: int
    by_label: tuple[Rate, ...]
    by_kind: tuple[Rate, ...]
    precision: float  # of the claims shown as verified, the share that are supported
    recall: float  # of the supported claims, the share shown as verified


def read_labelled(path: Path, limit: int | None = None) -> list[LabelledClaim]:
    """Rows of a JSONL file; a bad line is a :class:`ConfigError` naming the file and line."""
    if not path.is_file():
        raise ConfigError(f"{path} does not exist")
    rows: list[LabelledClaim] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            rows.append(LabelledClaim(str(record["claim"]), str(record["passage"]),
                                      str(record["label"]).strip().lower() in SUPPORTED_LABELS,
                                      str(record["kind"]) if record.get("kind") is not None else None))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
        except (KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{path}:{lineno}: each row needs claim, passage and label") from exc
        if limit is not None and len(rows) >= limit:
            break
    if not rows:
        raise ConfigError(f"{path}: no rows")
    return rows


def evaluate_citations(rows: Sequence[LabelledClaim], checker: SupportChecker) -> CitationReport:
    verified = [checker.check(r.claim, r.passage).supported for r in rows]
    by_label: dict[str, list[bool]] = defaultdict(list)
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for row, ok in zip(rows, verified, strict=True):
        by_label["supported" if row.supported else "not supported"].append(ok)
        if row.kind is not None:
            by_kind[row.kind].append(ok)
    true_positive = sum(ok and r.supported for r, ok in zip(rows, verified, strict=True))
    positives = sum(r.supported for r in rows)
    return CitationReport(
        n=len(rows),
        by_label=tuple(Rate(k, len(v), sum(v)) for k, v in sorted(by_label.items(), reverse=True)),
        by_kind=tuple(Rate(k, len(v), sum(v)) for k, v in by_kind.items()),
        precision=true_positive / sum(verified) if any(verified) else 0.0,
        recall=true_positive / positives if positives else 0.0,
    )


def report_rows(report: CitationReport) -> list[dict[str, str | int | float]]:
    """One row per label, then per kind: group, n, verified, rate."""
    return [{"group": (f"label: {r.group}" if i < len(report.by_label) else f"kind: {r.group}"), "n": r.n,
             "verified": r.verified, "rate": round(r.rate, 4)}
            for i, r in enumerate(report.by_label + report.by_kind)]
