"""Every file the tool writes goes through here: private, atomic, never over the database.

- Private: created 0600 (reports hold names and phone numbers); folders the
  tool creates are 0700.
- Atomic: written to a temporary file in the same folder, flushed to disk,
  then renamed over the target, so a reader (or a crash) sees the old file or
  the new one, never half of one.
- Never over the live database, its journal or WAL files, or the copies kept
  beside it (``campaign.db.v1-backup-…``, ``….before-restore-…``): the command
  that opened the database registers it (:func:`protect_database`) and every
  writer refuses those paths, compared by real path and by inode.
- Every ``OSError`` becomes one line saying which file and why.
- ``-`` means standard output.

Stdlib only: imported by commands that write, at any layer.
"""

from __future__ import annotations

import errno
import glob
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from campaign_cli.errors import Invalid, StorageError
from campaign_cli.i18n import _

#: Suffixes SQLite puts beside a database file.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
#: Copies the tool keeps beside a database (upgrade and restore), as glob patterns.
KEPT_COPY_PATTERNS = (".v*-backup-*", ".before-restore-*", ".partial-*")

_protected: list[str] = []


def protect_database(path: str | None) -> None:
    """Register the live SQLite database: no writer may replace it or its side files."""
    if path and path != ":memory:":
        absolute = os.path.abspath(path)
        if absolute not in _protected:
            _protected.append(absolute)


def protected_paths() -> list[str]:
    """The database files registered so far, their side files and the copies beside them."""
    paths: list[str] = []
    for database in _protected:
        paths.append(database)
        paths.extend(database + suffix for suffix in SQLITE_SIDE_FILES)
        for pattern in KEPT_COPY_PATTERNS:
            paths.extend(glob.glob(glob.escape(database) + pattern))
    return paths


def is_stdout(path: str | os.PathLike | None) -> bool:
    return path is None or str(path) == "-"


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def check_target(path: str | os.PathLike, protected: Iterable[str] | None = None) -> None:
    """Refuse to write over the live database or anything kept with it."""
    target = os.path.realpath(path)
    target_identity = _identity(target)
    for guarded in protected if protected is not None else protected_paths():
        same_name = os.path.realpath(guarded) == target
        same_file = target_identity is not None and _identity(guarded) == target_identity
        if same_name or same_file:
            raise Invalid(
                _("{path} is the campaign database (or a file kept with it): write the output to another file").format(
                    path=path
                )
            )


def os_error_message(path: str | os.PathLike, exc: OSError) -> str:
    """One line: which file, and what the system said, in words a secretary can act on."""
    reasons = {
        errno.ENOSPC: _("the disk is full"),
        errno.EDQUOT: _("the disk quota is used up"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.EROFS: _("the file system is read-only"),
        errno.ENOENT: _("the folder does not exist"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
        errno.EISDIR: _("it is a folder"),
        errno.ENAMETOOLONG: _("the name is too long"),
    }
    reason = reasons.get(exc.errno) or exc.strerror or type(exc).__name__
    return _("cannot write {path}: {reason}").format(path=path, reason=reason)


def make_private_folder(folder: str | os.PathLike) -> None:
    """Create a folder (and its parents) readable by its owner only; OSError as one line."""
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise StorageError(os_error_message(folder, exc)) from None


def write_file(
    path: str | os.PathLike | None,
    write: Callable[[IO[Any]], None],
    *,
    binary: bool = False,
    protected: Iterable[str] | None = None,
) -> None:
    """Write a file atomically with mode 0600, or to standard output for ``-``/None.

    ``write`` receives a text stream (UTF-8, ``\\n`` kept as given) or, with
    ``binary``, a byte stream.
    """
    if is_stdout(path):
        if binary:
            sys.stdout.flush()
            write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            write(sys.stdout)
            sys.stdout.flush()
        return
    path = Path(path)
    check_target(path, protected)
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise Invalid(_("{path} is a folder: give a file name").format(path=path))
    if not directory.is_dir():
        raise StorageError(
            _("cannot write {path}: the folder {folder} does not exist; create it first").format(
                path=path, folder=directory
            )
        )
    import tempfile

    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=directory)
        stream = os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", newline="")
        with stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        raise StorageError(os_error_message(path, exc)) from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def write_text(path: str | os.PathLike | None, text: str, **kwargs: Any) -> None:
    write_file(path, lambda stream: stream.write(text), **kwargs)


def write_bytes(path: str | os.PathLike | None, payload: bytes, **kwargs: Any) -> None:
    write_file(path, lambda stream: stream.write(payload), binary=True, **kwargs)
