"""``/v1/documents``: upload (multipart) and ingest, list, delete. Writes need the bearer token when one is set."""

from __future__ import annotations

import asyncio
import hmac
import re
import shutil
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ragagent.errors import ConfigError, IngestError
from ragagent.ingest import IngestReport
from ragagent.ingest.removal import RemovalReport
from ragagent.server.api import ERRORS, State, off_loop
from ragagent.server.errors import ApiError
from ragagent.server.models import DeleteResponse, DocumentInfo, DocumentList, IngestFailureInfo, UploadResponse
from ragagent.server.options import TOKEN_ENV, UPLOAD_TYPES
from ragagent.server.state import ServerState

router = APIRouter(tags=["documents"])
_bearer = HTTPBearer(auto_error=False, description=f"The token in {TOKEN_ENV} (needed when the server has one).")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around the files
_UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"],
    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


def require_token(state: State,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    want = state.options.api_token
    if want is None:
        return
    if credentials is None or not hmac.compare_digest(credentials.credentials.encode(), want.encode()):
        raise ApiError(401, "Unauthorized", f"this endpoint needs 'Authorization: Bearer <token>' ({TOKEN_ENV})")


Writer = Annotated[None, Depends(require_token)]


def safe_name(name: str) -> str:
    """A plain file name: no directories, no leading dots, only letters, digits and ``._ -``."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = _UNSAFE.sub("_", base).strip(" .")
    if not clean or clean.startswith("."):
        raise ApiError(422, "ValidationError", f"unusable file name {name!r}")
    return clean[:200]


def check_type(name: str) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        shown = suffix or "(no extension)"
        raise ApiError(415, "UnsupportedMediaType",
                       f"unsupported file type {shown} for {name!r} (supported: {', '.join(UPLOAD_TYPES)})")


@router.post("/v1/documents", response_model=UploadResponse, responses=ERRORS, openapi_extra=_UPLOAD_BODY)
async def upload(request: Request, state: State, _: Writer) -> UploadResponse:
    """Upload files (form field ``files``) and ingest them incrementally; the commit is atomic."""
    limit = state.options.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + _MULTIPART_SLACK:
        raise _too_large(state)
    async with request.form(max_files=100) as form:
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        if not uploads:
            raise ApiError(422, "ValidationError", "files: no file uploaded (multipart field 'files')")
        names = [safe_name(f.filename or "") for f in uploads]
        for name in names:
            check_type(name)
        if sum(f.size or 0 for f in uploads) > limit:
            raise _too_large(state)
        report = await asyncio.get_running_loop().run_in_executor(None, _store_and_ingest, state, uploads, names)
    generation = await off_loop(state, lambda: _generation(state))
    return UploadResponse(
        files=names, added=list(report.files_added), changed=list(report.files_changed),
        unchanged=report.files_unchanged, chunks_added=report.chunks_added, chunks_total=report.chunks_total,
        failures=[IngestFailureInfo(source=f.source, reason=f.reason) for f in report.failures],
        warnings=list(report.warnings), generation=generation,
    )


def _too_large(state: ServerState) -> ApiError:
    return too_large(state.options.max_upload_mb)


def too_large(max_upload_mb: float) -> ApiError:
    return ApiError(413, "PayloadTooLarge", f"upload larger than --max-upload-mb {max_upload_mb:g}")


class UploadLimit:
    """ASGI wrapper: an upload body (also one sent without Content-Length) stops being read past the limit."""

    def __init__(self, app: ASGIApp, max_upload_mb: float) -> None:
        self.app = app
        self.max_upload_mb = max_upload_mb
        self.limit = int(max_upload_mb * 1024 * 1024) + _MULTIPART_SLACK

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/v1/documents":
            await self.app(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise too_large(self.max_upload_mb)
            return message

        await self.app(scope, limited, send)


def _store_and_ingest(state: ServerState, uploads: list[UploadFile], names: list[str]) -> IngestReport:
    """Write the files into the upload directory and ingest them; on failure the previous files come back."""
    with state.writing():
        return _store_and_ingest_locked(state, uploads, names)


def _store_and_ingest_locked(state: ServerState, uploads: list[UploadFile], names: list[str]) -> IngestReport:
    folder = state.uploads()
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    backups: list[tuple[Path, Path]] = []
    try:
        for upload, name in zip(uploads, names, strict=True):
            target = folder / name
            if target.exists():
                backup = folder / f".{name}.previous"
                target.replace(backup)
                backups.append((backup, target))
            with target.open("wb") as out:
                upload.file.seek(0)
                shutil.copyfileobj(upload.file, out)
            saved.append(target)
        report = state.ingest(saved)
    except BaseException:
        _restore(saved, backups)
        raise
    failed = {(Path(report.root) / f.source).resolve(): f.reason for f in report.failures}
    _restore([p for p in saved if p.resolve() in failed], [b for b in backups if b[1].resolve() in failed])
    for backup, _ in backups:
        backup.unlink(missing_ok=True)
    if saved and all(p.resolve() in failed for p in saved):  # the index kept what it had
        raise IngestError(saved[0].name, failed[saved[0].resolve()])
    return report


def _restore(saved: list[Path], backups: list[tuple[Path, Path]]) -> None:
    """Undo the upload of ``saved``: the previous version of each file comes back (the index still has it)."""
    for path in saved:
        path.unlink(missing_ok=True)
    for backup, target in backups:
        backup.replace(target)


def _generation(state: ServerState) -> str | None:
    index = state.current()
    return index.info().generation if index is not None else None


@router.get("/v1/documents", response_model=DocumentList)
async def list_documents(state: State) -> DocumentList:
    """Every source in the index with its SHA-256 and chunk count (empty for an empty index)."""
    def work() -> DocumentList:
        index = state.current()
        if index is None:
            return DocumentList(generation=None, documents=[])
        return DocumentList(generation=index.info().generation, documents=[
            DocumentInfo(source=f.source, sha256=f.sha256, size=f.size, chunks=f.n_chunks) for f in index.files()])

    return await off_loop(state, work)


@router.delete("/v1/documents/{source:path}", response_model=DeleteResponse, responses=ERRORS)
async def delete_document(source: str, state: State, _: Writer) -> DeleteResponse:
    """Remove a source from the index (a new generation without it); an uploaded copy is deleted too."""
    root = (await off_loop(state, lambda: state.index().info())).root

    def work() -> RemovalReport:
        with state.writing():
            report = state.remove(source)
            if root:
                _forget_upload(state, Path(root) / source)
            return report

    report = await asyncio.get_running_loop().run_in_executor(None, work)
    return DeleteResponse(removed=list(report.removed), chunks_removed=report.chunks_removed,
                          chunks_total=report.chunks_total)


def _forget_upload(state: ServerState, path: Path) -> None:
    try:
        folder = state.uploads().resolve()
    except ConfigError:  # a Milvus server index served without --upload-dir keeps no uploads
        return
    resolved = path.resolve()
    if resolved.is_relative_to(folder) and resolved.is_file():
        resolved.unlink()


