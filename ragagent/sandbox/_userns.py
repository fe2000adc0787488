"""Root mode: map the sandbox's user namespace so the code runs as host uid 65534, not as host root.

Run by root, bubblewrap maps the sandbox uid to host uid 0.  A host-root process without capabilities is
still exempt from RLIMIT_NPROC (fork bombs would be unbounded) and owns every root-owned file, so when
we are root we write the maps ourselves: bubblewrap waits (``--userns-block-fd``) while we map
``0 -> 0`` (bubblewrap's own set-up, which must read the interpreter under /root) and
``65534 -> 65534``; the runner then drops to 65534 (losing every capability) before any user code runs.
"""

from __future__ import annotations

import os
import re
import select
import time

from ragagent.errors import SandboxError

SANDBOX_ID = 65534
_ID_MAP = f"0 0 1\n{SANDBOX_ID} {SANDBOX_ID} 1\n"
_CHILD_PID = re.compile(rb'"child-pid":\s*(\d+)\D')  # \D: never take a number cut by a short read


def root_mode() -> bool:
    """True when we run as root and must map the sandbox ids ourselves."""
    return os.geteuid() == 0


def map_sandbox_ids(info_read: int, block_write: int, deadline: float) -> None:
    """Read bubblewrap's child pid from ``--info-fd``, write its id maps, then let it continue.

    The caller owns (and closes) both fds.
    """
    try:
        pid = _child_pid(info_read, deadline)
        for name in ("uid_map", "gid_map"):
            with open(f"/proc/{pid}/{name}", "w", encoding="ascii") as f:
                f.write(_ID_MAP)
        os.write(block_write, b"1")
    except OSError as e:
        raise SandboxError(f"cannot map the sandbox user namespace: {e}") from e


def _child_pid(info_read: int, deadline: float) -> int:
    data = b""
    while (match := _CHILD_PID.search(data)) is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([info_read], [], [], remaining)[0]:
            raise SandboxError("bubblewrap did not report its child pid in time")
        chunk = os.read(info_read, 4096)
        if not chunk:
            raise SandboxError("bubblewrap exited before creating the sandbox")
        data += chunk
    return int(match.group(1))
