"""Load and validate the knowledge base in ``knowledge/``.

Everything the engine, the app and the reports know about the theory comes from
these YAML files; this module turns them into the immutable objects of
rules.kb._model and refuses a knowledge base that is inconsistent, naming the file,
the line and the id.
"""

import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn, cast

from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.kb import _conditions as cond
from alliance_advisor.rules.kb._bands import Band
from alliance_advisor.rules.kb._model import (
    DEFAULT_DIR,
    DERIVE,
    FILES,
    GROUPS,
    SIDES,
    UNKNOWN,
    Derived,
    Factor,
    KnowledgeBase,
    Level,
    Proposition,
    Response,
    RuleSpec,
    Scoring,
    Section,
    Source,
    Stage,
    Static,
    Theory,
    Uncertainty,
    WeightClass,
    World,
)
from alliance_advisor.rules.version import knowledge_version
from alliance_advisor.rules.yamlio import Node, read_yaml_file

# --------------------------------------------------------------------- loading


class _Reader:
    """Validation helpers that know which file they are reading."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, message: str, line: int | None = None) -> NoReturn:
        raise KnowledgeError(message, self.path, line)

    def mapping(self, value: Any, what: str, line: int | None = None) -> Node:
        if not isinstance(value, dict):
            self.fail(f"{what} must be a mapping", getattr(value, "line", None) or line)
        return cast(Node, value)  # the YAML reader builds every mapping as a Node

    def seq(self, value: Any, what: str, line: int | None = None) -> list[Any]:
        if not isinstance(value, list):
            self.fail(f"{what} must be a list", line)
        return value

    def text(self, node: Node, key: str, what: str, required: bool = True) -> str:
        value = node.get(key)
        if value is None:
            if required:
                self.fail(f"{what}: missing '{key}'", node.line)
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if not isinstance(value, (str, int, float)):
            self.fail(f"{what}: '{key}' must be text", node.line_of(key))
        return str(value).strip()

    def keys(self, node: Node, allowed: Iterable[str], what: str) -> None:
        extra = set(node) - set(allowed)
        if extra:
            key = sorted(map(str, extra))[0]
            self.fail(f"{what}: unknown key '{key}'", node.line_of(key))

    def unique(self, items: Iterable[tuple[str, int | None]], what: str) -> None:
        seen: dict[str, int | None] = {}
        for item_id, line in items:
            if item_id in seen:
                self.fail(f"duplicate {what} id '{item_id}' (first at line {seen[item_id]})", line)
            seen[item_id] = line


def _level_id(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def load_knowledge(directory: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """Load and validate a knowledge base directory; raise KnowledgeError if invalid."""
    directory = Path(directory) if directory is not None else DEFAULT_DIR
    if not directory.is_dir():
        raise KnowledgeError("knowledge base directory not found", directory)
    raw: dict[str, Any] = {}
    for name in FILES:
        path = directory / name
        data = read_yaml_file(path, KnowledgeError)
        if not isinstance(data, dict):
            raise KnowledgeError("top level must be a mapping", path, getattr(data, "line", 1))
        raw[name] = data

    sections, factors = _load_questionnaire(directory / FILES[0], raw[FILES[0]])
    responses, worlds_raw, scoring, weights = _load_responses(directory / FILES[2], raw[FILES[2]])
    world_ids = {w["id"] for w in worlds_raw}
    derived = _load_derived(directory / FILES[3], raw[FILES[3]], factors)
    stages = _load_stages(directory / FILES[3], raw[FILES[3]], derived, responses, scoring)
    fact_levels = {f.id: list(f.level_ids) for f in factors}
    fact_levels.update({d.id: list(d.levels) for d in derived})
    ordered = {f.id for f in factors if f.ordered} | {d.id for d in derived if d.ordered}
    propositions = _load_propositions(
        directory / FILES[1],
        raw[FILES[1]],
        world_ids,
        {f.id: f for f in factors},
        {r.id for r in responses},
        fact_levels,
        ordered,
        {st.id: st.alternatives for st in stages if st.weighed},
    )
    worlds = _build_worlds(directory / FILES[2], worlds_raw, {p.id for p in propositions})
    rules = _load_rules(
        directory / FILES[3],
        raw[FILES[3]],
        factors,
        derived,
        propositions,
        stages,
        fact_levels,
        ordered,
        {w.id: w for w in weights},
    )
    uncertainty = _load_uncertainty(directory / FILES[2], raw[FILES[2]])
    theory = _load_theory(
        directory / FILES[4], raw[FILES[4]], world_ids, {r.id for r in responses}, {d.id for d in derived}
    )
    propositions = tuple(replace(p, source=theory.source.short) for p in propositions)
    kb = KnowledgeBase(
        directory=directory,
        sections=sections,
        factors=factors,
        derived=derived,
        propositions=propositions,
        responses=responses,
        worlds=worlds,
        rules=rules,
        scoring=scoring,
        theory=theory,
        version=knowledge_version(directory),
        weights=weights,
        stages=stages,
        uncertainty=uncertainty,
    )
    _cross_check(kb, directory)
    return kb


def _load_theory(
    path: Path, data: Node, world_ids: Collection[str], response_ids: Collection[str], derived_ids: Collection[str]
) -> Theory:
    r = _Reader(path)
    r.keys(
        data,
        (
            "default_world",
            "threat_fact",
            "balancing_responses",
            "bandwagoning_responses",
            "outcome_coded_responses",
            "source",
            "references",
        ),
        "theory",
    )
    world = r.text(data, "default_world", "theory")
    if world not in world_ids:
        r.fail(f"theory: unknown default world '{world}'", data.line_of("default_world"))
    threat = r.text(data, "threat_fact", "theory")
    if threat not in derived_ids:
        r.fail(f"theory: threat_fact '{threat}' is not a derived fact", data.line_of("threat_fact"))
    groups: dict[str, tuple[str, ...]] = {}
    for key in ("balancing_responses", "bandwagoning_responses", "outcome_coded_responses"):
        ids = tuple(map(str, r.seq(data.get(key, []), key, data.line_of(key))))
        for rid in ids:
            if rid not in response_ids:
                r.fail(f"theory: {key} names unknown response '{rid}'", data.line_of(key))
        groups[key] = ids
    snode = r.mapping(data.get("source"), "source", data.line_of("source"))
    fields = ("short", "author", "title", "publisher", "place", "year", "pages", "bibliography")
    r.keys(snode, fields, "theory source")
    values = {k: r.text(snode, k, "theory source") for k in fields}
    if not values["year"].isdigit():
        r.fail("theory source: 'year' must be a whole number", snode.line_of("year"))
    source_fields: dict[str, Any] = {
        **values,
        "year": int(values["year"]),
        "bibliography": " ".join(values["bibliography"].split()),
    }
    source = Source(**source_fields)
    references: list[tuple[str, str]] = []
    for node in r.seq(data.get("references", []), "references", data.line_of("references")):
        r.mapping(node, "a reference")
        r.keys(node, ("id", "text"), "reference")
        references.append((r.text(node, "id", "reference"), " ".join(r.text(node, "text", "reference").split())))
    return Theory(
        default_world=world,
        threat_fact=threat,
        balancing_responses=groups["balancing_responses"],
        bandwagoning_responses=groups["bandwagoning_responses"],
        outcome_coded_responses=groups["outcome_coded_responses"],
        source=source,
        references=tuple(references),
    )


def _load_questionnaire(path: Path, data: Node) -> tuple[tuple[Section, ...], tuple[Factor, ...]]:
    r = _Reader(path)
    r.keys(data, ("sections", "factors"), "questionnaire")
    sections: list[Section] = []
    for node in r.seq(data.get("sections"), "sections", data.line_of("sections")):
        r.mapping(node, "a section")
        sections.append(Section(r.text(node, "id", "section"), r.text(node, "title", "section")))
    r.unique([(s.id, None) for s in sections], "section")
    section_ids = {s.id for s in sections}
    factors: list[Factor] = []
    lines: list[tuple[str, int | None]] = []
    for node in r.seq(data.get("factors"), "factors", data.line_of("factors")):
        r.mapping(node, "a factor")
        fid = r.text(node, "id", "factor")
        what = f"factor '{fid}'"
        r.keys(
            node,
            ("id", "section", "question", "topic", "help", "ordered", "levels", "propositions", "similarity"),
            what,
        )
        section = r.text(node, "section", what)
        if section not in section_ids:
            r.fail(f"{what}: unknown section '{section}'", node.line_of("section"))
        levels: list[Level] = []
        for lnode in r.seq(node.get("levels"), f"{what} levels", node.line_of("levels")):
            r.mapping(lnode, f"a level of {what}")
            lid = _level_id(lnode.get("id"))
            if lid == UNKNOWN:
                r.fail(f"{what}: 'unknown' is implicit and may not be declared", lnode.line)
            levels.append(
                Level(
                    lid,
                    r.text(lnode, "label", f"{what} level '{lid}'"),
                    r.text(lnode, "meaning", f"{what} level '{lid}'"),
                )
            )
        if len(levels) < 2:
            r.fail(f"{what}: needs at least two levels", node.line_of("levels"))
        r.unique([(lv.id, node.line_of("levels")) for lv in levels], f"level of {what}")
        ordered = node.get("ordered", False)
        if not isinstance(ordered, bool):
            r.fail(f"{what}: 'ordered' must be true or false", node.line_of("ordered"))
        similarity = node.get("similarity", 1.0)
        if isinstance(similarity, bool) or not isinstance(similarity, (int, float)) or similarity < 0:
            r.fail(f"{what}: 'similarity' must be a number >= 0", node.line_of("similarity"))
        props = node.get("propositions", [])
        r.seq(props, f"{what} propositions", node.line_of("propositions"))
        factors.append(
            Factor(
                id=fid,
                section=section,
                question=r.text(node, "question", what),
                help=r.text(node, "help", what),
                ordered=ordered,
                levels=tuple(levels),
                propositions=tuple(map(str, props)),
                similarity=float(similarity),
                topic=" ".join(str(node.get("topic") or "").split()),
            )
        )
        lines.append((fid, node.line))
    r.unique(lines, "factor")
    if not factors:
        r.fail("the questionnaire declares no factors")
    return tuple(sections), tuple(factors)


def _load_uncertainty(path: Path, data: Node) -> Uncertainty:
    """responses.yaml ``uncertainty``: how sure a verdict is (issue 28). Absent, answers
    are taken as certain and no verdict is a close call."""
    if data.get("uncertainty") is None:
        return Uncertainty(reading=0.0, close_call=0.0)
    r = _Reader(path)
    node = r.mapping(data.get("uncertainty"), "uncertainty", data.line_of("uncertainty"))
    r.keys(node, ("reading", "close_call", "source"), "uncertainty")
    numbers: dict[str, float] = {}
    for key in ("reading", "close_call"):
        value = node.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            r.fail(f"uncertainty: '{key}' must be a number in [0, 1)", node.line_of(key) or node.line)
        numbers[key] = float(value)
    source = node.get("source", "")
    if not isinstance(source, str):
        r.fail("uncertainty: 'source' must be text", node.line_of("source"))
    return Uncertainty(reading=numbers["reading"], close_call=numbers["close_call"], source=" ".join(source.split()))


def _load_responses(
    path: Path, data: Node
) -> tuple[tuple[Response, ...], list[Node], Scoring, tuple[WeightClass, ...]]:
    r = _Reader(path)
    r.keys(data, ("responses", "weights", "scoring", "uncertainty", "worlds"), "responses file")
    entries: list[tuple[Response, int | None]] = []
    for node in r.seq(data.get("responses"), "responses", data.line_of("responses")):
        r.mapping(node, "a response")
        rid = r.text(node, "id", "response")
        r.keys(node, ("id", "label", "meaning", "direction", "mode", "war", "side", "rare"), f"response '{rid}'")
        steps = {k: _level_id(node[k]) if k in node else None for k in ("direction", "mode", "war")}
        side = str(node.get("side", "apart"))
        if side not in SIDES:
            r.fail(f"response '{rid}': side must be one of {', '.join(SIDES)}", node.line_of("side"))
        label, meaning = r.text(node, "label", rid), r.text(node, "meaning", rid)
        rare = r.text(node, "rare", rid, required=False) or None
        entries.append((Response(id=rid, label=label, meaning=meaning, **steps, side=side, rare=rare), node.line))
    r.unique([(resp.id, line) for resp, line in entries], "response")
    responses = tuple(resp for resp, _ in entries)
    response_ids = [resp.id for resp in responses]
    snode = r.mapping(data.get("scoring"), "scoring", data.line_of("scoring"))
    r.keys(
        snode,
        (
            "method",
            "min_support",
            "tie_tolerance",
            "tie_order",
            "requires",
            "close_call",
            "perturbation",
            "perturbations",
            "seed",
            "fragile_below",
        ),
        "scoring",
    )
    method = r.text(snode, "method", "scoring")
    if method != "mycin":
        r.fail(f"scoring: unknown method '{method}' (supported: mycin)", snode.line_of("method"))
    numbers: dict[str, float] = {}
    defaults = {"close_call": 0.0, "perturbation": 0.2, "fragile_below": 0.75}
    for key in ("min_support", "tie_tolerance", "close_call", "perturbation", "fragile_below"):
        value = snode.get(key, defaults.get(key))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            r.fail(f"scoring: '{key}' must be a number in [0, 1)", snode.line_of(key))
        numbers[key] = float(value)
    counts = {}
    for key, default in (("perturbations", 200), ("seed", 1987)):
        value = snode.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            r.fail(f"scoring: '{key}' must be a whole number >= 0", snode.line_of(key))
        counts[key] = value
    requires = tuple(map(str, r.seq(snode.get("requires", []), "requires", snode.line_of("requires"))))
    tie_order = [str(x) for x in r.seq(snode.get("tie_order"), "tie_order", snode.line_of("tie_order"))]
    if sorted(tie_order) != sorted(response_ids):
        r.fail("scoring: tie_order must list every response exactly once", snode.line_of("tie_order"))
    scoring = Scoring(
        method=method,
        min_support=numbers["min_support"],
        tie_tolerance=numbers["tie_tolerance"],
        tie_order=tuple(tie_order),
        requires=requires,
        close_call=numbers["close_call"],
        perturbation=numbers["perturbation"],
        perturbations=counts["perturbations"],
        seed=counts["seed"],
        fragile_below=numbers["fragile_below"],
    )
    classes: list[tuple[WeightClass, int | None]] = []
    for node in r.seq(data.get("weights", []), "weights", data.line_of("weights")):
        r.mapping(node, "a weight class")
        wid = r.text(node, "id", "weight class")
        r.keys(node, ("id", "cf", "meaning"), f"weight class '{wid}'")
        cf = node.get("cf")
        if isinstance(cf, bool) or not isinstance(cf, (int, float)) or not 0 < cf <= 1:
            r.fail(f"weight class '{wid}': 'cf' must be a number in (0, 1]", node.line_of("cf"))
        classes.append((WeightClass(wid, float(cf), r.text(node, "meaning", f"weight class '{wid}'")), node.line))
    r.unique([(w.id, line) for w, line in classes], "weight class")
    weights = tuple(w for w, _ in classes)
    worlds = []
    for node in r.seq(data.get("worlds"), "worlds", data.line_of("worlds")):
        r.mapping(node, "a world")
        wid = r.text(node, "id", "world")
        r.keys(node, ("id", "title", "description", "propositions", "advice", "risk"), f"world '{wid}'")
        worlds.append(node)
    r.unique([(w["id"], w.line) for w in worlds], "world")
    if not worlds:
        r.fail("declares no world", data.line_of("worlds"))
    return responses, worlds, scoring, weights


def _build_worlds(path: Path, worlds_raw: Iterable[Node], prop_ids: Collection[str]) -> tuple[World, ...]:
    r = _Reader(path)
    worlds: list[World] = []
    for node in worlds_raw:
        wid = node["id"]
        props = tuple(
            map(str, r.seq(node.get("propositions", []), f"world '{wid}' propositions", node.line_of("propositions")))
        )
        for pid in props:
            if pid not in prop_ids:
                r.fail(f"world '{wid}': unknown proposition '{pid}'", node.line_of("propositions"))
        worlds.append(
            World(
                id=wid,
                title=r.text(node, "title", f"world '{wid}'"),
                description=r.text(node, "description", f"world '{wid}'"),
                propositions=props,
                advice=r.text(node, "advice", f"world '{wid}'"),
                risk=r.text(node, "risk", f"world '{wid}'"),
            )
        )
    return tuple(worlds)


def _load_derived(path: Path, data: Node, factors: Iterable[Factor]) -> tuple[Derived, ...]:
    r = _Reader(path)
    r.keys(data, ("derived", "stages", "rules"), "rules file")
    derived: list[tuple[Derived, int | None]] = []
    factor_ids = {f.id for f in factors}
    for node in r.seq(data.get("derived", []), "derived", data.line_of("derived")):
        r.mapping(node, "a derived fact")
        did = r.text(node, "id", "derived fact")
        what = f"derived fact '{did}'"
        r.keys(node, ("id", "label", "ordered", "levels", "meaning", "labels"), what)
        if did in factor_ids:
            r.fail(f"{what}: id is already a questionnaire factor", node.line)
        levels = tuple(_level_id(v) for v in r.seq(node.get("levels"), f"{what} levels", node.line_of("levels")))
        if len(levels) < 2 or len(set(levels)) != len(levels) or UNKNOWN in levels:
            r.fail(f"{what}: needs two or more distinct levels (not 'unknown')", node.line_of("levels"))
        lnode = r.mapping(node.get("labels", {}), f"{what} labels", node.line_of("labels"))
        labels = tuple((_level_id(k), str(v)) for k, v in lnode.items())
        if any(k not in levels for k, _ in labels):
            r.fail(f"{what}: labels name a level it does not have", node.line_of("labels"))
        derived.append(
            (
                Derived(
                    id=did,
                    label=r.text(node, "label", what),
                    ordered=bool(node.get("ordered", False)),
                    levels=levels,
                    meaning=r.text(node, "meaning", what, required=False),
                    labels=labels,
                ),
                node.line,
            )
        )
    r.unique([(d.id, line) for d, line in derived], "derived fact")
    return tuple(d for d, _ in derived)


def _load_stages(
    path: Path, data: Node, derived: Iterable[Derived], responses: Sequence[Response], scoring: Scoring
) -> tuple[Stage, ...]:
    """The stages of the decision, in order, and the responses' paths through them."""
    r = _Reader(path)
    derived_ids = {d.id: d for d in derived}
    stages: list[Stage] = []
    for node in r.seq(data.get("stages"), "stages", data.line_of("stages")):
        r.mapping(node, "a stage")
        sid = r.text(node, "id", "stage")
        what = f"stage '{sid}'"
        r.keys(node, ("id", "layer", "concludes", "question", "otherwise"), what)
        layer, fact = r.text(node, "layer", what), r.text(node, "concludes", what)
        if fact not in derived_ids:
            r.fail(f"{what}: concludes unknown derived fact '{fact}'", node.line_of("concludes"))
        levels = derived_ids[fact].levels
        otherwise = _level_id(node["otherwise"]) if "otherwise" in node else None
        if otherwise is not None and otherwise not in levels:
            r.fail(f"{what}: 'otherwise' is no level of '{fact}'", node.line_of("otherwise"))
        stages.append(
            Stage(
                id=sid,
                layer=layer,
                fact=fact,
                question=r.text(node, "question", what),
                alternatives=levels,
                otherwise=otherwise,
            )
        )
    r.unique([(st.id, None) for st in stages], "stage")
    r.unique([(st.layer, None) for st in stages], "stage layer")
    if not stages or stages[0].layer != DERIVE or any(st.layer == DERIVE for st in stages[1:]):
        r.fail(f"stages: the first stage, and only it, is the '{DERIVE}' layer", data.line_of("stages"))
    # Each weighed stage's tie order follows the responses' (C1): an alternative ranks
    # where the first response whose path takes it stands.
    by_fact = {st.fact: st for st in stages}
    rank = {rid: i for i, rid in enumerate(scoring.tie_order)}
    ordered_responses = sorted(responses, key=lambda resp: rank[resp.id])
    out = [stages[0]]
    for st in stages[1:]:
        named = [resp.path[st.fact] for resp in ordered_responses if st.fact in resp.path]
        order = tuple(dict.fromkeys(named)) + tuple(a for a in st.alternatives if a not in named)
        out.append(replace(st, tie_order=order))
    paths: list[tuple[tuple[str, str], ...]] = []
    for resp in responses:
        for fact, level in resp.path.items():
            if fact not in by_fact or level not in by_fact[fact].alternatives:
                r.fail(f"response '{resp.id}': '{level}' is no alternative of the stage concluding '{fact}'")
        if not resp.path:
            r.fail(f"response '{resp.id}': names no path through the stages (direction, mode or war)")
        paths.append(tuple(sorted(resp.path.items())))
    if len(set(paths)) != len(paths):
        r.fail("responses: two responses name the same path through the stages")
    return tuple(out)


