"""The program that runs *inside* the sandbox (its source is passed to ``python -I -S -B -c``).

It reads the user code from an inherited fd, applies rlimits, writes a start marker ``R`` to the
result fd, runs the code, and writes ONE JSON document to the result fd:
``{"value": ...}`` or ``{"error": "...", "error_type": "..."}``.

Everything here may be subverted by the code it runs; that is fine, because the host trusts nothing
it receives and re-validates the document.  What this file guarantees is that an honest run turns
the value into plain JSON with exact type checks (``type(v) is int``), never with the object's own
methods, and formats exceptions with a guard against hostile ``__str__``.
Stdlib only and few imports: ``json`` would pull in ``re`` and cost ~9 ms of start-up.
It starts unprivileged (uid 65534 without capabilities, in root mode too: see ``_mirror``).
"""

from __future__ import annotations

import os
import sys
from _json import encode_basestring_ascii  # C helper, loaded up front: no import under MemoryError

_INF = float("inf")


class _Unsupported(Exception):
    """The value cannot be sent as plain JSON."""


def _type_name(cls: object) -> str:
    # type.__name__'s own descriptor: a metaclass cannot override it, and it is always a str.
    try:
        name = type.__dict__["__name__"].__get__(cls, type)
    except BaseException:
        return "object"
    return name if type(name) is str else "object"


def _quote(text: str) -> str:
    out = encode_basestring_ascii(text)
    return out if type(out) is str else '""'


