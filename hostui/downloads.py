"""Where downloaded documents (quotes, invoice PDFs, CSV exports) go, and writing them safely.

Policy, in one place:

* The suggested path is ``platformdirs.user_downloads_dir()/<filename>``; when that directory
  cannot be created (a read-only or odd home), the home directory instead.
* The suggestion never overwrites: when ``name.pdf`` exists it becomes ``name (1).pdf``,
  ``name (2).pdf``… A path the user types that already exists is only replaced after they
  confirm it (the dialog asks; :func:`save_document` takes ``overwrite=True``).
* The file name a service sends is reduced to a plain name (no directories, no control
  characters), so a hostile server cannot make hostui write outside the chosen directory.
* Writing goes to a temporary file in the target directory that is then renamed over the
  target, so a failed write never leaves half a file behind (nor destroys the old one).

Every problem is raised as :class:`SaveError` whose ``str()`` is fit to show to the user.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from platformdirs import user_downloads_dir

from hostui.i18n import _

__all__ = [
    "SaveError",
    "default_directory",
    "safe_filename",
    "free_path",
    "suggested_path",
    "resolve_target",
    "save_document",
]

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
_FALLBACK_NAME = "download"


def _read_umask() -> int:
    # os.umask can only be read by setting it: done once, at import, before any worker thread.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


class SaveError(Exception):
    """Writing a document failed; ``str()`` says why in words a user understands."""


def default_directory() -> Path:
    """The downloads directory (created if missing), or the home directory if it cannot be."""
    try:
        directory = Path(user_downloads_dir()).expanduser()
        directory.mkdir(parents=True, exist_ok=True)
        if directory.is_dir() and os.access(directory, os.W_OK):
            return directory
    except (OSError, RuntimeError):  # RuntimeError: no home directory to expand at all
        pass
    return Path.home()


def safe_filename(name: str) -> str:
    """A plain file name from whatever a service sent: no directories, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    return name or _FALLBACK_NAME


def free_path(path: Path) -> Path:
    """``path`` if nothing is there yet, else the first free ``stem (n).suffix`` beside it."""
    if not path.exists():
        return path
    stem, suffix = path.stem, path.suffix
    number = 1
    while True:
        candidate = path.with_name(f"{stem} ({number}){suffix}")
        if not candidate.exists():
            return candidate
        number += 1


def suggested_path(filename: str, directory: Path | None = None) -> Path:
    """Where to offer to save ``filename``: the downloads directory, never over an existing file."""
    base = directory if directory is not None else default_directory()
    return free_path(base / safe_filename(filename))


def resolve_target(text: str) -> Path:
    """The path the user typed: ``~`` expanded, relative paths taken from the current directory."""
    text = text.strip()
    if not text:
        raise SaveError(_("Type a file name to save to."))
    try:
        path = Path(text).expanduser()
    except RuntimeError as error:  # "~someone" that does not exist
        raise SaveError(_("Cannot understand the path {text}: {error}").format(text=text, error=error)) from None
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise SaveError(_("{path} is a directory: add a file name.").format(path=path))
    return path.absolute()


def _describe(error: OSError, path: Path) -> str:
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("No permission to write {path}. Choose another place.").format(path=path)
    if isinstance(error, IsADirectoryError):
        return _("{path} is a directory: add a file name.").format(path=path)
    if isinstance(error, NotADirectoryError) or error.errno == errno.ENOTDIR:
        return _("Cannot create {path}: part of the path is a file, not a directory.").format(path=path)
    if error.errno == errno.ENOSPC:
        return _("No space left to write {path}.").format(path=path)
    if error.errno == errno.ENAMETOOLONG:
        return _("That file name is too long.")
    reason = error.strerror or str(error)
    return _("Cannot write {path}: {reason}.").format(path=path, reason=reason)


def save_document(path: Path, content: bytes, *, overwrite: bool = False) -> Path:
    """Write ``content`` to ``path`` (parent directories created); returns the path written.

    Raises ``FileExistsError`` when ``path`` exists and ``overwrite`` is false (the caller
    asks the user), and :class:`SaveError` for everything else that goes wrong.
    """
    if path.is_dir():
        raise SaveError(_("{path} is a directory: add a file name.").format(path=path))
    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SaveError(_("Cannot create {parent}: a file of that name is in the way.").format(parent=path.parent)) from None
    except OSError as error:
        raise SaveError(_describe(error, path.parent)) from None
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o666 & ~_UMASK)  # what open() would have made (mkstemp: 0600)
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise SaveError(_describe(error, path)) from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    return path