def _load_propositions(
    path: Path,
    data: Node,
    world_ids: Collection[str],
    factors: Mapping[str, Factor],
    response_ids: Collection[str],
    fact_levels: Mapping[str, Sequence[str]],
    ordered: Collection[str],
    stages: Mapping[str, Sequence[str]],
) -> tuple[Proposition, ...]:
    r = _Reader(path)
    r.keys(data, ("propositions", "definitions"), "propositions file")
    props: list[tuple[Proposition, int | None]] = []
    for node in r.seq(data.get("propositions"), "propositions", data.line_of("propositions")):
        r.mapping(node, "a proposition")
        pid = r.text(node, "id", "proposition")
        what = f"proposition '{pid}'"
        r.keys(node, ("id", "group", "title", "text", "pages", "worlds", "mirror", "statics"), what)
        group = r.text(node, "group", what)
        if group not in GROUPS:
            r.fail(f"{what}: unknown group '{group}'", node.line_of("group"))
        worlds = tuple(map(str, r.seq(node.get("worlds"), f"{what} worlds", node.line_of("worlds"))))
        for wid in worlds:
            if wid not in world_ids:
                r.fail(f"{what}: unknown world '{wid}'", node.line_of("worlds"))
        statics: list[Static] = []
        for snode in r.seq(node.get("statics", []), f"{what} statics", node.line_of("statics")):
            statics.append(_static(r, snode, what, world_ids, factors, response_ids, fact_levels, ordered, stages))
        props.append(
            (
                Proposition(
                    id=pid,
                    group=group,
                    title=r.text(node, "title", what),
                    text=r.text(node, "text", what),
                    pages=r.text(node, "pages", what),
                    worlds=worlds,
                    mirror=str(node["mirror"]) if node.get("mirror") else None,
                    statics=tuple(statics),
                    line=node.line,
                ),
                node.line,
            )
        )
    r.unique([(p.id, line) for p, line in props], "proposition")
    ids = {p.id for p, _ in props}
    for p, line in props:
        if p.mirror and p.mirror not in ids:
            r.fail(f"proposition '{p.id}': mirror '{p.mirror}' is not a proposition", line)
    return tuple(p for p, _ in props)


