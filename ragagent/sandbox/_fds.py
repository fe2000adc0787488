"""File descriptors of one run: sealed memfds for data we hand in, pipes, and who closes what."""

from __future__ import annotations

import fcntl
import os

_SEALS = fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE


def sealed_memfd(name: str, data: bytes) -> int:
    """An anonymous file holding ``data``, sealed read-only, positioned at its start."""
    fd = os.memfd_create(f"ragagent-{name}", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, _SEALS)
    except BaseException:
        os.close(fd)
        raise
    return fd


class FdSet:
    """Ours are closed by :meth:`close`; the child's ends are handed over for closing right after the spawn."""

    def __init__(self) -> None:
        self.ours: list[int] = []
        self.childs: list[int] = []

    def pipe(self, *, child_reads: bool = False) -> tuple[int, int]:
        """A pipe ``(read, write)``; the child gets the write end unless ``child_reads``."""
        read, write = os.pipe()
        (self.childs if child_reads else self.ours).append(read)
        (self.ours if child_reads else self.childs).append(write)
        return read, write

    def child(self, fd: int) -> int:
        self.childs.append(fd)
        return fd

    def hand_over(self) -> list[int]:
        """The child's fds; the caller now owns them."""
        childs, self.childs = self.childs, []
        return childs

    def close(self) -> None:
        for fd in self.ours + self.childs:
            os.close(fd)
        self.ours, self.childs = [], []
