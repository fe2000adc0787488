"""Pydantic models of every request and response body (the OpenAPI schema is generated from them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ragagent.options import AskMode
from ragagent.types import SearchMode


class GenerationFields(BaseModel):
    """Per-request overrides of the server's settings (unset: the server's value)."""

    model_config = ConfigDict(extra="forbid")

    k: int | None = Field(None, ge=1, le=100, description="Passages to retrieve.")
    temperature: float | None = Field(None, ge=0)
    top_p: float | None = Field(None, gt=0, le=1)
    top_k: int | None = Field(None, ge=1)
    max_tokens: int | None = Field(None, ge=1)
    repeat_penalty: float | None = Field(None, gt=0)
    seed: int | None = None

    def overrides(self) -> dict[str, Any]:
        names = ("k", "temperature", "top_p", "top_k", "max_tokens", "repeat_penalty", "seed")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


class AskRequest(GenerationFields):
    question: str = Field(min_length=1, max_length=8000)
    mode: AskMode = "auto"
    stream: bool = Field(False, description="Answer as server-sent events: step*, token*, then answer (or error).")

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty")
        return value


class ErrorBody(BaseModel):
    type: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class AnswerResponse(BaseModel):
    """The Answer exactly as ``ragagent ask --json`` prints it (status ok, failed or partial)."""

    model_config = ConfigDict(extra="allow")

    status: Literal["ok", "failed", "partial"]
    question: str
    text: str
    mode: str
    citations: list[dict[str, Any]]
    hits: list[dict[str, Any]]
    steps: list[dict[str, Any]]


class SearchHit(BaseModel):
    rank: int
    score: float
    chunk_id: str
    source: str
    page: int | None
    page_label: str | None
    start: int
    end: int
    text: str
    retrievers: dict[str, dict[str, float]]


class SearchResponse(BaseModel):
    query: str
    mode: SearchMode
    hits: list[SearchHit]


class DocumentInfo(BaseModel):
    source: str
    sha256: str
    size: int
    chunks: int


class DocumentList(BaseModel):
    generation: str | None
    documents: list[DocumentInfo]


class IngestFailureInfo(BaseModel):
    source: str
    reason: str


class UploadResponse(BaseModel):
    files: list[str]
    added: list[str]
    changed: list[str]
    unchanged: int
    chunks_added: int
    chunks_total: int
    failures: list[IngestFailureInfo]
    warnings: list[str]
    generation: str | None


class DeleteResponse(BaseModel):
    removed: list[str]
    chunks_removed: int
    chunks_total: int


class InfoResponse(BaseModel):
    version: str
    index: str
    backend: str | None = Field(description="local, milvus-lite or milvus (null while the index is empty).")
    empty: bool
    generation: str | None
    documents: int
    chunks: int
    embedding_model: str | None
    llm: str
    modes: list[str]
    write_token_required: bool
    max_upload_mb: float


class Health(BaseModel):
    status: Literal["ok"]
