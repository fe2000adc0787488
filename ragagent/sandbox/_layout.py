"""Which host files the sandbox may see: the base interpreter, its stdlib and the shared libraries they load.

Paths are bound read-only at their host locations, because the interpreter finds ``libpython`` through
an absolute RUNPATH and its stdlib relative to its own path.  Nothing else is bound: not the venv, not
site-packages (masked by an empty read-only tmpfs), not /etc, /home, /root or the repository.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from ragagent.errors import SandboxUnavailableError

# Extension modules of no use without a terminal, a display or NIS; their libraries (X11, Tk, ncurses,
# readline, Kerberos, ...) would be 2/3 of the binds.  Importing them inside fails with ImportError.
_SKIPPED_EXTENSIONS = ("_tkinter", "_curses", "_curses_panel", "readline", "nis", "_dbm", "_gdbm")
# "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
_LDD_PATH = re.compile(r"^\s*(?:\S+\s+=>\s+)?(/\S+)\s+\(0x[0-9a-f]+\)\s*$")


@dataclass(frozen=True, slots=True)
class PythonLayout:
    """The interpreter to run inside the sandbox and the read-only binds it needs."""

    executable: str
    binds: tuple[str, ...]
    masked: tuple[str, ...]


@functools.cache
def python_layout() -> PythonLayout:
    """The layout for the base interpreter of the running Python (resolved through any venv)."""
    executable = _base_executable()
    stdlib = Path(sysconfig.get_path("stdlib", vars={"installed_base": sys.base_prefix}))
    dynload = Path(str(sysconfig.get_config_var("DESTSHARED") or stdlib / "lib-dynload"))
    if not (stdlib / "os.py").is_file():
        raise SandboxUnavailableError(f"cannot find the standard library of {executable} (looked in {stdlib})")
    trees = [str(stdlib)] + ([str(dynload)] if dynload.is_dir() and stdlib not in dynload.parents else [])
    extensions = [str(p) for p in sorted(dynload.glob("*.so")) if p.name.split(".")[0] not in _SKIPPED_EXTENSIONS]
    libraries = _shared_libraries([executable, *extensions])
    masked = tuple(str(stdlib / name) for name in ("site-packages", "dist-packages") if (stdlib / name).is_dir())
    return PythonLayout(executable, tuple(dict.fromkeys([executable, *trees, *libraries])), masked)


def _base_executable() -> str:
    """The real interpreter binary behind ``sys.executable`` (a venv's python is a symlink to it)."""
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (
        os.path.realpath(sys.executable),
        os.path.join(sys.base_prefix, "bin", name),
        getattr(sys, "_base_executable", ""),
    ):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.realpath(candidate)
    raise SandboxUnavailableError(f"cannot find the base Python interpreter for {sys.executable}")


def _shared_libraries(objects: list[str]) -> list[str]:
    """Every shared library the given ELF files load, as ldd reports them (one ldd call for all)."""
    try:
        out = subprocess.run(["ldd", *objects], capture_output=True, text=True, timeout=30, check=False, env={}).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SandboxUnavailableError(f"cannot list the interpreter's shared libraries with ldd: {e}") from e
    found = [m.group(1) for line in out.splitlines() if (m := _LDD_PATH.match(line))]
    libraries = [path for path in dict.fromkeys(found) if os.path.isfile(path)]
    if not libraries:
        raise SandboxUnavailableError("ldd reported no shared libraries for the interpreter (is ldd installed?)")
    return libraries
