"""Writing the tool's files so that nothing it writes destroys what was there.

A file written in place is half a file when the run dies, and an output that happens
to name an input of the same run (`--json attestation.json`) is gone before the run
has read it. So a run declares its outputs up front and they are checked at once,
before any work: an existing file is refused unless the caller forces it, an input
of the run is refused even then, and a directory, a missing or read-only place is
bad input named by its path. Each file is then written to a temporary file beside
its target and renamed into place only when the whole command has succeeded: a kill
at any moment leaves the old file intact or the new one whole, and an error renames
nothing and removes the temporaries.

Temporaries are named `.NAME.por-partial-PID-RANDOM`, so that a later run writing
NAME into the same place recognises those of a run that was killed (its process is
gone) and removes them.

The caller passes the flag names it uses (`--json`, `--force`): this layer does not
know the command line, it only repeats them in its one-line errors.
"""

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from verifier.errors import InputError
from verifier.io.files import os_problem, os_words

PARTIAL = ".por-partial-"
_PID = re.compile(r"(\d+)-")


def partial_prefix(name: str) -> str:
    """The start of every temporary written for the file `name`."""
    return f".{name}{PARTIAL}"


@dataclass
class _Target:
    path: Path  # as the caller named it, for messages
    real: Path  # where it is written: symbolic links resolved
    flag: str
    keystone: bool  # says its directory's set is whole: removed first, renamed last
    data: bytes | None = None
    temporary: Path | None = None


class Outputs:
    """The files one run writes: declared and checked before the work, written whole
    at the end (`commit`), or not at all.

    Used as a context manager, it commits when the block ends normally and removes
    every temporary when it ends with an exception (a kill leaves them for the next
    run into the same place to remove)."""

    def __init__(self, inputs: Iterable[Path | str | None], *, force: bool, force_flag: str):
        self._inputs = [Path(p) for p in inputs if p is not None]
        self._force = force
        self._force_flag = force_flag
        self._targets: dict[Path, _Target] = {}
        self._missing: set[Path] = set()  # directories of a set, to be made for it
        self._created: list[Path] = []  # directories made for a set, removed if left empty
        self._scratch: list[Path] = []  # working directories of the run, removed at the end
        mask = os.umask(0)
        os.umask(mask)
        self._new_mode = 0o666 & ~mask  # the mode a plain open() would give a new file

    def add(self, path: Path | None, flag: str) -> None:
        """Declare the file `flag` writes (nothing for None), refusing it now if it
        cannot or must not be written."""
        if path is None:
            return
        real = _real(path)
        _writable_directory(path, real.parent, path.parent, real.name)
        if os.path.lexists(real):
            self._refuse_input(path, real, flag)
            _refuse_non_file(path, real)
            if not self._force:
                raise InputError(str(path), None, f"already exists; {self._force_flag} replaces it")
        self._register(_Target(path, real, flag, keystone=False))

    def add_directory(self, directory: Path, flag: str, names: Sequence[str]) -> None:
        """Declare the files `names` that `flag` writes into `directory`, the last one
        being the file that says the others are whole (a tree's root.json): a kill
        between the renames leaves the set without it, never a mix that looks whole.

        A directory that holds any of them, or anything else, is refused unless
        forced; forced, only these files are replaced and nothing else is touched.
        A missing directory is made (not its parents, unless a set declared before
        made them its own) when the first file is written."""
        real = _real(directory)
        if not os.path.lexists(real):
            if real.parent not in self._missing:
                _writable_directory(directory, real.parent, directory.parent, real.name)
            self._missing.add(real)
        else:
            if not real.is_dir():
                raise InputError(str(directory), None, "is a file, not a directory")
            _writable_directory(directory, real, directory, names[0])
            for name in names:
                _remove_stale(real, name)
            _remove_stale_scratch(real)
            present = [name for name in names if os.path.lexists(real / name)]
            for name in present:
                self._refuse_input(directory / name, real / name, flag)
                _refuse_non_file(directory / name, real / name)
            if not self._force and present:
                them = "them" if len(present) > 1 else "it"
                problem = f"already holds {', '.join(present)}; {self._force_flag} replaces {them}"
                raise InputError(str(directory), None, problem)
            if not self._force and any(real.iterdir()):
                problem = (
                    f"is not empty; {self._force_flag} writes {', '.join(names)} into it "
                    "and keeps every other file"
                )
                raise InputError(str(directory), None, problem)
        for name in names:
            keystone = name == names[-1]
            self._register(_Target(directory / name, real / name, flag, keystone))

    def stage(self, path: Path, data: bytes) -> None:
        """The whole content of a declared file, written at `commit`."""
        self._target(path).data = data

    def temporary(self, path: Path) -> Path:
        """A new temporary file that becomes the declared `path` at `commit`, for a
        writer that streams (or a database that opens a path)."""
        target = self._target(path)
        self._make(target.real.parent)
        target.temporary = _new_temporary(target.real.parent, target.real.name)
        return target.temporary

    def scratch_directory(self, directory: Path, name: str) -> Path:
        """A new directory for a run's working files inside the declared `directory`,
        removed with everything in it at `commit` and `discard`; one left by a killed
        run is removed here, by the next run that asks for `name` in the same place."""
        real = _real(directory)
        self._make(real)
        _remove_stale_scratch(real)
        scratch = Path(tempfile.mkdtemp(prefix=f"{partial_prefix(name)}{os.getpid()}-", dir=real))
        self._scratch.append(scratch)
        return scratch

    def _make(self, directory: Path) -> None:
        """Make a declared set's missing directory, and the declared one it is in."""
        if directory in self._missing and not directory.exists():
            self._make(directory.parent)
            directory.mkdir()
            self._created.append(directory)

    def commit(self) -> None:
        """Write what was staged, then rename every file into place: the keystones'
        old files are removed first and the keystones renamed last. On an error
        nothing (more) is renamed and the temporaries are removed."""
        staged = [t for t in self._targets.values() if t.data is not None or t.temporary]
        current = None
        try:
            for current in staged:
                self._finish(current)
            for current in staged:
                if current.keystone and os.path.lexists(current.real):
                    current.real.unlink()
                    _sync_directory(current.real.parent)
            for current in sorted(staged, key=lambda t: t.keystone):
                assert current.temporary is not None
                os.replace(current.temporary, current.real)
                current.temporary = None
            for directory in {t.real.parent for t in staged}:
                _sync_directory(directory)
        except OSError as e:
            self.discard()
            where = current.path if current is not None else Path(".")
            raise InputError(str(where), None, f"cannot write ({os_words(e)})") from None
        self._remove_scratch()
        self._targets.clear()
        self._created.clear()

    def _remove_scratch(self) -> None:
        for scratch in self._scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        self._scratch.clear()

    def discard(self) -> None:
        """Remove every temporary and scratch directory (and a directory made for
        them, if left empty)."""
        self._remove_scratch()
        for target in self._targets.values():
            if target.temporary is not None:
                target.temporary.unlink(missing_ok=True)
                target.temporary = None
            target.data = None
        for directory in reversed(self._created):  # the inner ones first
            with contextlib.suppress(OSError):  # something else was put there: not ours
                directory.rmdir()
        self._created.clear()

    def __enter__(self) -> "Outputs":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def _register(self, target: _Target) -> None:
        earlier = self._targets.get(target.real)
        if earlier is not None:
            problem = f"given for both {earlier.flag} and {target.flag}"
            raise InputError(str(target.path), None, problem)
        _remove_stale(target.real.parent, target.real.name)
        self._targets[target.real] = target

    def _refuse_input(self, path: Path, real: Path, flag: str) -> None:
        for source in self._inputs:
            if _same_file(real, source):
                problem = (
                    f"{flag} would write over {source}, an input of this run: refused, "
                    f"even with {self._force_flag}"
                )
                raise InputError(str(path), None, problem)

    def _target(self, path: Path) -> _Target:
        target = self._targets.get(_real(path))
        if target is None:
            raise ValueError(f"{path} was not declared as an output of this run")
        return target

    def _finish(self, target: _Target) -> None:
        """The temporary, whole and on disk, with the mode the file will have."""
        if target.data is not None:
            path = self.temporary(target.path)
            with open(path, "wb") as f:
                f.write(target.data)
                f.flush()
                os.fsync(f.fileno())
        else:
            assert target.temporary is not None
            path = target.temporary
            with open(path, "rb") as f:
                os.fsync(f.fileno())
        try:
            mode = stat.S_IMODE(os.stat(target.real).st_mode)
        except FileNotFoundError:
            mode = self._new_mode
        os.chmod(path, mode)


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _same_file(real: Path, source: Path) -> bool:
    """`real` is `source` itself, through any symbolic or hard link."""
    try:
        return os.path.samefile(real, source)
    except OSError:
        return real == _real(source)


