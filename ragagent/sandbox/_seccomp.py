"""The seccomp layer: a default-deny allowlist compiled in the host with libseccomp, loaded by bubblewrap.

bubblewrap applies it (``--add-seccomp-fd``) right before it execs the interpreter, so nothing from
the venv (pyseccomp, libseccomp) has to be visible inside the sandbox.  Every system call not listed in
:data:`ALLOWED` returns EPERM (new kernels' new calls included); non-native ABIs (i386, x32) are killed.

The list is what CPython needs to start, compute, print, read its stdlib, use threads and its work dir:
the union of the calls made by the stdlib test modules a PAL program plausibly exercises (math,
statistics, decimal, json, re, datetime, collections, sqlite3, tempfile, pathlib, threading, ...),
traced with ``benchmarks/sandbox_syscalls.py``, minus the calls that reach kernel state beyond the
sandbox's own memory and files.  Deliberately absent: process creation (unless ``allow_subprocesses``),
SysV and POSIX IPC, memfds, AIO and io_uring, POSIX timers, inotify/fanotify/dnotify, file locks and
leases (a live view of, or a channel through, shared host files), namespaces, mounts, ptrace, keyrings,
bpf, perf.  Arguments are checked where a call is needed but some uses are not: ``clone`` only for
threads, ``socket``/``socketpair`` only AF_UNIX, ``ioctl`` and ``fcntl`` only the listed requests.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import socket
from typing import Any

ALLOWED = (
    # memory
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync",
    # files in the work dir and the read-only stdlib
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
    "open", "openat", "openat2", "creat", "close", "close_range", "lseek", "dup", "dup2", "dup3", "pipe", "pipe2",
    "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs", "access", "faccessat", "faccessat2",
    "getdents64", "getcwd", "chdir", "fchdir", "readlink", "readlinkat", "mkdir", "mkdirat", "rmdir",
    "unlink", "unlinkat", "rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat",
    "chmod", "fchmod", "fchmodat", "utimensat", "futimesat", "utimes", "truncate", "ftruncate", "fallocate",
    "fsync", "fdatasync", "sync_file_range", "copy_file_range", "sendfile", "splice", "tee",
    "fadvise64", "umask", "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr",
    # waiting and polling on the fds it has
    "select", "pselect6", "poll", "ppoll", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
    "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2",
    # unix sockets (socket and socketpair are argument-checked below)
    "bind", "connect", "listen", "accept", "accept4", "sendto", "recvfrom", "sendmsg", "recvmsg",
    "sendmmsg", "recvmmsg", "shutdown", "getsockname", "getpeername", "getsockopt", "setsockopt",
    # threads, signals, time
    "futex", "futex_waitv", "set_robust_list", "get_robust_list", "set_tid_address", "rseq", "arch_prctl",
    "sched_yield", "sched_getaffinity", "sched_getparam", "sched_getscheduler", "sched_get_priority_max",
    "sched_get_priority_min", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending",
    "rt_sigtimedwait", "rt_sigsuspend", "sigaltstack", "kill", "tgkill", "tkill", "pause", "alarm",
    "getitimer", "setitimer", "nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres",
    "gettimeofday", "time", "times", "getrusage",
    # identity and limits (read-only), process exit and waiting for its own threads/children
    "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid",
    "getgroups", "getpgrp", "getpgid", "getsid", "getpriority", "setpriority", "getrlimit", "prlimit64", "uname",
    "sysinfo", "getrandom", "getcpu", "prctl", "capget", "membarrier", "wait4", "waitid",
    "exit", "exit_group", "restart_syscall",
    # bubblewrap execs the interpreter after installing the filter
    "execve",
)  # fmt: skip

_PROCESS_CALLS = ("fork", "vfork")  # added with allow_subprocesses (glibc itself forks with clone)

_CLONE_THREAD = 0x00010000
# clone() flags that create namespaces: never allowed (--disable-userns is the other layer)
_NAMESPACE_FLAGS = 0x10000000 | 0x00020000 | 0x40000000 | 0x08000000 | 0x04000000 | 0x20000000 | 0x02000000
# TCGETS, TIOCGWINSZ, FIONREAD, FIOCLEX, FIONCLEX, FIONBIO (isatty, terminal size, set_inheritable)
_IOCTLS = (0x5401, 0x5413, 0x541B, 0x5451, 0x5450, 0x5421)
# F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC, F_SETPIPE_SZ, F_GETPIPE_SZ, F_GET_SEALS:
# no locks (F_*LK, F_OFD_*), leases or F_NOTIFY
_FCNTLS = (0, 1, 2, 3, 4, 1030, 1031, 1032, 1034)


@functools.cache
def seccomp_program(allow_subprocesses: bool = False) -> bytes | None:
    """The compiled BPF filter, or None when libseccomp is unavailable (the executor then fails closed)."""
    try:
        import pyseccomp
    except (ImportError, OSError, RuntimeError):  # pyseccomp raises RuntimeError without libseccomp
        return None
    return _compile(pyseccomp, allow_subprocesses)


def _compile(sc: Any, allow_subprocesses: bool) -> bytes:
    flt = sc.SyscallFilter(sc.ERRNO(errno.EPERM))
    with contextlib.suppress(RuntimeError, ValueError, OSError):  # older libseccomp: a linear scan
        flt.set_attr(sc.Attr.CTL_OPTIMIZE, 2)  # a binary tree over the ~170 allowed calls (libseccomp >= 2.5)
    for name in ALLOWED + (_PROCESS_CALLS if allow_subprocesses else ()):
        number = sc.resolve_syscall(sc.Arch.NATIVE, name)
        if number >= 0:  # older kernels/libseccomp lack some calls: nothing to allow then
            flt.add_rule(sc.ALLOW, number)
    # threads always; other processes only when allowed; namespaces never
    mask, value = (_NAMESPACE_FLAGS, 0) if allow_subprocesses else (_NAMESPACE_FLAGS | _CLONE_THREAD, _CLONE_THREAD)
    flt.add_rule(sc.ALLOW, "clone", sc.Arg(0, sc.MASKED_EQ, mask, value))
    flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")  # seccomp cannot read clone3's flags; glibc falls back to clone
    flt.add_rule(sc.ALLOW, "socket", sc.Arg(0, sc.EQ, socket.AF_UNIX))
    flt.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), "socket", sc.Arg(0, sc.NE, socket.AF_UNIX))
    flt.add_rule(sc.ALLOW, "socketpair", sc.Arg(0, sc.EQ, socket.AF_UNIX))
    for request in _IOCTLS:
        flt.add_rule(sc.ALLOW, "ioctl", sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, request))
    for command in _FCNTLS:
        flt.add_rule(sc.ALLOW, "fcntl", sc.Arg(1, sc.EQ, command))
    fd = os.memfd_create("ragagent-seccomp")
    try:
        with open(fd, "rb", closefd=False) as buffer:
            flt.export_bpf(buffer)
            buffer.seek(0)
            return buffer.read()
    finally:
        os.close(fd)
