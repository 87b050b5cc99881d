"""``congress verify --absences``: the term's absence ledger rebuilt from the bundles of its
sessions alone, compared with the ledger the server showed; a changed ledger, a missing
session and a tampered bundle each fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.voting.http.test_absences import ledger, session
from tests.voting.sitting import bootstrap_admin
from voting.cli.main import main


@pytest.fixture
def term(client: TestClient, tmp_path: Path) -> tuple[list[Path], Path]:
    """Two closed sessions of term xinzhou-17 exported as bundles, and the ledger the server
    showed for them saved as JSON."""
    admin = bootstrap_admin(client)
    session(client, admin, "s1", "2026-03-01", present=["d01", "d02"], leave=["d04"])
    session(client, admin, "s2", "2026-09-01", present=["d01"], leave=["d02"])
    congress = client.app.state.runtime.congress  # type: ignore[attr-defined]
    bundles = []
    for meeting in ("s1", "s2"):
        bundle = tmp_path / meeting
        congress.service(meeting).log.export(bundle)
        bundles.append(bundle)
    shown = tmp_path / "ledger.json"
    shown.write_text(json.dumps(ledger(client, admin, "s2"), ensure_ascii=False), "utf-8")
    return bundles, shown


def verify(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, list[str]]:
    status = main(["verify", "--absences", "--lang", "en", *map(str, args)])
    out = capsys.readouterr().out
    return status, out[out.index("[A]") :].splitlines()


def test_the_ledger_rebuilt_from_the_logs_matches_the_server(
    term: tuple[list[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bundles, shown = term
    assert verify(capsys, "--ledger", shown, *bundles) == (
        0,
        [
            "[A] ✓ the term's absence ledger: matches the ledger the server showed",
            "    sessions: s1 s2",
            "    01 代表01 (d01): present present · leave 0, absent 0",
            "    02 代表02 (d02): present leave · leave 1, absent 0",
            "    03 代表03 (d03): absent absent · leave 0, absent 2 ⚠",
            "    04 代表04 (d04): leave absent · leave 1, absent 1",
        ],
    )


def test_a_ledger_that_differs_from_the_logs_fails_naming_deputy_and_session(
    term: tuple[list[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bundles, shown = term
    document = json.loads(shown.read_text("utf-8"))
    d03 = document["deputies"][2]
    d03.update(record=["absent", "leave"], leave=1, absent=1, warning=False)
    shown.write_text(json.dumps(document), "utf-8")
    assert verify(capsys, "--ledger", shown, *bundles) == (
        1,
        [
            "[A] ✗ the term's absence ledger",
            '    deputy d03 (代表03), session s2: the log says "absent", the ledger "leave"',
            "    deputy d03 (代表03): leave is 0 by the logs, 1 in the ledger",
            "    deputy d03 (代表03): absent is 2 by the logs, 1 in the ledger",
            "    deputy d03 (代表03): warning is true by the logs, false in the ledger",
        ],
    )


def test_a_session_left_out_fails(
    term: tuple[list[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bundles, shown = term
    assert verify(capsys, "--ledger", shown, bundles[1]) == (
        1,
        [
            "[A] ✗ the term's absence ledger",
            '    sessions: the logs give ["s2"], the ledger ["s1", "s2"]',
        ],
    )


def test_a_tampered_bundle_fails_verification_and_no_ledger_is_rebuilt(
    term: tuple[list[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bundles, shown = term
    entries = bundles[1] / "entries.jsonl"
    lines = entries.read_text("utf-8").splitlines(keepends=True)
    leave = next(i for i, line in enumerate(lines) if '"leave_recorded"' in line)
    lines[leave] = lines[leave].replace('"leave":true', '"leave":false')
    entries.write_text("".join(lines), "utf-8")
    status, ledger_lines = verify(capsys, "--ledger", shown, *bundles)
    assert (status, ledger_lines) == (
        1,
        ["[A] – the term's absence ledger (a bundle failed verification)"],
    )
