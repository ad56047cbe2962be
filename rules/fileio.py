"""Atomic file writes: a crash or a full disk never leaves half a file."""

import os
import tempfile

from alliance_advisor.rules.errors import ExportError


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ExportError("is a directory", path)
    if not os.path.isdir(directory):
        raise ExportError("folder does not exist", path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ExportError(f"cannot write here: {exc.strerror or exc}", path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; give the file the mode a plain open() would.
        os.chmod(tmp, _existing_mode(path))
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ExportError(f"cannot write: {exc.strerror or exc}", path) from None


def _existing_mode(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def safe_filename(title: object, suffix: str = "", default: str = "case", max_length: int = 80) -> str:
    """A file name derived from a case title that cannot leave its folder.

    Path separators, '..', control characters and characters that some file
    systems refuse are replaced; the result is never empty, hidden or reserved.
    """
    import re
    import unicodedata

    text = unicodedata.normalize("NFKC", str(title or ""))
    text = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]+", " ", text)
    text = re.sub(r"\s+", "_", text.strip())
    text = text.strip("._-")[:max_length].rstrip("._-")
    reserved = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
    if not text or text.upper() in reserved:
        text = default
    return text + suffix
