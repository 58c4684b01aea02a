"""Run a piece of this test process as an unprivileged user, to meet permission bits.

The suite runs as root here, and root ignores permission bits: a read-only directory
is only read-only to somebody else. The interpreter cannot be started again as
`nobody` (it lives under /root, which is 0700), so the test process forks and the
child drops to nobody's uid and gid before it runs `action`; what it writes to stderr
and its exit code come back. Everything the action needs must already be imported.
"""

import contextlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

NOBODY = 65534

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")


def as_nobody(action: Callable[[], int]) -> tuple[int, str]:
    """(exit code, stderr) of `action` run in a child as uid and gid 65534."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            os.close(read)
            sys.stderr = open(write, "w", encoding="utf-8")  # noqa: SIM115 - closed by _exit
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            code = action()
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write)
    with open(read, encoding="utf-8") as f:
        stderr = f.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stderr


@contextlib.contextmanager
def reachable_directory() -> Iterator[Path]:
    """A fresh root-owned 0755 directory that nobody can enter but not write to (pytest's
    tmp_path lies under a directory only root can enter)."""
    with tempfile.TemporaryDirectory(prefix="por-unprivileged-") as name:
        os.chmod(name, 0o755)
        yield Path(name)
