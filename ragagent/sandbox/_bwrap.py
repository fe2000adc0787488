"""The bubblewrap command line: every namespace unshared, read-only interpreter binds, a capped tmpfs.

Inside, the process is uid/gid 65534 in a fresh user namespace with no capabilities and no further user
namespaces (``--disable-userns``, and the seccomp filter as a second layer).  bubblewrap itself runs
unprivileged (as host uid 65534 when we are root, see ``_mirror``), so no sandbox uid maps to host root.
It has no network (a private network namespace with only its own loopback), private PID, IPC, UTS and
cgroup namespaces, a new session (no TIOCSTI into our terminal), a read-only root and a read-only /dev.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ragagent.sandbox._layout import PythonLayout

DEFAULT_BWRAP = "bwrap"
WORKDIR = "/tmp"
# One malloc arena: glibc otherwise reserves 64 MiB of address space per thread's arena, which RLIMIT_AS
# counts, so a program with four threads could not allocate 32 MiB under a 256 MiB limit (but could under 128).
SANDBOX_ENV = {"PATH": "/usr/bin:/bin", "HOME": WORKDIR, "LANG": "C.UTF-8", "TMPDIR": WORKDIR,
               "MALLOC_ARENA_MAX": "1"}
# -I: ignore PYTHON* env and user site; -S: no site module; -B: no .pyc writes; utf8 mode without a locale
PYTHON_FLAGS = ("-I", "-S", "-B", "-X", "utf8")


def resolve_bwrap(bwrap: str | None) -> str | None:
    """The bubblewrap binary to use (an explicit path, or ``bwrap`` on PATH), or None if there is none."""
    candidate = bwrap or DEFAULT_BWRAP
    if "/" in candidate:
        return candidate if Path(candidate).is_file() else None
    return shutil.which(candidate)


@functools.cache
def supports_tmpfs_size(bwrap: str) -> bool:
    """bubblewrap >= 0.5 caps a tmpfs with ``--size``; older ones need RLIMIT_FSIZE alone."""
    try:
        out = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10, check=False, env={})
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--size" in out.stdout + out.stderr


def bwrap_argv(
    bwrap: str,
    layout: PythonLayout,
    binds: Sequence[tuple[str, str]],
    masked: Sequence[str],
    *,
    work_dir: str,
    tmpfs_bytes: int,
    seccomp_fd: int | None,
    handshake_fds: tuple[int, int],
    command: Sequence[str],
) -> list[str]:
    """The full argv: bubblewrap options, then ``--`` and the interpreter ``command`` to run inside.

    ``binds`` are ``(host source, sandbox path)`` pairs.  ``work_dir`` is ``"tmpfs"`` (bubblewrap mounts
    a size-capped tmpfs) or ``"premounted"`` (only the mount point: the host mounts an inode-capped tmpfs
    there while bubblewrap waits, see ``_hostlayers``).  ``handshake_fds`` are ``(info_write, block_read)``.
    """
    argv = [bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session"]
    argv += ["--cap-drop", "ALL", "--hostname", "sandbox", "--uid", "65534", "--gid", "65534", "--disable-userns"]
    argv += ["--info-fd", str(handshake_fds[0]), "--block-fd", str(handshake_fds[1]), "--clearenv"]
    for name, value in SANDBOX_ENV.items():
        argv += ["--setenv", name, value]
    argv += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev"]  # /dev's tmpfs has no size cap
    for directory in _ancestors([dest for _, dest in binds]):
        # bubblewrap would copy each parent's host mode (/root is 0700): make them traversable for uid 65534
        argv += ["--perms", "0755", "--dir", directory]
    for source, dest in binds:
        argv += ["--ro-bind", source, dest]
    for path in masked:  # hide the base interpreter's site-packages behind an empty read-only dir
        argv += ["--tmpfs", path, "--remount-ro", path]
    if work_dir == "premounted":
        argv += ["--perms", "1777", "--dir", WORKDIR]
    else:
        if supports_tmpfs_size(bwrap):
            argv += ["--size", str(tmpfs_bytes)]
        argv += ["--perms", "1777", "--tmpfs", WORKDIR]
    argv += ["--chdir", WORKDIR, "--remount-ro", "/"]
    if seccomp_fd is not None:
        argv += ["--add-seccomp-fd", str(seccomp_fd)]
    return [*argv, "--", layout.executable, *PYTHON_FLAGS, *command]


def _ancestors(paths: Sequence[str]) -> list[str]:
    """Every parent directory of ``paths``, parents first (``/a/b/c`` -> ``/a``, ``/a/b``)."""
    parents = {str(parent) for path in paths for parent in Path(path).parents if str(parent) != "/"}
    return sorted(parents, key=lambda p: (p.count("/"), p))
