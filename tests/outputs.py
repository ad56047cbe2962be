"""The record of every output a user can cite: the ``--format json`` of each library case
in each world, of each shipped scenario, and of three history runs (1913-1915, 1948-1950,
1995), each kept as a SHA-256 digest of its canonical JSON (keys sorted, no spacing), so
a restructuring can be shown to change no output at all (tests/test_outputs_unchanged.py).

The outputs are made through the command line's own entry (``alliance_advisor.main``),
in process. When an output changes on purpose (the knowledge, the wording of an
explanation), make the record again and say why in the commit:

    .venv/bin/python -m tests.outputs [--data DIR]
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = Path(__file__).resolve().parent / "golden" / "outputs.json"
WORLDS = ("walt", "balancing", "bandwagoning")
HISTORY_RUNS = ((1913, 1915), (1948, 1950), (1995, 1995))


def canonical_digest(data: object) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _run(argv: list[str]) -> object:
    from alliance_advisor import main

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.json"
        code = main.main([*argv, "--format", "json", "-o", str(out)])
        if code not in (0, None):
            raise RuntimeError(f"main.py {' '.join(argv)} exited {code}")
        return json.loads(out.read_text(encoding="utf-8"))


def case_digests(world: str) -> dict[str, str]:
    files = sorted((ROOT / "knowledge" / "cases").glob("*.yaml"))
    results = _run(["analyze", *map(str, files), "--world", world])
    assert isinstance(results, list) and len(results) == len(files)
    return {f"{path.name}@{world}": canonical_digest(_without_location(item)) for path, item in zip(files, results)}


def _without_location(result: dict) -> dict:
    """A case's result without where its file was read from (the folder it is run in
    is no output of the engine)."""
    return {**result, "case": {k: v for k, v in result["case"].items() if k != "path"}}


def scenario_digests() -> dict[str, str]:
    return {
        path.name: canonical_digest(_run(["scenario", str(path)]))
        for path in sorted((ROOT / "knowledge" / "scenarios").glob("*.yaml"))
    }


def history_digests(data_dir: Path) -> dict[str, str]:
    return {
        f"{first}-{last}": canonical_digest(
            _run(["history", "--data", str(data_dir), "--from", str(first), "--to", str(last)])
        )
        for first, last in HISTORY_RUNS
    }


def record(data_dir: Path | None) -> dict[str, dict[str, str]]:
    cases: dict[str, str] = {}
    for world in WORLDS:
        cases.update(case_digests(world))
    made = {"cases": cases, "scenarios": scenario_digests()}
    if data_dir is not None:
        made["history"] = history_digests(data_dir)
    return made


if __name__ == "__main__":
    args = sys.argv[1:]
    data = Path(args[args.index("--data") + 1]) if "--data" in args else None
    old = json.loads(RECORD.read_text()) if RECORD.exists() else {}
    new = record(data)
    if data is None and "history" in old:
        new["history"] = old["history"]
    RECORD.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {RECORD}")
