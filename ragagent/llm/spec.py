"""Model spec strings: which backend and model :func:`ragagent.llm.load_llm` builds.

Grammar::

    local                              the best installed named local model (the default; ``ragagent models``)
    local:<name>                       a named local model, e.g. local:qwen2.5-coder-1.5b, local:gemma3-270m
    llamacpp:/path/to/model.gguf       any GGUF file, run in-process by llama-cpp-python
    openai:<model>[@<url>]             OpenAI (key from OPENAI_API_KEY)
    anthropic:<model>[@<url>]          Anthropic (key from ANTHROPIC_API_KEY)
    ollama:<model>[@<url>]             an Ollama server (default: OLLAMA_HOST, else http://127.0.0.1:11434)
    openai-compatible:<model>@<url>    any server speaking the OpenAI chat API (llama.cpp server, vLLM, ...)

The server endpoint has two spellings of the same thing: an ``@<url>`` suffix, so that one CLI option or
config value names everything, or ``base_url=`` in code. Giving both with different values is a
:class:`~ragagent.errors.ConfigError`. A URL starts with ``http://`` or ``https://``; only ``@http://``
or ``@https://`` starts it, so model names may contain ``@``.

>>> parse_spec("openai-compatible:qwen2.5@http://127.0.0.1:8080/v1")
ModelSpec(provider='openai-compatible', model='qwen2.5', base_url='http://127.0.0.1:8080/v1')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args
from urllib.parse import urlsplit

from ragagent.errors import ConfigError

Provider = Literal["local", "llamacpp", "openai", "anthropic", "ollama", "openai-compatible"]
PROVIDERS: tuple[Provider, ...] = get_args(Provider)
REMOTE_PROVIDERS: tuple[Provider, ...] = ("openai", "anthropic", "ollama", "openai-compatible")

_URL_SUFFIX = re.compile(r"@(?=https?://)")
_FORMS = (
    "'local', 'local:<name>', 'llamacpp:<path.gguf>', '<openai|anthropic|ollama>:<model>[@<url>]' "
    "or 'openai-compatible:<model>@<url>'"
)


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A parsed spec: the backend, the model name (a file path for ``llamacpp``) and the server URL."""

    provider: Provider
    model: str
    base_url: str | None = None


def parse_spec(spec: str, *, base_url: str | None = None) -> ModelSpec:
    """Parse a model spec string; ``base_url`` is the in-code spelling of an ``@<url>`` suffix."""
    text = spec.strip()
    if text == "local":
        return _local_spec(ModelSpec("local", ""), base_url)
    name, sep, rest = text.partition(":")
    provider = _provider(name.strip().lower(), spec, has_colon=bool(sep))
    if provider == "llamacpp":
        return _local_spec(ModelSpec("llamacpp", _required(rest.strip(), spec, "a .gguf path")), base_url)
    if provider == "local":
        return _local_spec(ModelSpec("local", _required(rest.strip(), spec, "a model name")), base_url)
    model, url = _split_url(rest.strip())
    url = _merge_url(url, base_url, spec)
    if provider == "openai-compatible" and url is None:
        raise ConfigError(
            f"model spec {spec!r} needs a server URL: 'openai-compatible:<model>@http://host:port/v1' "
            "or base_url=..."
        )
    return ModelSpec(provider, _required(model, spec, "a model name"), url)


def _provider(name: str, spec: str, *, has_colon: bool) -> Provider:
    for provider in PROVIDERS:
        if name == provider:
            return provider
    if not has_colon:
        raise ConfigError(f"bad model spec {spec!r}: expected {_FORMS}")
    raise ConfigError(f"unknown model provider {name!r} in {spec!r}; known: {', '.join(PROVIDERS)}")


def _required(value: str, spec: str, what: str) -> str:
    if not value:
        raise ConfigError(f"model spec {spec!r} names no model: expected {what} after the colon")
    return value


def _split_url(rest: str) -> tuple[str, str | None]:
    parts = _URL_SUFFIX.split(rest)
    if len(parts) == 1:
        return rest, None
    return "@".join(parts[:-1]).strip(), parts[-1].strip()


def _merge_url(from_spec: str | None, from_arg: str | None, spec: str) -> str | None:
    if from_spec and from_arg and from_spec.rstrip("/") != from_arg.rstrip("/"):
        raise ConfigError(
            f"two server URLs for {spec!r}: {from_spec!r} in the spec and base_url={from_arg!r}"
        )
    url = from_spec or from_arg
    if url is not None:
        _check_url(url)
    return url


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"bad server URL {url!r}: expected http(s)://host[:port][/path]")


def _local_spec(spec: ModelSpec, base_url: str | None) -> ModelSpec:
    if base_url is not None:
        raise ConfigError(f"{spec.provider!r} models run in-process and take no base_url (got {base_url!r})")
    return spec
