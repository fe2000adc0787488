"""The seccomp layer: a BPF program compiled in the host with libseccomp, loaded by bubblewrap.

bubblewrap applies it (``--add-seccomp-fd``) right before it execs the interpreter, so nothing from
the venv (pyseccomp, libseccomp) has to be visible inside the sandbox.  It is default-allow with
EPERM for the calls a Python program never needs and that widen the kernel attack surface: sockets
other than AF_UNIX, ptrace, mounts, namespaces, kexec, bpf, perf, keyrings, io_uring, ...
Non-native syscall ABIs (i386, x32) are killed by libseccomp's bad-arch default.

When pyseccomp or libseccomp is missing the layer is skipped (:func:`seccomp_program` returns None)
and reported by :func:`ragagent.sandbox.isolation_info`; namespaces and rlimits still apply.
"""

from __future__ import annotations

import errno
import functools
import os
import socket
from typing import Any

_DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "mount_setattr",
    "fsopen", "fsconfig", "fsmount", "fspick", "unshare", "setns",
    "kexec_load", "kexec_file_load", "reboot", "init_module", "finit_module", "delete_module",
    "bpf", "perf_event_open", "userfaultfd", "add_key", "request_key", "keyctl",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "swapon", "swapoff", "syslog",
    "acct", "quotactl", "open_by_handle_at", "name_to_handle_at", "iopl", "ioperm",
    "lookup_dcookie", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "personality", "uselib", "ustat", "sysfs", "vhangup", "fanotify_init",
    "mbind", "migrate_pages", "move_pages", "set_mempolicy",
)  # fmt: skip

# clone() flags that would create namespaces (a way around --disable-userns and the seccomp deny list)
_NAMESPACE_FLAGS = (0x10000000, 0x00020000, 0x40000000, 0x08000000, 0x04000000, 0x20000000, 0x02000000)
_TIOCSTI, _TIOCLINUX = 0x5412, 0x541C  # push input into a terminal (escapes via a shared tty)


@functools.cache
def seccomp_program() -> bytes | None:
    """The compiled BPF filter, or None when libseccomp is unavailable (the layer is then skipped)."""
    try:
        import pyseccomp
    except (ImportError, OSError, RuntimeError):  # pyseccomp raises RuntimeError without libseccomp
        return None
    return _compile(pyseccomp)


def _compile(sc: Any) -> bytes:
    flt = sc.SyscallFilter(sc.ALLOW)
    deny = sc.ERRNO(errno.EPERM)
    for name in _DENIED:
        number = sc.resolve_syscall(sc.Arch.NATIVE, name)
        if number >= 0:  # older kernels/libseccomp lack some calls: nothing to deny then
            flt.add_rule(deny, number)
    flt.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), "socket", sc.Arg(0, sc.NE, socket.AF_UNIX))
    # glibc falls back from clone3 (whose flags seccomp cannot inspect) to clone on ENOSYS
    flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for flag in _NAMESPACE_FLAGS:
        flt.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    for request in (_TIOCSTI, _TIOCLINUX):
        flt.add_rule(deny, "ioctl", sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, request))
    fd = os.memfd_create("ragagent-seccomp")
    try:
        with open(fd, "rb", closefd=False) as buffer:
            flt.export_bpf(buffer)
            buffer.seek(0)
            return buffer.read()
    finally:
        os.close(fd)
