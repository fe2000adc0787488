"""Ray options, the lazy import and its one-line error, and the ingest command's --ray options (no cluster)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragagent.cli import app
from ragagent.errors import ConfigError
from ragagent.ingest import IngestOptions, RayOptions, ingest_paths
from ragagent.ingest.ray_cluster import RAY_EXTRA_HINT, _connect, import_ray, worker_env
from tests.ingest.conftest import import_ray_or_skip

runner = CliRunner()


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"address": " "}, "--ray needs auto, local or a cluster address"),
    ({"gpus_per_actor": -1.0}, "--ray-gpus-per-actor must be >= 0"),
    ({"actors": 0}, "embedding actors must be >= 1"),
    ({"object_store_mb": 10}, "at least 80 MB"),
])
def test_bad_options_are_one_line_config_errors(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle) as caught:
        RayOptions(**kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_missing_ray_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError, as when the extra is missing
    monkeypatch.setitem(sys.modules, "ray.data", None)
    with pytest.raises(ConfigError) as caught:
        import_ray()
    assert RAY_EXTRA_HINT in str(caught.value) and "\n" not in str(caught.value)
    (tmp_path / "a.txt").write_text("Some text to ingest.", encoding="utf-8")
    with pytest.raises(ConfigError, match="ragagent\\[ray\\]"):  # through the API: nothing written
        ingest_paths([tmp_path / "a.txt"], tmp_path / "idx", options=IngestOptions(ray=RayOptions("local")))
    assert not (tmp_path / "idx" / "manifest.json").exists()


def test_missing_ray_on_the_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    (tmp_path / "a.txt").write_text("Some text to ingest.", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(tmp_path / "a.txt"), "--index", str(tmp_path / "idx"),
                                 "--ray", "local"])
    assert result.exit_code == 2  # a ConfigError: the usage code
    assert RAY_EXTRA_HINT in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("option", [["--ray-gpus-per-actor", "1"], ["--ray-actors", "2"]])
def test_ray_tuning_options_need_ray(tmp_path: Path, option: list[str]) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path), "--index", str(tmp_path / "idx"), *option])
    assert result.exit_code == 2
    assert "only applies with --ray" in result.stderr and option[0] in result.stderr


def test_workers_get_the_offline_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("RAGAGENT_SECRET_TOKEN", "not-for-workers")
    env = worker_env()
    assert env["HF_HUB_OFFLINE"] == "1"
    assert "TRANSFORMERS_OFFLINE" not in env and "RAGAGENT_SECRET_TOKEN" not in env


def test_an_address_where_nothing_answers_fails_at_once() -> None:
    ray = import_ray_or_skip()  # _connect, not RaySession: a session may already be open in this process
    with pytest.raises(ConfigError, match=r"cannot connect to the Ray cluster at 127\.0\.0\.1:1: nothing answers"):
        _connect(ray, RayOptions("127.0.0.1:1"))
