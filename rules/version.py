"""The program's version, for ``main.py --version``, every report and the About box.

Pure Python, no Qt: the command line asks for it without loading the app. The
version is declared once, in setup.cfg; an installed copy reads it from the
package metadata, a source tree that was never installed reads setup.cfg itself.
"""

import configparser
import os
from importlib import metadata
from pathlib import Path

APP_NAME = "Alliance Advisor"
DISTRIBUTION = "alliance-advisor"
UNKNOWN_VERSION = "0+unknown"
_SETUP_CFG = Path(__file__).resolve().parent.parent / "setup.cfg"


def app_version() -> str:
    """The version of Alliance Advisor, e.g. '0.1.0' (never raises)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return _version_from_setup_cfg(_SETUP_CFG)


def _version_from_setup_cfg(path: str | os.PathLike[str]) -> str:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
        return parser.get("metadata", "version").strip() or UNKNOWN_VERSION
    except (OSError, configparser.Error, UnicodeDecodeError):
        return UNKNOWN_VERSION


def version_line(knowledge_version: str) -> str:
    """One line naming the program, its version and the knowledge base it runs."""
    return f"{APP_NAME} {app_version()} (knowledge base {knowledge_version})"
