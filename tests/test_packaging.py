"""The standalone app's recipe (packaging/; docs/standalone.md), without building it.

The build takes minutes and is not part of the suite (make standalone); these tests keep
its check script honest by running it against the program from source, and its outputs
out of the repository.
"""

import subprocess
import sys

import pytest

from conftest import ROOT

CHECK = ROOT / "packaging" / "check-standalone.sh"


def _check(executable):
    return subprocess.run(["sh", str(CHECK), str(executable)], capture_output=True, text=True, timeout=300)


def test_the_check_refuses_a_missing_build(tmp_path):
    proc = _check(tmp_path / "alliance-advisor")
    assert proc.returncode == 2
    assert "no such executable (run make standalone first)" in proc.stderr


@pytest.mark.slow
def test_the_check_passes_the_program_and_fails_a_broken_one(tmp_path):
    # The program from source behind an executable of the build's name: the check's four
    # steps (version, window, analysis of a library case, PDF) pass on the real program...
    app = tmp_path / "alliance-advisor"
    app.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "main.py"}" "$@"\n')
    app.chmod(0o755)
    proc = _check(app)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sum(line.startswith("ok  ") for line in proc.stdout.splitlines()) == 4, proc.stdout
    # ...and fail on one whose PDF is not a PDF.
    broken = tmp_path / "broken"
    broken.write_text(
        '#!/bin/sh\ncase " $* " in *" pdf "*) printf "not a pdf" > "$6"; exit 0;; esac\n'
        f'exec "{sys.executable}" "{ROOT / "main.py"}" "$@"\n'
    )
    broken.chmod(0o755)
    proc = _check(broken)
    assert proc.returncode == 1
    assert "does not start with %PDF" in proc.stderr


def test_build_outputs_are_not_committed():
    ignored = set((ROOT / ".gitignore").read_text(encoding="utf-8").split())
    assert {"build/", "dist/"} <= ignored