class _Encoder:
    """Plain-JSON encoder with exact type checks, a depth cap and a size cap."""

    def __init__(self, max_depth: int, max_bytes: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.max_depth = max_depth
        self.max_bytes = max_bytes

    def emit(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.max_bytes:
            raise _Unsupported(f"result too large (> {self.max_bytes} bytes)")
        self.parts.append(text)

    def encode(self, value: object, depth: int = 0) -> None:
        kind = type(value)
        if value is None:
            self.emit("null")
        elif value is True or value is False:
            self.emit("true" if value is True else "false")
        elif kind is int:
            self.emit(int.__repr__(value))
        elif kind is float:
            if value != value or value in (_INF, -_INF):
                raise _Unsupported("unsupported result: non-finite float")
            self.emit(float.__repr__(value))
        elif kind is str:
            self.emit(_quote(value))  # type: ignore[arg-type]
        elif (kind is list or kind is tuple or kind is dict) and depth >= self.max_depth:
            raise _Unsupported(f"result nested deeper than {self.max_depth}")
        elif kind is list or kind is tuple:
            self.encode_items(value, depth)  # type: ignore[arg-type]
        elif kind is dict:
            self.encode_dict(value, depth)  # type: ignore[arg-type]
        else:
            raise _Unsupported(f"unsupported result type {_type_name(kind)}")

    def encode_items(self, items: list[object] | tuple[object, ...], depth: int) -> None:
        self.emit("[")
        for i, item in enumerate(items):  # an exact list or tuple: iterating runs no user code
            self.emit("," if i else "")
            self.encode(item, depth + 1)
        self.emit("]")

    def encode_dict(self, mapping: dict[object, object], depth: int) -> None:
        self.emit("{")
        for i, (key, item) in enumerate(dict.items(mapping)):
            if type(key) is not str:
                raise _Unsupported(f"unsupported result: dict key of type {_type_name(type(key))}")
            self.emit(("," if i else "") + _quote(key) + ":")
            self.encode(item, depth + 1)
        self.emit("}")


def _describe(exc: BaseException) -> tuple[str, str]:
    """``("Type: message", "Type")`` without trusting the exception's ``__str__``."""
    name = _type_name(type(exc))
    try:
        message = str(exc)
        if type(message) is not str:
            message = ""
    except BaseException:
        message = ""
    message = message[:2000]
    return (f"{name}: {message}" if message else name), name


def _print_traceback(exc: BaseException) -> None:
    try:
        import traceback

        tb = exc.__traceback__
        traceback.print_exception(type(exc), exc, tb.tb_next if tb is not None else None, limit=20)
    except BaseException:
        pass  # a hostile exception may break the traceback printer; the error field is enough


def _error_doc(exc: BaseException) -> str:
    _print_traceback(exc)
    error, name = _describe(exc)
    return '{"error":' + _quote(error) + ',"error_type":' + _quote(name) + "}"


def _execute(source: str, max_depth: int, max_bytes: int) -> str:
    namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        exec(compile(source, "<solution>", "exec"), namespace)
        solution = namespace.get("solution")
        value = solution() if callable(solution) else namespace.get("result")
    except BaseException as exc:
        namespace.clear()  # free what the code allocated (a MemoryError leaves little room to report it)
        if isinstance(exc, MemoryError):
            exc.__traceback__ = None  # its frames may hold the memory; the traceback is not worth it
        return _error_doc(exc)
    encoder = _Encoder(max_depth, max_bytes)
    try:
        encoder.encode(value)
    except _Unsupported as exc:
        return '{"error":' + _quote(str(exc.args[0])) + ',"error_type":"ResultError"}'
    except BaseException as exc:  # e.g. an int too long to print, or MemoryError
        return _error_doc(exc)
    return '{"value":' + "".join(encoder.parts) + "}"


def _set_limits(cpu_s: int, memory: int, fsize: int, nofile: int, nproc: int) -> None:
    """Every rlimit, hard == soft (the code cannot raise them again); none is inherited from the caller."""
    import resource

    stack = 8 << 20
    for limit, amount in (
        (resource.RLIMIT_CPU, cpu_s),
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_DATA, memory),
        (resource.RLIMIT_RSS, memory),
        (resource.RLIMIT_STACK, stack),
        (resource.RLIMIT_FSIZE, fsize),
        (resource.RLIMIT_NOFILE, nofile),
        (resource.RLIMIT_NPROC, nproc),  # threads count; other processes are refused by seccomp by default
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_SIGPENDING, 64),  # queued signals, charged to this user namespace's uid
        (resource.RLIMIT_MSGQUEUE, 0),  # POSIX message-queue bytes
        (resource.RLIMIT_MEMLOCK, 0),
        (10, 0),  # RLIMIT_LOCKS (not exported by the resource module)
        (resource.RLIMIT_RTPRIO, 0),
        (resource.RLIMIT_RTTIME, cpu_s * 1_000_000),
        (resource.RLIMIT_NICE, 0),  # cannot raise its priority
    ):
        hard = resource.getrlimit(limit)[1]
        if hard != resource.RLIM_INFINITY and hard < amount:
            amount = hard  # a caller's lower hard limit stays (it can only be lowered)
        resource.setrlimit(limit, (amount, amount))


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data) :]


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 - contextlib would add ~4 ms to every start-up
            stream.flush()
        except BaseException:
            pass  # the code may have closed or replaced the stream


def main(argv: list[str]) -> None:
    code_fd, result_fd, cpu_s, memory, fsize, nofile, nproc, max_depth, max_bytes = map(int, argv)
    with open("/proc/self/oom_score_adj", "w") as adj:  # the OOM killer takes the sandbox first
        adj.write("1000")
    source = _read_all(code_fd)
    os.closerange(3, result_fd)  # nothing but stdio and the result channel stays open (bubblewrap leaves
    os.closerange(result_fd + 1, 1 << 16)  # e.g. its --userns-block-fd in the sandbox)
    _set_limits(cpu_s, memory, fsize, nofile, nproc)
    _write_all(result_fd, b"R")  # the sandbox is up: from here on every failure is the code's
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # keep output on a kill
    document = _execute(source, max_depth, max_bytes)
    _flush()
    _write_all(result_fd, document.encode("utf-8", "replace"))
    os._exit(0)  # skip finalizers and atexit hooks the code may have registered


if __name__ == "__main__":
    main(sys.argv[1:])
