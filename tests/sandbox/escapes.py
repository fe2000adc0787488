"""The escape attempts run by test_escapes.py: code, and what the result itself must show.

Tokens like ``@TMP_CANARY@`` are replaced by host paths/ports from the test's fixture.  Every attempt is
also checked for host-visible effects (canaries, secret, sentinel process, listeners) by the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ragagent.sandbox import ExecResult

Check = Callable[[ExecResult], bool]


def anything(result: ExecResult) -> bool:
    """No claim about the result itself: only the host-side checks apply."""
    return True


@dataclass(frozen=True)
class Escape:
    name: str
    code: str
    check: Check = anything
    timeout_s: float = 3.0


def failed(*types: str) -> Check:
    """An error, of one of ``types``: a host kind (``error_type``) or the exception named at the start of ``error``."""
    return lambda r: (
        r.error is not None
        and (not types or r.error_type in types or any(r.error.startswith(f"{t}:") or r.error == t for t in types))
    )


def failed_unless_under_tmp(path: Path) -> Check:
    """The write must fail, except when ``path`` is under /tmp (then it only reaches the private tmpfs)."""
    return lambda r: r.error is not None or path.is_relative_to("/tmp")


def error_contains(text: str) -> Check:
    return lambda r: r.error is not None and text in r.error


def value_is(expected: object) -> Check:
    return lambda r: r.error is None and r.value == expected


def timed_out(r: ExecResult) -> bool:
    return r.timed_out and r.duration_s < 3.0  # the timeout cases use timeout_s=1: the kill must be prompt


_EVIL_OBJECT = """
class Evil:
    def __repr__(self):
        open("@TMP_CANARY@", "w").write("repr ran")
        return "evil"
    __str__ = __repr__
    def __eq__(self, other):
        open("@TMP_CANARY@", "w").write("eq ran")
        return True
    def __hash__(self):
        return 1
    def __del__(self):
        open("@TMP_CANARY@", "w").write("del ran")
    def __reduce__(self):
        return (open, ("@TMP_CANARY@", "w"))
result = Evil()
"""

_FORGE_RESULT = """
import os, sys
frame = sys._getframe()
while frame is not None and "result_fd" not in frame.f_locals:
    frame = frame.f_back
os.write(frame.f_locals["result_fd"], b'{"value": "forged", "evil": "extra key"}')
os._exit(0)
"""

_PROC_WALK = """
import os
found = []
for pid in os.listdir("/proc"):
    if pid.isdigit():
        for name in ("environ", "cmdline"):
            try:
                found.append(open(f"/proc/{pid}/{name}", "rb").read().decode("utf-8", "replace"))
            except OSError:
                pass
result = found
"""

_FS_WALK = """
import os, sys
skip = ("/proc", "/dev", "/lib", "/lib64", sys.prefix)  # the binds: the interpreter and its libraries
result = sorted(
    os.path.join(d, f) for d, _, files in os.walk("/") for f in files if not d.startswith(skip)
)
"""

_FORK_COUNT = """
import os
n = 0
for _ in range(200):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        import time
        time.sleep(60)
        os._exit(0)
    n += 1
result = n
"""

_SYSCALLS = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
result = [
    libc.unshare(0x10000000),
    libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
    libc.ptrace(16, 1, 0, 0),
    libc.setuid(0),
    libc.chroot(b"/tmp"),
]
"""