def _static(
    r: _Reader,
    snode: Node,
    what: str,
    world_ids: Collection[str],
    factors: Mapping[str, Factor],
    response_ids: Collection[str],
    fact_levels: Mapping[str, Sequence[str]],
    ordered: Collection[str],
    stages: Mapping[str, Sequence[str]],
) -> Static:
    r.mapping(snode, f"a static of {what}")
    r.keys(
        snode,
        ("world", "factor", "stage", "response", "margin", "never_raises", "never_turns", "over", "when", "hold"),
        f"{what} statics",
    )
    world, factor = (r.text(snode, k, f"{what} statics") for k in ("world", "factor"))
    if world not in world_ids:
        r.fail(f"{what}: static names unknown world '{world}'", snode.line)
    if factor not in factors:
        r.fail(f"{what}: static names unknown factor '{factor}'", snode.line)
    kinds = [k for k in ("response", "margin", "never_raises", "never_turns") if k in snode]
    if len(kinds) != 1:
        r.fail(f"{what}: a static says exactly one of response, margin, never_raises, never_turns", snode.line)
    kind = kinds[0]
    stage = str(snode["stage"]) if "stage" in snode else None
    if stage is not None and stage not in stages:
        r.fail(f"{what}: static names unknown stage '{stage}'", snode.line)
    if stage is None and kind != "never_turns":
        r.fail(f"{what}: a static on support names the stage whose alternatives it compares", snode.line)

    def response(raw: object) -> str:
        value = _level_id(raw)
        if stage is not None and value not in stages[stage]:
            r.fail(f"{what}: static names '{value}', no alternative of the {stage} stage", snode.line)
        if stage is None and value not in response_ids:
            r.fail(f"{what}: static names unknown response '{value}'", snode.line)
        return value

    fields: dict[str, Any] = {}
    if kind == "margin":
        pair = snode["margin"]
        if not isinstance(pair, list) or len(pair) != 2:
            r.fail(f"{what}: static 'margin' names two responses", snode.line)
        fields = {"response": response(pair[0]), "against": response(pair[1])}
    elif kind == "never_turns":
        turns = r.mapping(snode["never_turns"], f"{what} never_turns", snode.line)
        r.keys(turns, ("from", "to"), f"{what} never_turns")
        fields = {
            "response": "",
            "turns_from": tuple(response(v) for v in r.seq(turns.get("from"), "from", snode.line)),
            "turns_to": tuple(response(v) for v in r.seq(turns.get("to"), "to", snode.line)),
        }
    else:
        fields = {"response": response(snode[kind])}
    levels = factors[factor].level_ids
    ordered_factor = factors[factor].ordered
    if "over" not in snode and not ordered_factor:
        r.fail(f"{what}: a static on the unordered factor '{factor}' needs 'over' (from, to)", snode.line)
    over = snode.get("over", [levels[0], levels[-1]])
    over = tuple(_level_id(v) for v in over) if isinstance(over, list) else ()
    if (
        len(over) != 2
        or any(v not in levels for v in over)
        or over[0] == over[1]
        or (ordered_factor and levels.index(over[0]) > levels.index(over[1]))
    ):
        r.fail(f"{what}: static 'over' must name two levels of '{factor}', lowest first", snode.line)
    if ordered_factor:
        span = levels[levels.index(over[0]) : levels.index(over[1]) + 1]
        steps = tuple(zip(span, span[1:]))
    else:
        span, steps = over, (over,)
    when = None
    if "when" in snode:
        try:
            when = cond.parse_condition(snode["when"], fact_levels, ordered, snode.line)
        except cond.ConditionSyntaxError as exc:
            r.fail(f"{what}: {exc}", exc.line)
    hold = tuple(str(f) for f in r.seq(snode.get("hold", []), f"{what} hold", snode.line))
    for fact in hold:
        if fact not in fact_levels:
            r.fail(f"{what}: static holds unknown fact '{fact}'", snode.line)
    return Static(
        world=world,
        factor=factor,
        over=tuple(span),
        when=when,
        kind=kind,
        steps=steps,
        stage=stage,
        hold=hold,
        **fields,
    )


