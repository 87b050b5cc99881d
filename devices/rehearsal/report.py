"""What a rehearsal prints: each poll's result, and a summary table of exact counts.

The verdicts are those of the result table a chair reads out (:func:`ballots.table.render_table`),
in Chinese and English, so a runoff, a shortfall or a passed motion is worded here exactly as
everywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ballots import parse_poll
from ballots.table import Lang, render_table
from devices.rehearsal.plan import PollPlan
from devices.rehearsal.summary import Summary
from devices.simulator import Latencies

__all__ = ["outcome_lines", "result_lines", "summary_lines"]

#: How many failures the summary lists before it only counts the rest.
FAILURES_SHOWN = 20


def outcome_lines(plan: PollPlan, result: Mapping[str, Any], *, lang: Lang) -> list[str]:
    """The lines of the printed result table that state the outcome: for a motion whether it
    passed; for an election or selection who or what was elected, any runoff and any shortfall;
    for an evaluation the table of ratings; for an invalid round, why it is invalid."""
    poll = dict(
        plan.definition,
        electorate=result["electorate"],
        present=result["present"],
        issued=result["issued"],
    )
    lines = render_table(parse_poll(poll), result, lang=lang).splitlines()
    if result["outcome"] is None:
        return [lines[lines.index("") - 1]]
    last_blank = len(lines) - 1 - lines[::-1].index("")
    return lines[last_blank + 1 :]


def result_lines(summary: Summary) -> list[str]:
    """Per poll: its title, the ballots cast, whether the result matches the recount, and the
    outcome in Chinese then English."""
    lines = ["表决结果 / results"]
    for outcome in summary.outcomes:
        plan, result = outcome.plan, outcome.result
        mode = "无记名（加密） encrypted" if plan.mode == "encrypted" else "记名 named"
        recount = "与复核一致 / matches recount" if outcome.matches_recount else "与复核不符 ✗"
        cast = result["ballots"]
        lines.append(f"  {plan.poll} {plan.title}（{mode} {plan.kind}）")
        lines.append(
            f"      {cast['cast']} 票，有效 {cast['valid']}，无效 {cast['void']} / "
            f"cast {cast['cast']}, valid {cast['valid']}, void {cast['void']}; {recount}"
        )
        for lang in ("zh", "en"):
            lines.extend(f"      {line}" for line in outcome_lines(plan, result, lang=lang))
    return lines


def summary_lines(summary: Summary) -> list[str]:
    """The summary table; every number is a count a test can check exactly."""
    s = summary
    votes = s.latencies.of("ballot", "vote")
    p50, p95 = Latencies.percentile(votes, 0.50), Latencies.percentile(votes, 0.95)
    worst = votes[-1] if votes else 0.0
    rows = [
        ("平板 / tablets", f"{s.tablets} tablets, {s.paired} paired"),
        (
            "签到 / signed in",
            f"{s.signed_in_by_tablet} by tablet, {s.signed_in_by_operator} by operator",
        ),
        ("表决 / polls", f"{len(s.outcomes)} polls"),
        ("确认的投票 / votes acknowledged", f"{s.votes_acknowledged} of {s.votes_expected}"),
        (
            "掉线重连 / reconnections",
            f"{s.reconnections} reconnections, {s.duplicates} re-sent votes counted once",
        ),
        (
            "复核一致 / results match recount",
            f"{sum(o.matches_recount for o in s.outcomes)} of {len(s.outcomes)}",
        ),
        (
            "包含证明 / inclusion checks passed",
            f"{s.inclusion_passed} of {s.inclusion_total}",
        ),
        (
            "记名表决核对 / named votes published",
            f"{s.named_confirmed} of {s.named_total}",
        ),
        (
            "投票往返 / vote round trip",
            f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {worst * 1000:.1f} ms",
        ),
        ("用时 / elapsed", f"{s.elapsed:.1f} s"),
        ("日志公钥 / log key", s.log_key or "—"),
        (
            "结论 / verdict",
            "全部通过 / all passed" if s.ok else f"失败 / FAILED ({len(s.failures)})",
        ),
    ]
    width = max(_display_width(label) for label, _ in rows)
    lines = ["模拟会议汇总 / simulation summary"]
    for label, value in rows:
        lines.append(f"  {label}{' ' * (width - _display_width(label))}  {value}")
    lines.extend(f"  ✗ {failure}" for failure in s.failures[:FAILURES_SHOWN])
    if len(s.failures) > FAILURES_SHOWN:
        lines.append(f"  … 另有 / and {len(s.failures) - FAILURES_SHOWN} more")
    return lines


def _display_width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)
