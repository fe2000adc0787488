"""Remote models through the standalone LangChain integrations: the only place that imports them.

``langchain_openai`` / ``langchain_anthropic`` / ``langchain_ollama`` are imported lazily, when a spec asks
for them; a missing one raises ``ProviderNotInstalledError`` naming ``pip install 'ragagent[providers]'``.
Keys come from the provider's usual variable (``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY``) and are checked
before any request. ``openai-compatible`` servers never receive ``OPENAI_API_KEY`` (it would leak an OpenAI
key to a third party): they get ``RAGAGENT_OPENAI_COMPATIBLE_API_KEY`` if set, else a dummy key.

The SDKs' own retries are switched off (``max_retries=0``) so that one :class:`RetryPolicy` decides:
connection failures, rate limits and 5xx answers are retried with backoff. For ``openai-compatible``
servers, ``top_k``, ``repeat_penalty`` and a plain ``max_tokens`` travel in the request body (llama.cpp's
server reads them, and ignores the ``max_completion_tokens`` langchain-openai sends); OpenAI itself has
neither ``top_k`` nor a repeat penalty and they are dropped.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ragagent.errors import MissingCredentialsError, ProviderNotInstalledError
from ragagent.llm.base import GenerationSettings
from ragagent.llm.langchain_adapter import ErrorMap, LangChainLLM, SettingsMapper, settings_to_fields
from ragagent.llm.retry import RetryPolicy
from ragagent.llm.spec import ModelSpec

COMPATIBLE_KEY_ENV = "RAGAGENT_OPENAI_COMPATIBLE_API_KEY"
_DUMMY_KEY = "sk-no-key-required"


@dataclass(frozen=True, slots=True)
class _Provider:
    package: str  # the pip package of the LangChain integration
    module: str
    class_name: str
    sdk: str  # the vendor SDK whose exception classes we translate
    key_env: str | None
    url_env: str | None
    default_url: str | None


_PROVIDERS: dict[str, _Provider] = {
    "openai": _Provider("langchain-openai", "langchain_openai", "ChatOpenAI", "openai",
                        "OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1"),
    "openai-compatible": _Provider("langchain-openai", "langchain_openai", "ChatOpenAI", "openai",
                                   None, None, None),
    "anthropic": _Provider("langchain-anthropic", "langchain_anthropic", "ChatAnthropic", "anthropic",
                           "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
    "ollama": _Provider("langchain-ollama", "langchain_ollama", "ChatOllama", "ollama",
                        None, "OLLAMA_HOST", "http://127.0.0.1:11434"),
}


def build_remote(
    spec: ModelSpec, *, settings: GenerationSettings | None, timeout_s: float, max_retries: int,
    context_window: int | None = None,
) -> LangChainLLM:
    """A :class:`LangChainLLM` for an ``openai``, ``anthropic``, ``ollama`` or ``openai-compatible`` spec."""
    provider = _PROVIDERS[spec.provider]
    model_class = getattr(_import(provider.module, provider.package), provider.class_name)
    kwargs = _client_kwargs(spec, provider, timeout_s, context_window)
    errors = _sdk_errors(provider.sdk, endpoint_of(spec), timeout_s)
    return LangChainLLM(
        model_class(**kwargs),
        settings=settings,
        map_settings=_settings_mapper(spec, model_class),
        retry=RetryPolicy(max_retries=max_retries, retry_on=_transient(provider.sdk, errors)),
        errors=errors,
        context_window=context_window,
    )


def endpoint_of(spec: ModelSpec) -> str:
    """The URL a remote spec talks to (named in connection errors)."""
    provider = _PROVIDERS[spec.provider]
    from_env = os.environ.get(provider.url_env) if provider.url_env else None
    return spec.base_url or from_env or provider.default_url or "?"


def _import(module: str, package: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ProviderNotInstalledError(
            f"{module} is not installed: pip install 'ragagent[providers]' (or pip install {package})"
        ) from error


def _client_kwargs(
    spec: ModelSpec, provider: _Provider, timeout_s: float, context_window: int | None
) -> dict[str, Any]:
    if spec.provider == "ollama":  # ChatOllama has no retries of its own; its httpx client takes the timeout
        kwargs: dict[str, Any] = {"model": spec.model, "client_kwargs": {"timeout": timeout_s}}
        if context_window:
            kwargs["num_ctx"] = context_window
    else:
        kwargs = {"model": spec.model, "api_key": _api_key(spec, provider), "timeout": timeout_s,
                  "max_retries": 0}
    if spec.base_url:
        kwargs["base_url"] = spec.base_url
    return kwargs


def _api_key(spec: ModelSpec, provider: _Provider) -> str:
    if provider.key_env is None:
        return os.environ.get(COMPATIBLE_KEY_ENV) or _DUMMY_KEY
    key = os.environ.get(provider.key_env)
    if not key:
        raise MissingCredentialsError(
            f"{spec.provider}:{spec.model} needs an API key: set {provider.key_env}"
        )
    return key


def _settings_mapper(spec: ModelSpec, model_class: type[Any]) -> SettingsMapper:
    def mapper(settings: GenerationSettings) -> dict[str, Any]:
        fields = settings_to_fields(settings, model_class)
        if spec.provider == "openai-compatible":
            fields["extra_body"] = _compatible_extras(settings)
        return fields

    return mapper


def _compatible_extras(settings: GenerationSettings) -> dict[str, Any]:
    # langchain-openai sends ``max_completion_tokens``, which llama.cpp's server ignores: send both.
    extra = {"max_tokens": settings.max_tokens, "top_k": settings.top_k,
             "repeat_penalty": settings.repeat_penalty}
    return {k: v for k, v in extra.items() if v is not None}


def _sdk_errors(sdk_name: str, endpoint: str, timeout_s: float) -> ErrorMap:
    """How the exceptions of a vendor SDK map onto ours."""
    import httpx  # a dependency of every provider SDK

    sdk = importlib.import_module(sdk_name)
    if sdk_name == "ollama":
        return ErrorMap(endpoint, connection=(ConnectionError, TimeoutError, httpx.TransportError),
                        timeout=(TimeoutError, httpx.TimeoutException),
                        api=(sdk.ResponseError, sdk.RequestError), timeout_s=timeout_s)
    return ErrorMap(endpoint, connection=(sdk.APIConnectionError,), timeout=(sdk.APITimeoutError,),
                    api=(sdk.APIError,), timeout_s=timeout_s)


def _transient(sdk_name: str, errors: ErrorMap) -> tuple[type[BaseException], ...]:
    """Errors worth retrying: connection failures, and rate limits and 5xx answers where typed."""
    if sdk_name == "ollama":
        return errors.connection
    sdk = importlib.import_module(sdk_name)
    return (*errors.connection, sdk.RateLimitError, sdk.InternalServerError)