ESCAPES = [
    # importing os / subprocess / running programs
    Escape("os-system", 'import os\nresult = os.system("touch @TMP_CANARY@ @CANARY@")', lambda r: r.value != 0),
    Escape(
        "subprocess-shell",
        'import subprocess\nsubprocess.run(["/bin/sh", "-c", "touch @TMP_CANARY@"])',
        failed("PermissionError"),  # no process creation (seccomp); there is no /bin/sh either
    ),
    Escape(
        "subprocess-python",
        "import subprocess, sys\nresult = subprocess.run([sys.executable, '-c', "
        "\"open('@TMP_CANARY@', 'w').write('x')\"]).returncode",
    ),
    # writing outside the work dir
    Escape(
        "write-host-tmp", 'open("@TMP_CANARY@", "w").write("x")\nresult = open("@TMP_CANARY@").read()', value_is("x")
    ),
    Escape(
        "write-host-path",
        'import os\nos.makedirs(os.path.dirname("@CANARY@"), exist_ok=True)\nopen("@CANARY@", "w").write("x")',
    ),
    Escape(
        # The repo is not bound, so this fails -- unless the checkout lives under /tmp, where the write lands
        # in the sandbox's private tmpfs. Either way the host canary must stay absent (checked for every escape).
        "write-repo",
        'import os\nos.makedirs("@REPO@", exist_ok=True)\nopen("@REPO_CANARY@", "w").write("x")',
        failed_unless_under_tmp(Path(__file__).resolve().parents[2]),
    ),
    Escape(
        "write-stdlib",
        'import os\nopen(os.path.join(os.path.dirname(os.__file__), "ragagent_canary.py"), "w")',
        error_contains("Read-only file system"),
    ),
    Escape("chmod-stdlib", "import os\nos.chmod(os.__file__, 0o777)", failed()),
    Escape("write-proc-sys", 'open("/proc/sys/kernel/hostname", "w").write("pwned")', failed()),
    Escape("mknod-mem", "import os\nos.mknod('/tmp/mem', 0o600 | 0o020000, os.makedev(1, 1))", failed()),
    Escape("fill-tmpfs", "for i in range(100):\n    open(f'/tmp/f{i}', 'wb').write(b'x' * 2**24)", failed("OSError")),
    # reading host files
    Escape("read-etc-passwd", 'result = open("/etc/passwd").read()', failed("FileNotFoundError")),
    Escape("read-host-tmp-file", 'result = open("@VISIBLE@").read()', failed("FileNotFoundError")),
    Escape(
        "list-root-home",
        'import os\nresult = sorted(os.listdir("/root"))',
        lambda r: r.value is None or set(r.value) <= {".pyenv"},
    ),
    Escape(
        "root-dotfiles",
        "import os\nresult = [os.path.exists(p) for p in "
        '("/root/.bashrc", "/root/.ssh", "/root/.cache", "/root/.pyenv/version", "/home")]',
        value_is([False] * 5),
    ),
    Escape("read-repo", 'result = open("@REPO@/pyproject.toml").read()', failed("FileNotFoundError")),
    Escape("walk-filesystem", _FS_WALK, value_is([])),
    Escape(
        "proc-1-root",
        'import os\nresult = os.listdir("/proc/1/root")',
        lambda r: r.value is None or "etc" not in r.value,
    ),
    Escape(
        "devices",
        'import os\nresult = [p for p in ("/dev/mem", "/dev/kmem", "/dev/sda", "/dev/vda", "/dev/port")'
        " if os.path.exists(p)]",
        value_is([]),
    ),
    # environment secrets and other processes
    Escape("environ", "import os\nresult = dict(os.environ)", lambda r: "RAGAGENT_TEST_SECRET" not in r.value),
    Escape("proc-1-environ", 'result = open("/proc/1/environ", "rb").read().decode()', lambda r: r.value in (None, "")),
    Escape("proc-walk", _PROC_WALK),
    Escape(
        "proc-sees-only-sandbox",
        'import os\nresult = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())',
        lambda r: max(r.value) < 10,
    ),
    # builtins, dunder, subclass and frame tricks
    Escape(
        "builtins-import",
        "b = __builtins__ if isinstance(__builtins__, dict) else __builtins__.__dict__\n"
        'result = b["__import__"]("os").system("touch @TMP_CANARY@")',
    ),
    Escape(
        "subclasses-wrap-close",
        '[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "_wrap_close"]'
        '[0].__init__.__globals__["system"]("touch @TMP_CANARY@")',
    ),
    Escape(
        "subclasses-popen",
        'import subprocess\n[c for c in object.__subclasses__() if c.__name__ == "Popen"][0]'
        '(["/bin/sh", "-c", "touch @TMP_CANARY@"])',
        failed("PermissionError"),
    ),
    Escape(
        "frame-walk-globals",
        "import sys\nf = sys._getframe()\nnames = []\nwhile f is not None:\n"
        "    names += list(f.f_globals)\n    f = f.f_back\nresult = names",
    ),
    Escape(
        "generator-frame-walk",
        "import sys\ndef g():\n    yield sys._getframe(1)\nf = next(g())\nnames = []\n"
        "while f is not None:\n    names += list(f.f_locals)\n    f = f.f_back\nresult = names",
    ),
    Escape(
        "traceback-frames",
        "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    f = e.__traceback__.tb_frame\n"
        "    while f.f_back:\n        f = f.f_back\n    result = sorted(f.f_globals)",
    ),
    Escape("forge-result-document", _FORGE_RESULT, failed("ResultError")),
    Escape(
        "format-string-attributes",
        "import os\nclass A:\n    def __init__(self):\n        pass\n"
        'result = "{0.__init__.__globals__[os].environ}".format(A())',
        lambda r: "RAGAGENT_TEST_SECRET" not in r.value,
    ),
    # exec / eval / compile / code objects / native code
    Escape(
        "exec-eval-compile",
        "exec(compile(\"import os; os.system('touch @TMP_CANARY@')\", 'x', 'exec'))\n"
        "result = eval(\"__import__('os').getuid()\")",
        value_is(65534),
    ),
    Escape(
        "corrupt-code-object",
        "def f():\n    return 1\nf.__code__ = f.__code__.replace(co_code=b'\\xff' * 8)\nresult = f()",
        failed(),
    ),
    Escape("ctypes-segfault", "import ctypes\nctypes.string_at(0)", failed("Signal")),
    Escape("ctypes-privileged-syscalls", _SYSCALLS, value_is([-1] * 5)),
    Escape("tiocsti", "import fcntl, termios\nfcntl.ioctl(0, termios.TIOCSTI, b'x')", failed()),
    # pickle / marshal and hostile return values
    Escape(
        "pickle-reduce",
        "import pickle, os\nclass E:\n    def __reduce__(self):\n"
        "        return (os.system, ('touch @TMP_CANARY@',))\npickle.loads(pickle.dumps(E()))\n"
        "result = pickle.dumps(E())",
        error_contains("unsupported result type bytes"),
    ),
    Escape(
        "marshal-code",
        "import marshal\nresult = marshal.dumps(compile('1', 'x', 'eval'))",
        error_contains("unsupported result type bytes"),
    ),
    Escape("evil-dunders-result", _EVIL_OBJECT, error_contains("unsupported result type Evil")),
    Escape(
        "int-subclass-result",
        "class I(int):\n    def __repr__(self):\n        return '666'\nresult = I(5)",
        error_contains("unsupported result type I"),
    ),
    Escape(
        "str-subclass-key",
        "class K(str):\n    def __hash__(self):\n        return 0\nresult = {K('a'): 1}",
        error_contains("dict key of type K"),
    ),
    Escape(
        "exception-str-raises",
        "class E(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\nraise E()",
        lambda r: r.error == "E" and r.error_type == "Exception",
    ),
    Escape(
        "exception-str-not-str",
        "class E(Exception):\n    def __str__(self):\n        return 42\nraise E()",
        lambda r: r.error == "E",
    ),
    Escape(
        "exception-str-side-effect",
        "class E(Exception):\n    def __str__(self):\n"
        "        open('@TMP_CANARY@', 'w').write('x')\n        return 'ran inside'\nraise E()",
        lambda r: r.error == "E: ran inside",
    ),
    Escape(
        "exception-name-metaclass",
        "class M(type):\n    @property\n    def __name__(cls):\n"
        "        raise RuntimeError('no')\nclass E(Exception, metaclass=M):\n    pass\nraise E('m')",
        lambda r: r.error == "E: m",
    ),
    # network
    Escape(
        "tcp-host-listener",
        "import socket\ns = socket.socket()\ns.settimeout(1)\ns.connect(('127.0.0.1', @TCP_PORT@))",
        failed(),
    ),
    Escape(
        "udp-host-listener",
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.sendto(b'x', ('127.0.0.1', @UDP_PORT@))",
        failed(),
    ),
    Escape("dns", "import socket\nresult = socket.getaddrinfo('example.com', 80)", failed()),
    Escape(
        "unix-socket-host-path", "import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect('@UNIX_PATH@')", failed()
    ),
    Escape(
        "abstract-unix-socket", "import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect('\\0@ABSTRACT@')", failed()
    ),
    # CPU, memory, processes
    Escape("cpu-loop", "while True:\n    pass", timed_out, timeout_s=1.0),
    Escape("c-level-loop", "sum(range(10 ** 13))", timed_out, timeout_s=1.0),
    Escape("sleep", "import time\ntime.sleep(100)", timed_out, timeout_s=1.0),
    Escape(
        "ignore-signals",
        "import signal\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):\n"
        "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass",
        timed_out,
        timeout_s=1.0,
    ),
    Escape("memory-bomb", "x = bytearray(10 ** 11)", failed("MemoryError")),
    Escape("memory-gradual", "x = []\nwhile True:\n    x.append(bytearray(10 ** 6))", failed("MemoryError")),
    Escape(
        "fork-bomb",
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        timed_out,
        timeout_s=1.0,
    ),
    Escape("fork-count-is-limited", _FORK_COUNT, lambda r: r.error is None and r.value < 16),
    Escape(
        "thread-storm",
        "import threading, time\nfor _ in range(10000):\n"
        "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()",
        error_contains("can't start new thread"),
    ),
    Escape(
        "daemonize",
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        while True:\n            time.sleep(1)\nresult = 1",
    ),
    Escape("deep-recursion", "def f(n):\n    return f(n + 1)\nf(0)", failed("RecursionError")),
    Escape(
        "recursion-limit-raised",
        "import sys\nsys.setrecursionlimit(10 ** 6)\ndef f(n):\n    return f(n + 1)\nf(0)",
        lambda r: r.error is not None,
    ),
    Escape("parser-bomb", "eval('(' * 100000 + ')' * 100000)", failed()),
    Escape("huge-output", "print('x' * 3 * 10 ** 7)\nresult = 1", lambda r: len(r.stdout) < 70_000 and r.value == 1),
    Escape(
        "output-flood",
        "import sys\nwhile True:\n    sys.stdout.write('y' * 65536)",
        lambda r: r.timed_out and len(r.stdout) < 70_000,
        timeout_s=1.0,
    ),
    # killing the parent and the host
    Escape("kill-parent", "import os\nos.kill(os.getppid(), 9)\nresult = os.getppid()"),
    Escape("kill-everything", "import os\nos.kill(-1, 9)"),
    Escape(
        "kill-host-pids",
        "import os\nfor pid in (@SENTINEL_PID@, @HOST_PID@, 1):\n    try:\n        os.kill(pid, 9)\n"
        "    except OSError:\n        pass\nresult = 1",
    ),
]
