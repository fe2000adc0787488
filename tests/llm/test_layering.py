"""Layering rules of the LLM layer: provider packages are imported lazily, and only by one module."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import ragagent.llm

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_IMPORT = re.compile(r"^\s*(from|import)\s+(langchain_openai|langchain_anthropic|langchain_ollama|"
                             r"langchain_community)\b|import_module\(\"langchain_", re.MULTILINE)


def test_only_providers_module_names_langchain_integrations() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("ragagent", "ingest", "tools")
        for path in (ROOT / folder).rglob("*.py")
        if PROVIDER_IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []  # providers.py itself imports them by name from a table, lazily


def test_importing_the_llm_layer_loads_no_provider_or_llama_cpp() -> None:
    heavy = ("langchain_openai", "langchain_anthropic", "langchain_ollama", "llama_cpp", "langchain_community")
    code = f"import sys, ragagent.llm; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


def test_public_names_exist() -> None:
    assert all(hasattr(ragagent.llm, name) for name in ragagent.llm.__all__)
    assert "load_llm" in ragagent.llm.__all__
