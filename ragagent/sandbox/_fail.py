"""The fail-closed error, with one line on how to enable isolation."""

from __future__ import annotations

from ragagent.errors import SandboxUnavailableError

HOWTO = (
    "ragagent runs model code only under OS-level isolation; to enable it install bubblewrap "
    "(apt-get install bubblewrap) and allow unprivileged user namespaces "
    "(sysctl -w kernel.unprivileged_userns_clone=1; on Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0)"
)


def unavailable(reason: str) -> SandboxUnavailableError:
    """``SandboxUnavailableError`` saying why, then how to enable isolation, on one line."""
    return SandboxUnavailableError(f"sandbox unavailable: {reason}. {HOWTO}")
