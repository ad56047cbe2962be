"""Before the window opens: can Qt load its X11 (xcb) platform plugin here?

PySide6's wheel carries Qt but not the X libraries its xcb plugin links against.
A fresh Debian machine lacks some of them (libxcb-icccm4, libxcb-keysyms1, ...),
and Qt then aborts (exit 134) with a message that names the wrong library. This
module finds ``libqxcb.so`` in the installed PySide6, lists what the dynamic
linker cannot find (``ldd``, which walks the plugin and every Qt library it
needs), names the Debian packages that provide those libraries and, when asked,
installs them with apt-get. It never imports Qt, so it works when Qt cannot.

    python -m alliance_advisor.gui.preflight            check; exit 2 naming what is missing
    python -m alliance_advisor.gui.preflight --install  on Debian/Ubuntu install what is missing (make run)
    python -m alliance_advisor.gui.preflight --install --always --xvfb    CI: no display yet, and Xvfb too

``QT_DEBUG_PLUGINS=1`` makes it print the whole ``ldd`` resolution, the same
evidence Qt's own plugin debugging gives, before it decides.
"""

import argparse
import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

EXIT_OK = 0
EXIT_MISSING = 2

# Shared objects that Qt's xcb plugin (and the Qt libraries it pulls in) link
# against, and the Debian package that ships each. Measured, not guessed: the
# list is the ``ldd`` closure of PySide6 6.11's libqxcb.so on Debian 12, and
# each package comes from ``dpkg-query -S`` on the installed file (or, for the
# two missing on a fresh machine, from the file list of the .deb itself).
SONAME_PACKAGES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libbrotlicommon.so.1": "libbrotli1",
    "libbrotlidec.so.1": "libbrotli1",
    "libbsd.so.0": "libbsd0",
    "libc.so.6": "libc6",
    "libcap.so.2": "libcap2",
    "libdbus-1.so.3": "libdbus-1-3",
    "libdl.so.2": "libc6",
    "libexpat.so.1": "libexpat1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libgcc_s.so.1": "libgcc-s1",
    "libgcrypt.so.20": "libgcrypt20",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgpg-error.so.0": "libgpg-error0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "liblz4.so.1": "liblz4-1",
    "liblzma.so.5": "liblzma5",
    "libm.so.6": "libc6",
    "libmd.so.0": "libmd0",
    "libpcre2-8.so.0": "libpcre2-8-0",
    "libpng16.so.16": "libpng16-16",
    "libpthread.so.0": "libc6",
    "libstdc++.so.6": "libstdc++6",
    "libsystemd.so.0": "libsystemd0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
}
XVFB_PACKAGE = "xvfb"  # ships /usr/bin/Xvfb on Debian and Ubuntu
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def plugin_path() -> Path | None:
    """libqxcb.so inside the installed PySide6, or None (no PySide6, not Linux)."""
    spec = importlib.util.find_spec("PySide6")  # locates the package without importing Qt
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        candidate = Path(base) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if candidate.is_file():
            return candidate
    return None


