"""What the CLI imports: `--help` and `search` never load torch or transformers (checked in fresh processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "sentence_transformers", "langchain_core", "llama_cpp", "faiss", "onnxruntime",
         "numpy", "bm25s", "pydantic")
RUN = """
import json, sys
{hook}
from ragagent.cli import main
sys.argv = ["ragagent", *{args!r}]
try:
    main()
except SystemExit as exc:
    code = exc.code
report({heavy!r})
"""
REPORT = """
import json, os, sys
def report(heavy, code=0):
    print("\\nLOADED " + json.dumps([m for m in heavy if m in sys.modules]), flush=True)
"""
# Stop `ask` when it starts importing the model library (a meta-path finder sees every import) and report
# what was loaded until then.
STOP_AT_MODEL = REPORT + """
class StopAtModel:
    def find_spec(self, name, path=None, target=None):
        if name == "llama_cpp":
            report({heavy!r})
            os._exit(0)
sys.meta_path.insert(0, StopAtModel())
"""


def loaded(args: list[str], *, hook: str = REPORT, env: dict[str, str] | None = None) -> list[str]:
    code = RUN.format(hook=hook.format(heavy=HEAVY), args=args, heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300,
                            env={**os.environ, **(env or {})})
    assert "LOADED " in result.stdout, result.stdout + result.stderr
    return list(json.loads(result.stdout.rsplit("LOADED ", 1)[1]))


def test_help_loads_no_heavy_library() -> None:
    # pydantic comes in through typer's option handling and our Settings; numpy, the index and every ML stack
    # stay out (the option types the signatures name live in ragagent.options).
    for args in (["--help"], ["search", "--help"], ["ingest", "--help"], ["ask", "--help"]):
        assert set(loaded(args)) <= {"pydantic"}, args


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ragagent.embeddings import query_embedder
    from ragagent.ingest import ingest_paths

    query_embedder(backend="onnx")  # make sure the export exists (as `make setup` does)
    directory = tmp_path_factory.mktemp("demo") / "idx"
    ingest_paths([REPO / "examples" / "corpus"], directory)
    return directory


@pytest.mark.integration
def test_search_does_not_load_torch_or_transformers(demo_index: Path) -> None:
    modules = loaded(["search", "what is react", "--index", str(demo_index)])
    assert "onnxruntime" in modules and "faiss" in modules  # it did embed the query and search densely
    assert not {"torch", "transformers", "sentence_transformers", "langchain_core", "llama_cpp"} & set(modules)


@pytest.mark.integration
def test_torch_backend_is_still_selectable(demo_index: Path) -> None:
    modules = loaded(["search", "what is react", "--index", str(demo_index)],
                     env={"RAGAGENT_QUERY_ENCODER": "torch"})
    assert "torch" in modules and "onnxruntime" not in modules


@pytest.mark.integration
def test_ask_loads_no_torch_or_langchain_before_the_model(demo_index: Path) -> None:
    modules = loaded(["ask", "When was ReAct introduced?", "--index", str(demo_index), "--llm", "local"],
                     hook=STOP_AT_MODEL)
    assert "llama_cpp" not in modules and "pydantic" in modules  # stopped right before the model library
    assert not {"torch", "transformers", "sentence_transformers", "langchain_core"} & set(modules)
