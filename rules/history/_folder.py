"""Where the data of the field are: the folder the user names, else the environment's.

One rule for the command line, the app and the tests: ``--data DIR`` (or the folder
the app was given) first, else the folder the environment variable ``ALLIANCE_DATA``
names; neither, and the caller says so naming both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

DATA_ENV = "ALLIANCE_DATA"


def data_dir(given: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The data folder: ``given``, else $ALLIANCE_DATA (``~`` expanded), else None."""
    if given:
        return os.fspath(given)
    chosen = (os.environ if environ is None else environ).get(DATA_ENV, "").strip()
    return os.path.expanduser(chosen) if chosen else None