def wants_xcb(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Would Qt pick the xcb plugin? Not with offscreen (tests, screenshots), not
    without an X display (the app then says so itself), not off Linux."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return bool(env.get("DISPLAY"))


def parse_ldd(text: str) -> list[str]:
    """The shared objects ``ldd`` reports as not found, each once, in order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(text)))


def ldd_report(library: str | os.PathLike[str]) -> tuple[str, list[str]]:
    """(full ldd output, missing sonames) for a shared object."""
    try:
        proc = subprocess.run(["ldd", str(library)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"ldd could not run: {exc}", []
    return proc.stdout + proc.stderr, parse_ldd(proc.stdout)


def load_error(library: str | os.PathLike[str]) -> str | None:
    """What the dynamic loader says when asked to load the plugin (None: it loads)."""
    try:
        ctypes.CDLL(str(library))
    except OSError as exc:
        return str(exc)
    return None


def packages_for(sonames: Sequence[str]) -> tuple[list[str], list[str]]:
    """(Debian packages, sonames we cannot name a package for)."""
    packages = list(dict.fromkeys(SONAME_PACKAGES[s] for s in sonames if s in SONAME_PACKAGES))
    return packages, [s for s in sonames if s not in SONAME_PACKAGES]


def is_debian_like(os_release: str | os.PathLike[str] = "/etc/os-release") -> bool:
    try:
        text = Path(os_release).read_text()
    except OSError:
        return False
    ids = " ".join(re.findall(r"^(?:ID|ID_LIKE)=\"?([^\"\n]*)", text, re.MULTILINE)).split()
    return any(i in ("debian", "ubuntu") for i in ids)


def _as_root(command: list[str]) -> list[str] | None:
    if os.geteuid() == 0:
        return command
    return ["sudo", *command] if shutil.which("sudo") else None


def apt_command(packages: Sequence[str]) -> list[str]:
    return ["apt-get", "install", "-y", "--no-install-recommends", *packages]


def manual_command(packages: Sequence[str], sonames: Sequence[str]) -> str | None:
    """The exact command for the user to run where we do not install."""
    sudo = "" if os.geteuid() == 0 else "sudo "
    if packages and is_debian_like():
        return sudo + " ".join(apt_command(packages))
    if shutil.which("dnf"):  # RPM resolves a library by its soname directly
        return sudo + "dnf install " + " ".join(f"'{s}()(64bit)'" for s in sonames)
    return None


def _say(message: str) -> None:
    print(f"preflight: {message}", file=sys.stderr, flush=True)


def _apt_install(packages: Sequence[str]) -> bool:
    command = _as_root(apt_command(packages))
    if command is None:
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _say("running " + " ".join(command))
    if subprocess.run(command, env=env).returncode == 0:
        return True
    # A fresh image often has no package lists yet: fetch them once and retry.
    update = _as_root(["apt-get", "update"])
    if update is None or subprocess.run(update, env=env).returncode != 0:  # None only as command is
        return False
    return subprocess.run(command, env=env).returncode == 0


def check(install: bool = False, always: bool = False, xvfb: bool = False, env: Mapping[str, str] | None = None) -> int:
    """Returns an exit code: 0 when Qt's xcb plugin can load (after installing, if
    allowed), 2 with the exact fix printed when it cannot."""
    env = os.environ if env is None else env
    debug = env.get("QT_DEBUG_PLUGINS", "") not in ("", "0")
    wanted: list[str] = []
    if xvfb and shutil.which("Xvfb") is None:
        wanted.append(XVFB_PACKAGE)
    missing: list[str] = []
    plugin = None
    if always or wants_xcb(env):
        plugin = plugin_path()
        if plugin is None:
            if not always:
                return EXIT_OK  # no xcb plugin here (not Linux, or PySide6 not found): Qt decides
            _say("PySide6's xcb platform plugin (libqxcb.so) was not found")
            return EXIT_MISSING
        # Loading it is the quick test (the app then loads it anyway); only when that
        # fails, or when asked to explain, does ldd list everything that is missing.
        error = load_error(plugin)
        if error or debug:
            report, missing = ldd_report(plugin)
            if debug:
                _say(f"ldd {plugin}:\n{report}")
            if error and not missing:
                _say(f"Qt's xcb plugin does not load: {error}")
                return EXIT_MISSING
    if not missing and not wanted:
        return EXIT_OK
    packages, unmapped = packages_for(missing)
    if missing:
        _say(
            f"Qt's xcb platform plugin ({plugin}) needs {', '.join(missing)}, "
            f"which this machine lacks; without them Qt aborts before the window opens."
        )
    if wanted:
        _say("the real-window test needs an X server to run under: Xvfb is not installed.")
    if unmapped:
        _say(f"no known package provides {', '.join(unmapped)}: install it with your system's package manager.")
    packages += wanted
    if install and packages and is_debian_like() and shutil.which("apt-get"):
        _say(f"installing the Debian packages that provide them: {' '.join(packages)}")
        if _apt_install(packages):
            still = ldd_report(plugin)[1] if plugin else []
            if not still and not unmapped and (not xvfb or shutil.which("Xvfb")):
                _say("done; Qt's xcb plugin can load now.")
                return EXIT_OK
            _say(f"still missing after installing: {', '.join(still) or 'Xvfb'}")
        else:
            _say("apt-get could not install them (not root and no sudo, or no network).")
    command = manual_command(packages, missing)
    if command:
        _say(f"run this, then start the app again:\n    {command}")
    return EXIT_MISSING


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m alliance_advisor.gui.preflight",
        description="Check that Qt can load its X11 (xcb) platform plugin.",
    )
    parser.add_argument(
        "--install", action="store_true", help="on Debian/Ubuntu, install the missing system packages with apt-get"
    )
    parser.add_argument(
        "--always", action="store_true", help="check even without a display or with another QT_QPA_PLATFORM (CI)"
    )
    parser.add_argument("--xvfb", action="store_true", help="also make sure Xvfb is installed (CI)")
    args = parser.parse_args(argv)
    return check(install=args.install, always=args.always, xvfb=args.xvfb)


if __name__ == "__main__":
    sys.exit(main())