def _weight(
    r: _Reader, what: str, resp: str, value: object, classes: Mapping[str, WeightClass], line: int | None
) -> tuple[float, str]:
    """A signed weight class ("+moderate", "-strong", "moderate") as (cf, declared text)."""
    if not isinstance(value, str):
        r.fail(
            f"{what}: weight for '{resp}' must be a weight class of responses.yaml "
            f"({', '.join(classes)}), signed + or -, not a number",
            line,
        )
    text = value.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    name = text.lstrip("+-").strip()
    if name not in classes:
        r.fail(f"{what}: unknown weight class '{name}' for '{resp}' (the scale has {', '.join(classes)})", line)
    return sign * classes[name].cf, ("-" if sign < 0 else "+") + name


def _load_rules(
    path: Path,
    data: Node,
    factors: Iterable[Factor],
    derived: Iterable[Derived],
    propositions: Iterable[Proposition],
    stages: Sequence[Stage],
    fact_levels: Mapping[str, Sequence[str]],
    ordered: Collection[str],
    classes: Mapping[str, WeightClass],
) -> tuple[RuleSpec, ...]:
    r = _Reader(path)
    prop_ids = {p.id for p in propositions}
    layers = [st.layer for st in stages]
    stage_of = {st.layer: st for st in stages}
    # The facts a rule of each layer may not read: its own stage's conclusion and
    # every later one's (a stage reads only what the stages before it concluded).
    unreadable = {st.layer: {later.fact for later in stages[i:] if later.weighed} for i, st in enumerate(stages)}
    derived_ids = {d.id: d for d in derived}
    factor_index = {f.id: f for f in factors}
    rules: list[RuleSpec] = []
    for index, node in enumerate(r.seq(data.get("rules"), "rules", data.line_of("rules"))):
        r.mapping(node, "a rule")
        rid = r.text(node, "id", "rule")
        what = f"rule '{rid}'"
        r.keys(
            node,
            (
                "id",
                "layer",
                "propositions",
                "explanation",
                "when",
                "assert",
                "effects",
                "derive",
                "score",
                "weigh_by",
                "bands",
            ),
            what,
        )
        layer = r.text(node, "layer", what)
        if layer not in layers:
            r.fail(f"{what}: unknown layer '{layer}' (expected {', '.join(layers)})", node.line_of("layer"))
        props = tuple(map(str, r.seq(node.get("propositions"), f"{what} propositions", node.line_of("propositions"))))
        if not props:
            r.fail(f"{what}: cites no proposition", node.line_of("propositions") or node.line)
        for pid in props:
            if pid not in prop_ids:
                r.fail(f"{what}: dangling proposition '{pid}'", node.line_of("propositions"))
        explanation = r.text(node, "explanation", what)
        common: dict[str, Any] = dict(
            id=rid, layer=layer, propositions=props, explanation=explanation, line=node.line, index=index
        )
        if "score" in node:
            rules.append(_score_rule(r, node, what, common, factor_index, derived_ids))
            continue
        if "when" not in node:
            r.fail(f"{what}: needs a 'when' condition", node.line)
        try:
            condition = cond.parse_condition(node["when"], fact_levels, ordered, node.line_of("when"))
        except cond.ConditionSyntaxError as exc:
            r.fail(f"{what}: {exc}", exc.line or node.line_of("when"))
        if not any(cond.satisfiable_conjunction(c) for c in cond.dnf(condition)):
            r.fail(f"{what}: can never fire (its conditions contradict each other)", node.line_of("when"))
        early = sorted(cond.facts_used(condition) & unreadable[layer])
        if early:
            r.fail(f"{what}: reads '{early[0]}', which its stage or a later one concludes", node.line_of("when"))
        if layer == DERIVE:
            if "effects" in node or "assert" not in node:
                r.fail(f"{what}: a derive rule needs 'assert' and no 'effects'", node.line)
            amap = r.mapping(node["assert"], f"{what} assert", node.line_of("assert"))
            asserts: list[tuple[str, str]] = []
            for fact, level in amap.items():
                level = _level_id(level)
                if fact not in derived_ids:
                    r.fail(f"{what}: asserts unknown derived fact '{fact}'", amap.line_of(fact))
                if level not in derived_ids[fact].levels:
                    r.fail(f"{what}: unknown level '{level}' for '{fact}'", amap.line_of(fact))
                if fact in cond.facts_used(condition):
                    r.fail(f"{what}: reads the fact '{fact}' it asserts", amap.line_of(fact))
                asserts.append((fact, level))
            rules.append(_spec(common, condition=condition, asserts=tuple(asserts)))
        else:
            if "assert" in node or "effects" not in node:
                r.fail(f"{what}: a rule of the {layer} stage needs 'effects' and no 'assert'", node.line)
            emap = r.mapping(node["effects"], f"{what} effects", node.line_of("effects"))
            effects, declared = [], []
            alternatives = stage_of[layer].alternatives
            for resp, value in emap.items():
                if resp not in alternatives:
                    r.fail(
                        f"{what}: '{resp}' is no alternative of the {stage_of[layer].id} stage "
                        f"(expected {', '.join(alternatives)})",
                        emap.line_of(resp),
                    )
                cf, text = _weight(r, what, resp, value, classes, emap.line_of(resp))
                effects.append((resp, cf))
                declared.append((resp, text))
            if not effects:
                r.fail(f"{what}: no effects", node.line_of("effects"))
            rules.append(_spec(common, condition=condition, effects=tuple(effects), weights=tuple(declared)))
    r.unique([(rule.id, rule.line) for rule in rules], "rule")
    return tuple(rules)


