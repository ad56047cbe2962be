"""The golden record: what the engine concludes on a fixed workload, kept so that a
change of code can be shown to change no conclusion.

The record is built from the ``--format json`` result object (the contract the views
render), reduced to what is reasoning rather than layout: verdict, confidence, tie,
support, threat level and score, derived facts, and the trace (each fired rule with
the facts it matched and what it asserted or supported); for library cases also the
why-not, what-if, three worlds and analogues. Every library case is kept whole; each
of the 2,000 generated cases (bench/workload.py) in each world is kept as its verdict
and a digest of the whole record, so the file stays small.

The record names the knowledge-base version it was made with. When the knowledge
changes on purpose, make it again and read the diff before committing it:

    .venv/bin/python -m tests.golden
"""

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SNAPSHOT = Path(__file__).resolve().parent / "golden" / "snapshot.json"
WORLDS = ("walt", "balancing", "bandwagoning")


def _trace(fired):
    out = []
    for item in fired:
        entry = {"rule": item["rule"], "facts": item["facts"]}
        for key in ("asserted", "effects", "score"):
            if item.get(key) is not None:
                entry[key] = item[key]
        out.append(entry)
    return out


def reasoning(data, extras=False):
    """The part of a result's json that is reasoning, in a canonical form."""
    record = {
        key: data[key] for key in ("verdict", "margin", "tie", "threat_level", "threat_score", "support", "conflicts")
    }
    record["derived"] = {fact: d["level"] for fact, d in data["derived"].items()}
    record["trace"] = _trace(data["fired"])
    if extras:
        record["why_not"] = {
            r: {k: w[k] for k in ("support", "for", "against")}
            | {"blocked": [(b["rule"], [f["fact"] for f in b["failed"]]) for b in w["blocked"]]}
            for r, w in data["why_not"].items()
        }
        record["whatif"] = {
            **data["whatif"],
            "flips": [{k: v for k, v in flip.items() if k != "verdict_label"} for flip in data["whatif"]["flips"]],
        }
        record["worlds"] = {
            w: {k: v[k] for k in ("verdict", "confidence", "support")} for w, v in data["worlds"].items()
        }
        record["analogues"] = [(a["file"], a["similarity"], a["predicted"]) for a in data["analogues"]]
    return json.loads(json.dumps(record, sort_keys=True))


def digest(record):
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]


def make_record(advisor):
    from alliance_advisor.rules import load_library
    from bench.workload import generated_cases

    kb = advisor.kb
    library = {}
    for case in load_library(kb.directory / "cases", kb):
        name = Path(case.path).name
        library[name] = {
            w: reasoning(advisor.analyze(case, world=w, extras=True).to_dict(), extras=True) for w in WORLDS
        }
    generated = {}
    for world in WORLDS:
        rows = []
        for case in generated_cases(kb):
            record = reasoning(advisor.analyze(case, world=world).to_dict())
            rows.append([record["verdict"], digest(record)])
        generated[world] = rows
    return {"knowledge_version": kb.version, "library": library, "generated": generated}


def main():
    from alliance_advisor.rules import Advisor, load_knowledge

    record = make_record(Advisor(load_knowledge()))
    SNAPSHOT.parent.mkdir(exist_ok=True)
    SNAPSHOT.write_text(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
    print(
        f"{SNAPSHOT}: knowledge {record['knowledge_version']}, {len(record['library'])} library cases, "
        f"{sum(len(v) for v in record['generated'].values())} generated runs"
    )


if __name__ == "__main__":
    main()
