"""docs/verifying.md §3 lists the verifier's numbered checks, in Chinese and in English, exactly
as the report gives them: the same numbers with no gap, the same titles, nothing more."""

from __future__ import annotations

import re
from pathlib import Path

from audit.verify import CHECK_TITLES, verify_bundle
from tests.audit.make_vectors import VECTORS_DIR
from tests.audit.meeting_builder import MeetingBuilder

DOC = Path(__file__).resolve().parents[2] / "docs" / "verifying.md"


def table(heading: str) -> list[tuple[int, str]]:
    """(number, title) of each row of the check table under ``heading``."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    section = text[start : text.index("\n### ", start + 1)]
    rows = []
    for line in section.splitlines():
        match = re.match(r"\| (\d+) \| ([^|]+) \|", line)
        if match:
            rows.append((int(match.group(1)), match.group(2).strip()))
    return rows


def test_the_checks_are_numbered_from_0_with_no_gap() -> None:
    assert list(CHECK_TITLES) == list(range(len(CHECK_TITLES)))


def test_the_chinese_table_lists_exactly_the_checks_of_the_report() -> None:
    assert table("### 3. 读懂报告") == [(n, zh) for n, (zh, _) in CHECK_TITLES.items()]


def test_the_english_table_lists_exactly_the_checks_of_the_report() -> None:
    assert table("### 3. Reading the report") == [(n, en) for n, (_, en) in CHECK_TITLES.items()]


def test_a_report_gives_every_documented_check_in_order() -> None:
    report = verify_bundle(VECTORS_DIR / "untouched", vkey=MeetingBuilder().vkey)
    documented = list(
        zip(table("### 3. 读懂报告"), table("### 3. Reading the report"), strict=True)
    )
    assert [(c.number, c.title_zh, c.title_en) for c in report.checks] == [
        (number, zh, en) for (number, zh), (_, en) in documented
    ]