def _spec(common: dict[str, Any], **extra: Any) -> RuleSpec:
    return RuleSpec(**common, **extra)


def _score_rule(
    r: _Reader,
    node: Node,
    what: str,
    common: dict[str, Any],
    factor_index: Mapping[str, Factor],
    derived_ids: Mapping[str, Derived],
) -> RuleSpec:
    if common["layer"] != DERIVE:
        r.fail(f"{what}: a score rule belongs to the derive layer", node.line)
    target = r.text(node, "derive", what)
    if target not in derived_ids:
        r.fail(f"{what}: derives unknown fact '{target}'", node.line_of("derive"))
    smap = r.mapping(node["score"], f"{what} score", node.line_of("score"))
    score: list[tuple[str, tuple[tuple[str, int], ...]]] = []
    score_by: list[tuple[str, str, tuple[tuple[str, tuple[tuple[str, int], ...]], ...]]] = []

    def points_of(factor_id: str, points: Any, line: int | None) -> tuple[tuple[str, int], ...]:
        r.mapping(points, f"{what} points for '{factor_id}'", line)
        levels = factor_index[factor_id].level_ids
        if set(map(_level_id, points)) != set(levels):
            r.fail(f"{what}: points for '{factor_id}' must cover exactly its levels", line)
        for level, value in points.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                r.fail(f"{what}: points must be whole numbers >= 0", points.line_of(level))
        return tuple((lv, points[lv]) for lv in levels)

    for factor_id, points in smap.items():
        if factor_id not in factor_index:
            r.fail(f"{what}: unknown factor '{factor_id}' in score", smap.line_of(factor_id))
        line = smap.line_of(factor_id)
        if isinstance(points, dict) and "by" in points:
            # A mean whose points depend on another factor's level.
            r.keys(cast(Node, points), ("by", "points"), f"{what} score '{factor_id}'")
            by = str(points["by"])
            if by not in factor_index or by == factor_id or by in smap:
                r.fail(f"{what}: score '{factor_id}' is weighed by '{by}', which is no other unscored factor", line)
            table = r.mapping(points.get("points"), f"{what} score '{factor_id}' points", line)
            if set(map(_level_id, table)) != set(factor_index[by].level_ids):
                r.fail(f"{what}: score '{factor_id}' needs points for every level of '{by}'", line)
            score_by.append(
                (
                    factor_id,
                    by,
                    tuple(
                        (bl, points_of(factor_id, table[bl], table.line_of(bl))) for bl in factor_index[by].level_ids
                    ),
                )
            )
            continue
        score.append((factor_id, points_of(factor_id, points, line)))
    weigh_by = []
    wmap = node.get("weigh_by", {})
    r.mapping(wmap, f"{what} weigh_by", node.line_of("weigh_by"))
    for factor_id, by_level in wmap.items():
        if factor_id not in factor_index or factor_id in smap or any(factor_id == by for _, by, _ in score_by):
            r.fail(
                f"{what}: weigh_by names '{factor_id}', which is no factor or is scored already",
                wmap.line_of(factor_id),
            )
        r.mapping(by_level, f"{what} weigh_by '{factor_id}'", wmap.line_of(factor_id))
        levels = factor_index[factor_id].level_ids
        if set(map(_level_id, by_level)) != set(levels):
            r.fail(f"{what}: weigh_by '{factor_id}' must cover exactly its levels", wmap.line_of(factor_id))
        entries: list[tuple[str, int, int]] = []
        for level in levels:
            item = r.mapping(by_level[level], f"{what} weigh_by '{factor_id}' {level}", by_level.line_of(level))
            r.keys(item, ("times", "plus"), f"{what} weigh_by '{factor_id}' {level}")
            numbers = [item.get("times"), item.get("plus", 0)]
            if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in numbers):
                r.fail(f"{what}: weigh_by needs whole numbers >= 0 for times and plus", by_level.line_of(level))
            entries.append((level, numbers[0], numbers[1]))
        weigh_by.append((factor_id, tuple(entries)))
    if len(weigh_by) > 1:
        r.fail(f"{what}: weigh_by takes one factor", node.line_of("weigh_by"))
    bands = []
    for bnode in r.seq(node.get("bands"), f"{what} bands", node.line_of("bands")):
        r.mapping(bnode, f"{what} band")
        level = _level_id(bnode.get("level"))
        up_to = bnode.get("up_to")
        if level not in derived_ids[target].levels:
            r.fail(f"{what}: band names unknown level '{level}' of '{target}'", bnode.line)
        if isinstance(up_to, bool) or not isinstance(up_to, int):
            r.fail(f"{what}: band 'up_to' must be a whole number", bnode.line)
        bands.append(Band(level, up_to=up_to))
    maximum = sum(max(p for _, p in pts) for _, pts in score)
    maximum += sum(max(p for _, pts in table for _, p in pts) for _, _, table in score_by)
    if weigh_by:
        maximum = max(maximum * times + plus for _, times, plus in weigh_by[0][1])
    if not bands or any(a.up_to >= b.up_to for a, b in zip(bands, bands[1:])) or bands[-1].up_to < maximum:
        r.fail(f"{what}: bands must rise and reach the maximum score {maximum}", node.line_of("bands"))
    return _spec(
        common,
        derive=target,
        score=tuple(score),
        score_by=tuple(score_by),
        weigh_by=tuple(weigh_by),
        bands=tuple(bands),
    )


