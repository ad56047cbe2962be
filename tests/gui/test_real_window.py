"""The real window on the real X11 (xcb) platform, from this virtual environment:
shown, a case opened and analysed, quit through the close event.

Runs under an X server: the one in DISPLAY, or an Xvfb this test starts when the
binary exists. Skipped otherwise, except where ALLIANCE_REQUIRE_XVFB is set (CI,
.ci/run), where a missing X server fails the test."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import CASES_DIR, ROOT

# A real X server, a subprocess and a whole window: seconds, not milliseconds.
pytestmark = pytest.mark.slow

NORWAY = CASES_DIR / "norway_1949.yaml"


def _start_xvfb():
    """(process, display) of a fresh Xvfb; -displayfd reports the display once the
    server accepts connections, so nothing here waits on a clock."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "1600x1000x24"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    number = b""
    with os.fdopen(read_end, "rb") as pipe:
        while not number.endswith(b"\n"):
            chunk = pipe.read(1)
            if not chunk:
                break
            number += chunk
    if not number.strip().isdigit():
        server.kill()
        server.wait()
        pytest.fail("Xvfb did not start")
    return server, f":{number.decode().strip()}"


@pytest.fixture
def x_display():
    if shutil.which("Xvfb"):
        server, display = _start_xvfb()
        yield display
        server.terminate()
        server.wait()
        return
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if os.environ.get("ALLIANCE_REQUIRE_XVFB"):
        pytest.fail("ALLIANCE_REQUIRE_XVFB is set but there is no X server and no Xvfb to start")
    pytest.skip("no X server: install Xvfb (apt-get install xvfb) to run the real-window test")


def test_the_real_window_shows_opens_a_case_and_quits(x_display, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
    env.update(
        DISPLAY=x_display,
        QT_QPA_PLATFORM="xcb",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path),
        XDG_RUNTIME_DIR=str(tmp_path),
    )
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "gui", "--smoke", "--case", str(NORWAY), "--size", "1024x700"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    line = proc.stdout.strip().splitlines()[-1]
    assert line.startswith("smoke: xcb window 1024x700 shown,"), line
    assert "case opened, verdict Balance, quit with 0" in line, line
