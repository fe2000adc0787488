"""Where distributed ingestion runs: the Ray cluster options, the lazy import and the connection.

Ray is optional (``pip install 'ragagent[ray]'``) and imported only when ``--ray`` is used. The address is

- ``local``: start a private Ray instance on this machine (one CPU per core, a small object store, no dashboard),
  stopped when the ingest ends;
- ``auto``: join the cluster ``RAY_ADDRESS`` or ``ray start`` on this machine points to, else start a local one;
- ``HOST:PORT`` or ``ray://HOST:PORT``: join that cluster (files must be readable at the same paths on every
  node, e.g. a shared filesystem, and ragagent installed there).

When Ray is already initialised in this process (a notebook, a test), that session is used and left running.
Workers get the offline settings of this process (``HF_HUB_OFFLINE`` ...) through the job's ``runtime_env``.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

from ragagent.errors import ConfigError

RAY_EXTRA_HINT = "pip install 'ragagent[ray]'"
# Passed to every Ray worker of an ingest job when set here: a worker must never try the network for a model.
WORKER_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "TOKENIZERS_PARALLELISM",
              "OMP_WAIT_POLICY")


@dataclass(frozen=True, slots=True)
class RayOptions:
    """How to run ingestion on Ray.

    ``actors`` is the number of embedding actors (None: one per CPU of the cluster, or per
    ``gpus_per_actor`` share of its GPUs); ``object_store_mb`` only applies when a local instance is started.
    """

    address: str = "auto"
    gpus_per_actor: float = 0.0
    actors: int | None = None
    object_store_mb: int = 256

    def __post_init__(self) -> None:
        if not self.address.strip():
            raise ConfigError("--ray needs auto, local or a cluster address (HOST:PORT or ray://HOST:PORT)")
        if self.gpus_per_actor < 0:
            raise ConfigError(f"--ray-gpus-per-actor must be >= 0, got {self.gpus_per_actor}")
        if self.actors is not None and self.actors < 1:
            raise ConfigError(f"the number of Ray embedding actors must be >= 1, got {self.actors}")
        if self.object_store_mb < 80:
            raise ConfigError(f"the Ray object store needs at least 80 MB, got {self.object_store_mb}")


def import_ray() -> ModuleType:
    """The ``ray`` module with Ray Data, or a one-line ConfigError saying how to install it."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConfigError(f"distributed ingestion (--ray) needs Ray Data, which is not installed ({exc.name}): "
                          f"{RAY_EXTRA_HINT}") from exc
    return ray


def worker_env() -> dict[str, str]:
    return {name: os.environ[name] for name in WORKER_ENV if name in os.environ}


class RaySession:
    """A Ray connection opened on first use and closed (if this object opened it) on exit."""

    def __init__(self, options: RayOptions) -> None:
        self.options = options
        self._ray: ModuleType | None = None
        self._owned = False

    def __enter__(self) -> RaySession:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def ray(self) -> ModuleType:
        """The connected ``ray`` module (connecting or starting the cluster now if needed)."""
        if self._ray is None:
            ray = import_ray()
            if not ray.is_initialized():
                _connect(ray, self.options)
                self._owned = True
            _quiet(ray)
            self._ray = ray
        return self._ray

    def close(self) -> None:
        if self._ray is not None and self._owned:
            self._ray.shutdown()
        self._ray, self._owned = None, False


def _connect(ray: ModuleType, opts: RayOptions) -> None:
    common: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR,
                              "runtime_env": {"env_vars": worker_env()}}
    local: dict[str, Any] = {"num_cpus": os.cpu_count() or 1, "object_store_memory": opts.object_store_mb * 2**20}
    if opts.address == "local":
        ray.init(address="local", **local, **common)
        return
    if opts.address == "auto" and not os.environ.get("RAY_ADDRESS"):
        running = _running_cluster()
        if running is None:  # no cluster on this machine: start one
            ray.init(address="local", **local, **common)
            return
        opts = RayOptions(running)
    address = os.environ["RAY_ADDRESS"] if opts.address == "auto" else opts.address
    if "://" not in address and not _answers(address):  # else ray.init retries for minutes
        raise ConfigError(f"cannot connect to the Ray cluster at {address}: nothing answers there "
                          "(start it with `ray start --head`, or use --ray local)")
    try:
        ray.init(address=address, **common)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise ConfigError(f"cannot connect to the Ray cluster at {address}: {str(exc).splitlines()[0]}") from exc


def _running_cluster() -> str | None:
    """The address of the cluster ``ray start`` left on this machine, if its head answers (a stale record would
    make ``ray.init(address="auto")`` retry for minutes)."""
    record = Path(tempfile.gettempdir()) / "ray" / "ray_current_cluster"
    try:
        address = record.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return address if _answers(address) else None


def _answers(address: str) -> bool:
    """Whether something accepts a TCP connection at ``HOST:PORT`` within 2 s."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except (OSError, ValueError):
        return False


def _quiet(ray: ModuleType) -> None:
    """No Ray Data progress bars or per-dataset INFO logs: ragagent reports progress itself."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)


def node_addresses(ray: ModuleType) -> dict[str, str]:
    """Node id -> its IP address, for every node the cluster has known."""
    return {n["NodeID"]: str(n.get("NodeManagerAddress", "")) for n in ray.nodes()}


def cluster_cpus(ray: ModuleType) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def cluster_gpus(ray: ModuleType) -> float:
    return float(ray.cluster_resources().get("GPU", 0.0))
