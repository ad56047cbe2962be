"""Plain-text renderings of results for the terminal (no reasoning here: it only
formats what the Result already holds)."""
from .advisor import Result
from .citations import merge_citations


def _pct(x):
    return f"{x:+.2f}"


def render_text(result: Result) -> str:
    kb = result.kb
    case = result.case
    lines = []
    heading = case.title or "Untitled case"
    if case.year:
        heading += f" ({case.year})"
    lines.append(heading)
    lines.append("=" * len(heading))
    if case.state or case.threat:
        lines.append(f"{case.state or '?'} facing {case.threat or '?'}")
    lines.append("")
    if result.verdict:
        tie = "  (tie, broken by C1: balancing is the more common response)" if result.tie else ""
        lines.append(f"Verdict:      {result.verdict_label} ({result.verdict}){tie}")
        lines.append(f"              {kb.response(result.verdict).meaning}")
    else:
        lines.append("Verdict:      none (no response reached the minimum support)")
    lines.append(f"Confidence:   {result.confidence:.2f} (margin over {result.runner_up or '-'})")
    lines.append(f"Threat level: {result.threat_level or 'unknown'}"
                 + (" (estimated)" if result.threat_score and result.threat_score["estimated"] else ""))
    if result.world != "walt":
        lines.append(f"World:        {kb.world(result.world).title}")
    if result.unknown:
        lines.append(f"Unknown:      {', '.join(result.unknown)} (reasoned without them)")
    lines.append("")
    lines.append("Support")
    for rid, cf in sorted(result.support.items(), key=lambda kv: -kv[1]):
        bar = "#" * int(round(max(cf, 0) * 30))
        lines.append(f"  {kb.response(rid).label:24s} {_pct(cf)}  {bar}")
    lines.append("")
    lines.append("Reasoning (rules in firing order)")
    for item in result.fired:
        facts = ", ".join(f"{k}={v}" for k, v in item["facts"].items())
        if "asserted" in item:
            outcome = "=> " + ", ".join(f"{k}={v}" for k, v in item["asserted"].items())
        else:
            outcome = "=> " + ", ".join(f"{k} {_pct(v)}" for k, v in item["effects"].items())
        lines.append(f"  {item['step']:2d}. {item['rule']} [{merge_citations(item['citations'])}]")
        lines.append(f"      on {facts}")
        lines.append(f"      {outcome}")
    if result.why_not and result.verdict:
        lines.append("")
        lines.append("Why not the others")
        for rid, info in result.why_not.items():
            if rid == result.verdict:
                continue
            lines.append(f"  {kb.response(rid).label}: {info['summary']}")
            for blocked in info["blocked"][:3]:
                reason = blocked["failed"][0]["text"] if blocked["failed"] else "blocked"
                lines.append(f"      {blocked['rule']}: {reason}")
    if result.conflicts:
        lines.append("")
        lines.append("Conflicts in the knowledge base: " +
                     "; ".join(f"{c['fact']} {c['levels']} by {c['rule']}" for c in result.conflicts))
    return "\n".join(lines) + "\n"