def _refuse_non_file(path: Path, real: Path) -> None:
    if real.is_dir():
        raise InputError(str(path), None, "is a directory, not a file")
    if not stat.S_ISREG(os.stat(real).st_mode):
        raise InputError(str(path), None, "is not a regular file")


def _writable_directory(path: Path, real: Path, named: Path, name: str) -> None:
    """The directory `path` goes in exists, is a directory and takes new files: a
    temporary for `name` is made there and removed, which answers for permissions,
    read-only mounts and everything else alike (root ignores permission bits, so
    asking os.access would not)."""
    try:
        info = os.stat(real)
    except FileNotFoundError:
        raise InputError(str(path), None, f"no such directory {named}") from None
    except OSError as e:
        raise InputError(str(path), None, os_problem(e)) from None
    if not stat.S_ISDIR(info.st_mode):
        raise InputError(str(path), None, "a part of the path is not a directory")
    try:
        _new_temporary(real, name).unlink()
    except OSError as e:
        raise InputError(str(path), None, f"cannot write in {named} ({os_words(e)})") from None


def _new_temporary(directory: Path, name: str) -> Path:
    handle, temporary = tempfile.mkstemp(
        prefix=f"{partial_prefix(name)}{os.getpid()}-", dir=directory
    )
    os.close(handle)
    return Path(temporary)


def _remove_stale(directory: Path, name: str) -> None:
    """Remove the temporaries for `name` left in `directory` by runs that were killed."""
    prefix = partial_prefix(name)
    try:
        entries = [e for e in os.listdir(directory) if e.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        pid = _PID.match(entry[len(prefix) :])
        if pid is not None and not _alive(int(pid.group(1))):
            (directory / entry).unlink(missing_ok=True)


def _remove_stale_scratch(directory: Path) -> None:
    """Remove the scratch directories (`Outputs.scratch_directory`) of killed runs."""
    for entry in os.listdir(directory):
        pid = _PID.match(entry.partition(PARTIAL)[2])
        stale = directory / entry
        if (
            pid is not None
            and stale.is_dir()
            and not stale.is_symlink()
            and not _alive(int(pid.group(1)))
        ):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _sync_directory(directory: Path) -> None:
    """Make the renames in `directory` durable (a power cut keeps them too)."""
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
