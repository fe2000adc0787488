"""The built wheel installs only ``ragagent`` at top level (``ingest/`` and ``tools/`` are mapped)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_has_only_ragagent_at_top_level(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         str(REPO)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("ragagent-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top == {"ragagent"}
    assert "ragagent/ingest/loaders.py" in names and "ragagent/tools/__init__.py" in names
    assert "ragagent/py.typed" in names
    assert {"ragagent/server/static/index.html", "ragagent/server/static/app.js"} <= set(names)  # the chat page