def _cross_check(kb: KnowledgeBase, directory: Path) -> None:
    """Checks across files: every B/W/C proposition has a rule; every derived
    fact level some rule can assert; derived facts are read only downstream."""
    rules_path = directory / "rules.yaml"
    cited = {p for rule in kb.rules for p in rule.propositions}
    cited |= {p for world in kb.worlds for p in world.propositions}
    for prop in kb.propositions:
        if prop.id not in cited:
            raise KnowledgeError(
                f"proposition '{prop.id}' is cited by no rule or world", directory / "propositions.yaml"
            )
    assertable = {(fact, level) for rule in kb.rules for fact, level in rule.asserts}
    for rule in kb.rules:
        if rule.derive:
            assertable |= {(rule.derive, band.level) for band in rule.bands}
    assertable |= {(st.fact, level) for st in kb.weighed_stages for level in st.alternatives}
    for rule in kb.rules:
        if rule.condition is None:
            continue
        for conjunction in cond.dnf(rule.condition):
            ok = all(
                leaf.fact in kb._factor_index or any((leaf.fact, lv) in assertable for lv in leaf.allowed)
                for leaf in conjunction
            )
            if ok:
                break
        else:
            raise KnowledgeError(
                f"rule '{rule.id}': can never fire (it needs a derived level no rule asserts)", rules_path, rule.line
            )
    for prop in kb.propositions:
        if prop.group in ("balancing", "bandwagoning", "conditions") and not any(
            prop.id in rule.propositions for rule in kb.rules
        ):
            raise KnowledgeError(f"proposition '{prop.id}' has no rule", directory / "propositions.yaml")
