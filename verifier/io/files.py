"""Opening the files a user names, with one wording for every way that can fail.

A path that is a directory, missing, unreadable or larger than its kind of file may
be is bad input named by its path, never an OSError with a traceback. Whole-file
reads are bounded so that a hostile file cannot exhaust memory before it is parsed.
"""

import errno
import os
from pathlib import Path
from typing import BinaryIO

from verifier.errors import InputError

MIB = 1 << 20
# A document read whole (attestation, policy, prices, balances, one proof, root.json).
DOCUMENT_LIMIT = 64 * MIB
# An evidence bundle or a vendor's whole published tree: large, still read whole.
LARGE_LIMIT = 2048 * MIB


# OSErrors in the words the rest of the tool uses, for reading and writing alike.
_PROBLEMS = {
    errno.ENOENT: "no such file",
    errno.EISDIR: "is a directory, not a file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on the device",
}


def os_problem(e: OSError) -> str:
    """An OSError met while reading, in the tool's words."""
    return _PROBLEMS.get(e.errno or 0) or f"cannot read ({e.strerror or type(e).__name__})"


def os_words(e: OSError) -> str:
    """An OSError in the tool's words where the caller says what it was doing."""
    return _PROBLEMS.get(e.errno or 0) or e.strerror or type(e).__name__


def open_binary(path: Path) -> BinaryIO:
    """A regular file, opened for reading; a directory or device is refused by name."""
    if path.is_dir():
        raise InputError(str(path), None, "is a directory, not a file")
    try:
        handle = open(path, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as e:
        raise InputError(str(path), None, os_problem(e)) from None
    return handle


def read_bytes(path: Path, limit: int = DOCUMENT_LIMIT) -> bytes:
    """The whole file, refused when it holds more than `limit` bytes."""
    with open_binary(path) as f:
        try:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise InputError(str(path), None, too_large(size, limit))
            data = f.read(limit + 1)  # a pipe or a growing file has no size up front
        except OSError as e:
            raise InputError(str(path), None, os_problem(e)) from None
    if len(data) > limit:
        raise InputError(str(path), None, too_large(len(data), limit))
    return data


def read_text(path: Path, limit: int = DOCUMENT_LIMIT) -> str:
    """The whole file as UTF-8 text; a spreadsheet's byte-order mark is dropped."""
    return decode(read_bytes(path, limit), str(path))


def decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(source, None, f"not UTF-8 text (byte {e.start})") from None


def too_large(size: int, limit: int) -> str:
    return f"{size:,} bytes, more than the {limit:,} this kind of file may hold"
