"""Measure the system calls CPython makes for plausible PAL work, and compare them with the seccomp allowlist.

    python benchmarks/sandbox_syscalls.py [--modules test_math test_json ...]

Runs the stdlib test modules a PAL program plausibly exercises (numbers, text, dates, collections, files
in a work dir, threads, sqlite3, compression, ...) with the sandbox's interpreter and flags under
``strace -f -c`` (a ptrace-based tracer; apt-get install strace), then prints the calls that were traced
but are not allowed (each must be a deliberate exclusion, listed in ``_seccomp``'s docstring) and the
allowed calls the run did not use (variants such as ``pwritev2`` kept for other glibc versions).  The
tests' own harness (``-m test`` with worker processes) adds process-management calls a PAL program
does not need; those show up among the excluded calls.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ragagent.sandbox._bwrap import PYTHON_FLAGS
from ragagent.sandbox._layout import python_layout
from ragagent.sandbox._seccomp import ALLOWED

MODULES = [
    "test_math",
    "test_cmath",
    "test_statistics",
    "test_fractions",
    "test_decimal",
    "test_json",
    "test_re",
    "test_datetime",
    "test_collections",
    "test_itertools",
    "test_functools",
    "test_string",
    "test_random",
    "test_heapq",
    "test_bisect",
    "test_operator",
    "test_textwrap",
    "test_unicodedata",
    "test_csv",
    "test_hashlib",
    "test_struct",
    "test_time",
    "test_calendar",
    "test_enum",
    "test_dataclasses",
    "test_typing",
    "test_copy",
    "test_array",
    "test_difflib",
    "test_base64",
    "test_binascii",
    "test_zlib",
    "test_int",
    "test_float",
    "test_long",
    "test_list",
    "test_dict",
    "test_set",
    "test_bytes",
    "test_tempfile",
    "test_pathlib",
    "test_os",
    "test_threading",
    "test_sqlite3",
    "test_zoneinfo",
    "test_gzip",
    "test_io",
    "test_pprint",
    "test_sort",
    "test_contextlib",
    "test_abc",
    "test_exceptions",
    "test_generators",
    "test_fstring",
    "test_format",
    "test_secrets",
    "test_uuid",
    "test_ipaddress",
    "test_complex",
    "test_shutil",
    "test_glob",
    "test_fnmatch",
    "test_traceback",
    "test_warnings",
    "test_weakref",
    "test_queue",
]
# arg-checked in _seccomp (allowed for some arguments only), not absent
ARG_CHECKED = {"clone", "clone3", "socket", "socketpair", "ioctl", "fcntl", "fork", "vfork"}


def traced_calls(modules: list[str]) -> set[str]:
    strace = shutil.which("strace")
    if strace is None:
        raise SystemExit("strace is not installed (apt-get install strace)")
    with tempfile.TemporaryDirectory() as tmp:
        summary = Path(tmp) / "strace.txt"
        command = [strace, "-f", "-qq", "-c", "-S", "name", "-o", str(summary), "--"]
        command += [python_layout().executable, *PYTHON_FLAGS, "-m", "test", "-q", *modules]
        subprocess.run(command, cwd=tmp, capture_output=True, check=False, timeout=3600)
        rows = [line.split() for line in summary.read_text().splitlines()[2:]]
    return {row[-1] for row in rows if row and row[-1].isidentifier() and row[-1] != "total"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", nargs="*", default=list(MODULES), help="stdlib test modules to trace")
    args = parser.parse_args()
    traced = traced_calls(args.modules)
    allowed = set(ALLOWED)
    print(f"{len(args.modules)} test modules, {len(traced)} distinct system calls traced")
    print("allowed for some arguments only:", " ".join(sorted(traced & ARG_CHECKED)))
    print("traced, refused (deliberate):", " ".join(sorted(traced - allowed - ARG_CHECKED)))
    print("allowed, not traced here:", " ".join(sorted(allowed - traced)))


if __name__ == "__main__":
    main()
