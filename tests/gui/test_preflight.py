"""The pre-flight that keeps `make run` from aborting inside Qt on a fresh machine."""

import subprocess
import sys

from alliance_advisor.gui import preflight
from conftest import ROOT

LDD_FRESH_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f37)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f37)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f37)
"""


def test_ldd_output_gives_each_missing_library_once():
    assert preflight.parse_ldd(LDD_FRESH_DEBIAN) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert preflight.parse_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


def test_missing_libraries_map_to_the_debian_packages_that_ship_them():
    packages, unmapped = preflight.packages_for(
        [
            "libxcb-icccm.so.4",
            "libxcb-keysyms.so.1",
            "libGL.so.1",
            "libgthread-2.0.so.0",
            "libglib-2.0.so.0",
            "libnew.so.9",
        ]
    )
    assert packages == ["libxcb-icccm4", "libxcb-keysyms1", "libgl1", "libglib2.0-0"]
    assert unmapped == ["libnew.so.9"]


def test_the_check_is_skipped_where_qt_will_not_use_xcb():
    assert not preflight.wants_xcb({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux")
    assert not preflight.wants_xcb({}, "linux")  # no display: the app says so itself
    assert not preflight.wants_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not preflight.wants_xcb({"DISPLAY": ":0"}, "darwin")
    assert preflight.wants_xcb({"DISPLAY": ":0"}, "linux")
    assert preflight.wants_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")


def test_missing_libraries_without_install_name_them_and_the_command(monkeypatch, capsys, tmp_path):
    plugin = tmp_path / "libqxcb.so"
    monkeypatch.setattr(preflight, "plugin_path", lambda: plugin)
    monkeypatch.setattr(preflight, "ldd_report", lambda lib: (LDD_FRESH_DEBIAN, preflight.parse_ldd(LDD_FRESH_DEBIAN)))
    monkeypatch.setattr(preflight, "is_debian_like", lambda: True)
    ran = []
    monkeypatch.setattr(preflight.subprocess, "run", lambda *a, **k: ran.append(a))
    assert preflight.check(env={"DISPLAY": ":0"}) == preflight.EXIT_MISSING
    err = capsys.readouterr().err
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in err
    assert "apt-get install -y --no-install-recommends libxcb-icccm4 libxcb-keysyms1" in err
    assert ran == []  # checking never installs


def test_install_runs_apt_get_and_checks_again(monkeypatch, capsys, tmp_path):
    plugin = tmp_path / "libqxcb.so"
    reports = iter([preflight.parse_ldd(LDD_FRESH_DEBIAN), []])
    monkeypatch.setattr(preflight, "plugin_path", lambda: plugin)
    monkeypatch.setattr(preflight, "ldd_report", lambda lib: ("", next(reports)))
    monkeypatch.setattr(preflight, "is_debian_like", lambda: True)
    monkeypatch.setattr(preflight.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(preflight.os, "geteuid", lambda: 1000)
    ran = []

    def run(command, **kwargs):
        ran.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(preflight.subprocess, "run", run)
    assert preflight.check(install=True, env={"DISPLAY": ":0"}) == preflight.EXIT_OK
    assert ran == [["sudo", "apt-get", "install", "-y", "--no-install-recommends", "libxcb-icccm4", "libxcb-keysyms1"]]
    assert "installing the Debian packages" in capsys.readouterr().err


def test_elsewhere_it_prints_the_command_and_exits_2(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(preflight, "plugin_path", lambda: tmp_path / "libqxcb.so")
    monkeypatch.setattr(preflight, "ldd_report", lambda lib: ("", ["libxcb-icccm.so.4"]))
    monkeypatch.setattr(preflight, "is_debian_like", lambda: False)
    monkeypatch.setattr(preflight.shutil, "which", lambda name: "/usr/bin/dnf" if name == "dnf" else None)
    assert preflight.check(install=True, env={"DISPLAY": ":0"}) == preflight.EXIT_MISSING
    assert "dnf install 'libxcb-icccm.so.4()(64bit)'" in capsys.readouterr().err


def test_the_module_runs_without_importing_qt():
    code = (
        "import sys, runpy; sys.argv = ['preflight']; "
        "import gui.preflight as p; p.check(env={}); "
        "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
