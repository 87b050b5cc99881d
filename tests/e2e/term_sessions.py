"""A session (meeting) of a congress term created, opened and signed in over the API: the
browser tests of the term's ledgers (absences, the livelihood-project year) start from these."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import DemoServer


def open_session(
    server: DemoServer,
    token: str,
    *,
    meeting: str,
    term: str,
    date: str,
    title: str,
    roster: dict[str, Any],
    present: list[str],
) -> str:
    """Create ``meeting`` in ``term``, put ``roster``, open it and sign ``present`` in; returns
    the meeting's API path."""
    body = {
        "meeting": meeting,
        "origin": f"xinzhou.congress.local/{meeting}",
        "title": title,
        "date": date,
        "settings": {"term": term},
    }
    server.api("POST", "/api/meetings", body, token)
    base = f"/api/meetings/{meeting}"
    server.api("PUT", f"{base}/roster", roster, token)
    server.api("POST", f"{base}/open", {}, token)
    server.api("POST", f"{base}/attendance/sign-in", {"deputies": present}, token)
    return base
