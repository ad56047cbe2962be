"""The program's version, for ``main.py --version``, every report and the About box.

Pure Python, no Qt: the command line asks for it without loading the app. The
version is declared once, in setup.cfg: a source tree (installed editable or not)
reads it there, an installed copy from the package metadata (importlib.metadata,
imported only then: it costs more than the rest of ``--version``).
The knowledge base's version is the hash of its files, worked out here from their
bytes alone, so that ``--version`` neither parses nor compiles them.
"""

import configparser
import hashlib
import importlib
import os
from pathlib import Path
from types import ModuleType

APP_NAME = "Alliance Advisor"
DISTRIBUTION = "alliance-advisor"
UNKNOWN_VERSION = "0+unknown"
_SETUP_CFG = Path(__file__).resolve().parent.parent / "setup.cfg"
KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"
# The files of a knowledge base, in the order they are read and hashed.
KNOWLEDGE_FILES = ("questionnaire.yaml", "propositions.yaml", "responses.yaml", "rules.yaml", "theory.yaml")


def __getattr__(name: str) -> ModuleType:
    # ``version.metadata`` is importlib.metadata, loaded when first asked for.
    if name == "metadata":
        return importlib.import_module("importlib.metadata")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def app_version() -> str:
    """The version of Alliance Advisor, e.g. '0.1.0' (never raises)."""
    declared = _version_from_setup_cfg(_SETUP_CFG)
    if declared is not None:
        return declared
    metadata = importlib.import_module("importlib.metadata")
    try:
        return str(metadata.version(DISTRIBUTION))
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


def _version_from_setup_cfg(path: str | os.PathLike[str]) -> str | None:
    """The version setup.cfg declares, if ``path`` is this program's setup.cfg."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not parser.read(path, encoding="utf-8") or parser.get("metadata", "name").strip() != DISTRIBUTION:
            return None
        return parser.get("metadata", "version").strip() or UNKNOWN_VERSION
    except (OSError, configparser.Error, UnicodeDecodeError):
        return None


def version_line(knowledge_version: str) -> str:
    """One line naming the program, its version and the knowledge base it runs."""
    return f"{APP_NAME} {app_version()} (knowledge base {knowledge_version})"


def knowledge_version(directory: str | os.PathLike[str] | None = None) -> str:
    """The knowledge base's version: the first 12 hex digits of the SHA-256 of each
    file's name and bytes, in :data:`KNOWLEDGE_FILES` order. Raises OSError if a
    file cannot be read (the loader names it)."""
    folder = Path(directory) if directory is not None else KNOWLEDGE_DIR
    digest = hashlib.sha256()
    for name in KNOWLEDGE_FILES:
        digest.update(name.encode())
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:12]
