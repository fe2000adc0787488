"""Every package's ``__all__`` is exactly its public names (sorted equality, as httpx tests its API), and resolves."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

import ragagent

# Compile-time helpers an ``__init__`` may hold without exporting them.
NOT_EXPORTS = {"annotations", "TYPE_CHECKING"}


def packages() -> list[str]:
    """The installed packages, as pyproject.toml lists them (ingest/ and tools/ are mapped into ragagent)."""
    setup = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    return list(setup["tool"]["setuptools"]["packages"])


def public_names(package: ModuleType) -> list[str]:
    """What the package offers: its own public globals (submodules aside) and the names it loads lazily."""
    own = {name for name, value in vars(package).items()
           if not name.startswith("_") and name not in NOT_EXPORTS and not inspect.ismodule(value)}
    return sorted(own | set(getattr(package, "_LAZY", {})))


def test_every_package_on_disk_is_installed() -> None:
    on_disk = {info.name for info in pkgutil.walk_packages(ragagent.__path__, prefix="ragagent.") if info.ispkg}
    assert on_disk | {"ragagent", "ragagent.ingest", "ragagent.tools"} == set(packages())


@pytest.mark.parametrize("name", packages())
def test_all_is_exactly_the_public_names(name: str) -> None:
    package = importlib.import_module(name)
    exported = [n for n in package.__all__ if n != "__version__"]
    assert sorted(exported) == public_names(package)


@pytest.mark.parametrize("name", packages())
def test_every_exported_name_resolves(name: str) -> None:
    package = importlib.import_module(name)
    for attribute in package.__all__:
        assert getattr(package, attribute) is not None, f"{name}.{attribute}"
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018 - the lazy __getattr__ must not invent names


def test_what_agent_callers_need_is_exported() -> None:
    from ragagent.agent import Agent

    needed = {"Agent", "LLM", "load_llm", "Executor", "Tool", "tool", "ChatSession", "Retriever", "CitationVerifier",
              "Settings", "Index"}
    assert needed <= set(ragagent.__all__)
    assert ragagent.Agent is Agent and isinstance(ragagent.Index, type)
    assert ragagent.tool.__module__ == "ragagent.tools.decorator"


def test_the_exported_protocols_load_no_heavy_library() -> None:
    """``import ragagent`` and the protocols a caller implements load no LangChain, numpy, torch or FAISS."""
    code = ("import json, sys, ragagent\n"
            "before = sorted(sys.modules)\n"
            "ragagent.LLM, ragagent.Executor, ragagent.Retriever, ragagent.Tool, ragagent.tool, ragagent.AnswerStream\n"
            "print(json.dumps([before, sorted(sys.modules)]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    before, after = (set(names) for names in json.loads(result.stdout))
    heavy = {"langchain_core", "numpy", "torch", "faiss", "transformers", "llama_cpp"}
    assert not heavy & before and not heavy & after
    assert "pydantic" not in before  # plain import ragagent: not even pydantic (tools need it for arguments)
