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
import re
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


def os_error_reason(exc: OSError) -> str:
    """What the system said, in words a secretary can act on."""
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
        errno.EEXIST: _("a file of that name is in the way"),
        errno.EIO: _("input/output error: check the disk"),
    }
    return reasons.get(exc.errno) or exc.strerror or type(exc).__name__


def os_error_message(path: str | os.PathLike, exc: OSError) -> str:
    """One line: which file, and what the system said."""
    return _("cannot write {path}: {reason}").format(path=path, reason=os_error_reason(exc))


def make_private_folder(folder: str | os.PathLike) -> None:
    """Create a folder and any missing parents, each readable by its owner only (0700).

    ``os.makedirs(mode=...)`` gives the mode to the last folder only; the
    parents it creates get the umask's default, so each level is made here.
    """
    folder = os.path.abspath(folder)
    missing: list[str] = []
    while not os.path.isdir(folder):
        missing.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    for level in reversed(missing):
        try:
            os.mkdir(level, 0o700)
            os.chmod(level, 0o700)  # whatever the umask
        except FileExistsError:
            if not os.path.isdir(level):
                raise StorageError(
                    _("cannot create the folder {path}: a file of that name is in the way").format(path=level)
                ) from None
        except OSError as exc:
            raise StorageError(
                _("cannot create the folder {path}: {reason}").format(path=level, reason=os_error_reason(exc))
            ) from None


#: ``.NAME.partial-PID`` (and SQLite's ``-journal`` beside it): a copy being written by process PID.
_PARTIAL = re.compile(r"^\..+\.partial-(\d+)(-journal|-wal|-shm)?$")


def partial_name(target: str | os.PathLike) -> str:
    """Where a copy of ``target`` is written before it is renamed into place."""
    target = os.path.abspath(target)
    return os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.partial-{os.getpid()}")


def remove_stale_partials(near: str | os.PathLike) -> list[str]:
    """Remove half-written copies left beside ``near`` by a process that was killed.

    Copies of databases (backups, upgrade and restore copies) are written to
    ``.NAME.partial-PID`` and renamed when complete; a process killed in the
    middle leaves that file. Any such file whose process no longer runs is
    removed; the next command beside it does this. Returns what was removed.
    """
    folder = os.path.dirname(os.path.abspath(near))
    removed = []
    try:
        names = [name for name in os.listdir(folder) if ".partial-" in name]
    except OSError:
        return removed
    for name in names:
        match = _PARTIAL.match(name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        try:
            os.unlink(os.path.join(folder, name))
            removed.append(name)
        except OSError:
            pass
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or not a pid we can ask about: leave it
    return True


def write_file(
    path: str | os.PathLike | None,
    write: Callable[[IO[Any]], None],
    *,
    binary: bool = False,
    protected: Iterable[str] | None = None,
) -> None:
    """Write a file atomically with mode 0600, or to standard output for ``-``/None.

    ``write`` receives a text stream (UTF-8, ``\\n`` kept as given) or, with
    ``binary``, a byte stream. Binary documents (workbooks, Word files) are
    built in memory first: a library's zip writer that meets a full disk must
    not be left holding a closed file.
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

    if binary:
        import io

        buffer = io.BytesIO()
        write(buffer)
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=f".partial-{os.getpid()}", dir=directory
        )
        if binary:
            with os.fdopen(handle, "wb") as stream:
                stream.write(buffer.getbuffer())
                stream.flush()
                os.fsync(stream.fileno())
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
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
