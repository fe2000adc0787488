"""What a server holds: the live index generation, the model, the worker pools and the ingest lock.

* Searches run on a thread pool (``search_threads`` at once); every call into the model runs on ONE thread,
  so a local model is never entered twice.
* :meth:`ServerState.index` opens the index with :func:`~ragagent.index.open_index` (either backend) and
  reopens it when another generation was committed (an upload here, or ``ragagent ingest`` in another process):
  it asks the open view's :meth:`~ragagent.index.info.Versioned.is_current`. Requests that already
  hold the previous local view finish on it (a commit replaces the manifest atomically and deleted generation
  files stay readable while open); a Milvus view always shows the live generation, so it is never reopened.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ragagent.config import Settings
from ragagent.errors import IndexLockedError, IndexNotFoundError
from ragagent.index import IndexView, backend_name, open_index
from ragagent.ingest import IngestReport, ingest_paths
from ragagent.ingest.removal import RemovalReport, remove_sources
from ragagent.server.options import ServeOptions

if TYPE_CHECKING:
    from ragagent.agent import Agent
    from ragagent.embeddings import Embedder
    from ragagent.llm.base import LLM
    from ragagent.sandbox import Executor


class ServerState:
    def __init__(self, settings: Settings, options: ServeOptions, *, llm: LLM | None = None,
                 embedder: Embedder | None = None, executor: Executor | None = None) -> None:
        self.settings = settings
        self.options = options
        self.spec = settings.index
        self.location = str(Path(self.spec).resolve()) if backend_name(self.spec) == "local" else str(self.spec)
        self._llm = llm
        self._embedder = embedder
        self._executor = executor
        self._swap = threading.Lock()
        self._index: IndexView | None = None
        self._writing = threading.Lock()
        self.search_pool = ThreadPoolExecutor(options.search_threads, thread_name_prefix="ragagent-search")
        self.model_pool = ThreadPoolExecutor(1, thread_name_prefix="ragagent-model")

    def close(self) -> None:
        self.search_pool.shutdown(wait=False, cancel_futures=True)
        self.model_pool.shutdown(wait=False, cancel_futures=True)
        with self._swap:
            if self._index is not None:  # a Milvus Lite file is free for other processes again
                self._index.close()
                self._index = None

    # -- reading ---------------------------------------------------------------------------------------------

    def current(self) -> IndexView | None:
        """The live generation, or None while the index is empty (nothing committed yet)."""
        try:
            return self.index()
        except IndexNotFoundError:
            return None

    def index(self) -> IndexView:
        """The live generation; :class:`IndexNotFoundError` (saying how to add documents) when there is none."""
        with self._swap:
            if self._index is not None and self._index.is_current():
                return self._index
            try:
                self._index = open_index(self.spec, embedder=self._embedder,
                                         query_encoder=self.settings.query_encoder)
            except IndexNotFoundError:
                self._index = None
                raise IndexNotFoundError(
                    f"the index {self.spec} is empty: upload a document (POST /v1/documents or the page's "
                    f"upload button) or run: ragagent ingest PATH --index {self.spec}"
                ) from None
            return self._index

    # -- answering (call on model_pool only) -------------------------------------------------------------------

    def llm(self) -> LLM:
        if self._llm is None:
            from ragagent.agent import llm_from_settings

            self._llm = llm_from_settings(self.settings)
        return self._llm

    def executor(self) -> Executor:
        if self._executor is None:
            from ragagent.sandbox import BubblewrapExecutor

            self._executor = BubblewrapExecutor()
        return self._executor

    def agent(self, overrides: dict[str, Any]) -> Agent:
        """An agent over the live generation with this request's settings (the model is shared)."""
        from ragagent.agent import Agent

        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        index = self.index()
        return Agent(index, self.llm(), settings=settings, executor=self.executor())

    # -- writing: one at a time; a second concurrent writer gets IndexLockedError (409) -----------------------

    def uploads(self) -> Path:
        """Where uploaded files are kept (see :meth:`ServeOptions.uploads`)."""
        return self.options.uploads(self.spec)

    def writing(self) -> _WriterSlot:
        """Hold this for everything a write touches (stored uploads included), not just the commit."""
        return _WriterSlot(self._writing)

    def ingest(self, paths: list[Path]) -> IngestReport:
        """Ingest ``paths`` (call while holding :meth:`writing`)."""
        return ingest_paths(paths, self.spec, embedder=self._embedder)

    def remove(self, source: str) -> RemovalReport:
        """Remove ``source`` from the index (call while holding :meth:`writing`)."""
        return remove_sources(self.spec, [source])


class _WriterSlot:
    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):
            raise IndexLockedError("another upload or deletion is being written to the index; try again when it ends")

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
