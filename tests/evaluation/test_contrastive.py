"""The contrastive citation set generator, checked by ``ragagent eval citations`` on a small committed sample.

tests/evaluation/data/mini holds a few SciFact-like abstracts and HotpotQA-like paragraphs written for
this test (same file layout as ../shared/data).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from typer.testing import CliRunner

from ragagent.cli import app
from ragagent.evaluation.contrastive import build, change_number, negate, swap_name

MINI = Path(__file__).parent / "data" / "mini"
runner = CliRunner()


def test_variants_change_what_they_say() -> None:
    rng = random.Random(0)
    assert negate("The lake was formed by a glacier.") == "The lake was not formed by a glacier."
    assert negate("The lake was not formed by a glacier.") is None and negate("Lakes form slowly.") is None
    changed = change_number("It opened in 1932 after 8 years.", "It opened in 1932 after 8 years.", rng)
    assert changed is not None and changed != "It opened in 1932 after 8 years." and changed.startswith("It opened")
    swapped = swap_name("It was designed by John Bradfield.", "It was designed by John Bradfield.", ["Oslo"], rng)
    assert swapped == "It was designed by Oslo."


def test_generated_rows_are_labelled_and_deterministic() -> None:
    rows = build(MINI, seed=3)
    assert rows == build(MINI, seed=3) and rows != build(MINI, seed=4)
    kinds = {r["kind"] for r in rows}
    assert kinds >= {"verbatim", "q_right", "swapped", "number_changed", "negated", "q_wrong", "unrelated"}
    assert all(r["label"] == ("supported" if r["kind"] in {"verbatim", "q_right"} else "not") for r in rows)
    assert not any("yes" in r["claim"].split(": ")[-1:] for r in rows if r["kind"] == "q_right")  # yes/no skipped
    for r in rows:
        if r["kind"] == "verbatim":
            assert r["claim"] in " ".join(r["passage"].split())


def test_eval_citations_reports_rates_per_label_and_kind(tmp_path: Path) -> None:
    out = tmp_path / "set.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in build(MINI, seed=13)))
    result = runner.invoke(app, ["eval", "citations", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    rates = {g["group"]: g["rate"] for g in report["groups"]}
    assert rates["kind: verbatim"] == 1.0 and rates["kind: q_right"] == 1.0
    for kind in ("swapped", "number_changed", "negated", "q_wrong", "unrelated"):
        assert rates[f"kind: {kind}"] == 0.0, kind
    verified = {g["group"]: g["verified"] for g in report["groups"]}
    shown = verified["label: supported"] + verified["label: not supported"]
    assert rates["label: supported"] == 1.0 and report["recall"] == 1.0
    assert report["precision"] == verified["label: supported"] / shown
    text = runner.invoke(app, ["eval", "citations", str(out)])
    assert text.exit_code == 0 and "kind: negated" in text.output and "precision of verified" in text.output


def test_eval_citations_names_a_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"claim": "a", "passage": "b", "label": "supported"}\n{"claim": "no passage"}\n')
    result = runner.invoke(app, ["eval", "citations", str(bad)])
    assert result.exit_code != 0 and f"{bad}:2: each row needs claim, passage and label" in result.output
