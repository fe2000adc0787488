"""Settings: one pydantic-settings object, read from ``RAGAGENT_*`` variables and an optional TOML file.

Nothing reads it implicitly: build it once and pass it in.

>>> settings = Settings(llm="local", k=4, temperature=0.2)
>>> settings.generation().temperature
0.2
>>> settings = load_settings(Path("ragagent.toml"))      # doctest: +SKIP
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ragagent.errors import ConfigError
from ragagent.options import (
    DEFAULT_GENERATION,
    FOLLOW_LINKS,
    MIN_DENSE_SIMILARITY,
    MIN_TERM_COVERAGE,
    MODE_MAX_TOKENS,
    SANDBOX_LIMITS,
    TOP_K,
    GenerationSettings,
    QueryBackend,
    RagOptions,
    SandboxLimits,
    VerifyWith,
)
from ragagent.types import SearchMode


class Settings(BaseSettings):
    """Everything an :class:`~ragagent.Agent` can be configured with (env prefix ``RAGAGENT_``)."""

    model_config = SettingsConfigDict(env_prefix="RAGAGENT_", extra="forbid", frozen=True)

    index: Path | str = Path(".ragagent")  # a directory, or a Milvus spec (milvus:PATH.db, milvus://HOST:PORT[/c])
    llm: str = "local"
    base_url: str | None = None
    timeout_s: float = Field(60.0, gt=0)
    max_retries: int = Field(2, ge=0)
    n_ctx: int | None = Field(None, ge=256)
    k: int = Field(TOP_K, ge=1, le=100)
    search_mode: SearchMode = "hybrid"
    query_encoder: QueryBackend = "auto"  # auto: ONNX Runtime, else sentence-transformers
    min_dense_similarity: float = MIN_DENSE_SIMILARITY
    min_term_coverage: float = Field(MIN_TERM_COVERAGE, ge=0, le=1)
    follow_links: int = Field(FOLLOW_LINKS, ge=0, le=100)  # RAG: documents named in the top passages (0 = off)
    temperature: float = Field(DEFAULT_GENERATION.temperature, ge=0)
    top_p: float | None = Field(None, gt=0, le=1)
    top_k: int | None = Field(None, ge=1)
    max_tokens: int | None = Field(None, ge=1)  # None: the mode's own default (MODE_MAX_TOKENS)
    repeat_penalty: float | None = Field(DEFAULT_GENERATION.repeat_penalty, gt=0)
    seed: int | None = DEFAULT_GENERATION.seed
    sandbox_timeout_s: float = Field(SANDBOX_LIMITS.timeout_s, gt=0)
    sandbox_memory_mb: int = Field(SANDBOX_LIMITS.memory_mb, ge=32)
    max_steps: int = Field(6, ge=1, le=50)
    route_with_model: bool = False  # auto mode: ask the model when the rules fall through to rag
    react_search_first: bool = True  # ReAct step 1 searches for the question (helps small base models)
    verify_with: VerifyWith = "lexical"  # how citations are checked (rag.judges)

    @field_validator("index", mode="before")
    @classmethod
    def _index_spec(cls, value: object) -> object:
        """A Milvus spec stays a string (``milvus://`` must keep its slashes); anything else is a directory."""
        if isinstance(value, str) and not value.startswith("milvus:"):
            return Path(value)
        return value

    def generation(self, mode: str = "rag") -> GenerationSettings:
        """Sampling settings for ``mode``; ``max_tokens`` unset means that mode's default."""
        default = MODE_MAX_TOKENS.get(mode, DEFAULT_GENERATION.max_tokens)
        max_tokens = self.max_tokens if self.max_tokens is not None else default
        return GenerationSettings(temperature=self.temperature, top_p=self.top_p, top_k=self.top_k,
                                  max_tokens=max_tokens, repeat_penalty=self.repeat_penalty, seed=self.seed)

    def sandbox_limits(self) -> SandboxLimits:
        return SandboxLimits(timeout_s=self.sandbox_timeout_s, memory_mb=self.sandbox_memory_mb)

    def rag_options(self) -> RagOptions:
        return RagOptions(k=self.k, search_mode=self.search_mode, min_dense_similarity=self.min_dense_similarity,
                          min_term_coverage=self.min_term_coverage, follow_links=self.follow_links)


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from (lowest first) defaults, the TOML file, ``RAGAGENT_*`` variables, then ``overrides``.

    Overrides that are None are ignored, so CLI options left unset do not mask the file or env.
    """
    file_values: dict[str, Any] = {}
    if config_file is not None:
        try:
            file_values = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read config file {config_file}: {exc.strerror or exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {config_file} is not valid TOML: {exc}") from exc
    try:
        from_env = Settings()
        merged = {**file_values, **_explicit(from_env), **{k: v for k, v in overrides.items() if v is not None}}
        return Settings(**merged) if merged else from_env
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from exc


def _explicit(settings: Settings) -> dict[str, Any]:
    """Only the values that came from the environment (so they can win over the file)."""
    return {name: getattr(settings, name) for name in settings.model_fields_set}
