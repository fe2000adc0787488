"""The bubblewrap command line: every namespace unshared, read-only interpreter binds, a capped tmpfs.

Inside, the process is uid/gid 65534 in a fresh user namespace with no capabilities and no further user
namespaces (``--disable-userns``; in root mode the seccomp filter refuses them instead).  It has no
network (a private network namespace with only its own loopback), private PID, IPC, UTS and cgroup
namespaces, a new session (no TIOCSTI into our terminal) and a read-only root.
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
SANDBOX_ENV = {"PATH": "/usr/bin:/bin", "HOME": WORKDIR, "LANG": "C.UTF-8", "TMPDIR": WORKDIR}
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
    *,
    tmpfs_bytes: int,
    seccomp_fd: int | None,
    userns_fds: tuple[int, int] | None,
    command: Sequence[str],
) -> list[str]:
    """The full argv: bubblewrap options, then ``--`` and the interpreter ``command`` to run inside.

    ``userns_fds`` (root mode, see ``_userns``) are ``(block_read, info_write)``: bubblewrap reports its
    child pid and waits for us to write the id maps; the runner keeps only CAP_SETUID/CAP_SETGID (in its
    own user namespace) to drop to uid 65534.  Otherwise bubblewrap maps uid 65534 to our own uid.
    """
    argv = [bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session"]
    argv += ["--cap-drop", "ALL", "--hostname", "sandbox"]
    if userns_fds is None:
        argv += ["--uid", "65534", "--gid", "65534", "--disable-userns"]
    else:  # nested user namespaces are then refused by the seccomp layer instead of --disable-userns
        argv += ["--userns-block-fd", str(userns_fds[0]), "--info-fd", str(userns_fds[1])]
        argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    argv += ["--clearenv"]
    for name, value in SANDBOX_ENV.items():
        argv += ["--setenv", name, value]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    for directory in _ancestors(layout.binds):
        # bubblewrap would copy each parent's host mode (/root is 0700): make them traversable for uid 65534
        argv += ["--perms", "0755", "--dir", directory]
    for path in layout.binds:
        argv += ["--ro-bind", path, path]
    for path in layout.masked:  # hide the base interpreter's site-packages behind an empty read-only dir
        argv += ["--tmpfs", path, "--remount-ro", path]
    if supports_tmpfs_size(bwrap):
        argv += ["--size", str(tmpfs_bytes)]
    argv += ["--perms", "1777", "--tmpfs", WORKDIR, "--chdir", WORKDIR, "--remount-ro", "/"]
    if seccomp_fd is not None:
        argv += ["--add-seccomp-fd", str(seccomp_fd)]
    return [*argv, "--", layout.executable, *PYTHON_FLAGS, *command]


def _ancestors(paths: Sequence[str]) -> list[str]:
    """Every parent directory of ``paths``, parents first (``/a/b/c`` -> ``/a``, ``/a/b``)."""
    parents = {str(parent) for path in paths for parent in Path(path).parents if str(parent) != "/"}
    return sorted(parents, key=lambda p: (p.count("/"), p))
