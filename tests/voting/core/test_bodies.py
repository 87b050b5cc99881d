"""Bodies and what the plenary adopts by vote: the presidium (主席团) votes on its own roster
under its own quorum rule, the election rules (选举办法) bind the election polls, and scrutineers
are chosen under 选举法 Art 43. Each case names the rule it enforces."""

from __future__ import annotations

from typing import Any

import pytest

from tests.voting.core import elections
from tests.voting.core.meetings import Meeting, refused
from voting import core
from voting.core import views
from voting.core.devices import SignedBody

VICE = {
    "kind": "election",
    "seats": 2,
    "candidates": [
        {"id": "c1", "name": "代表01"},
        {"id": "c2", "name": "代表02"},
        {"id": "c3", "name": "张伟"},
    ],
}


def agenda(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"item": "pres", "title": "通过主席团名单", "kind": "motion"},
        {"item": "vice", "title": "选举副镇长", "kind": "election"},
        {"item": "conf", "title": "主席团决定", "kind": "motion", "body": "presidium"},
        *extra,
    ]


def sitting(deputies: int = 9, settings: dict[str, Any] | None = None) -> Meeting:
    """``deputies`` deputies, all signed in."""
    meeting = Meeting(deputies)
    meeting.state.settings = dict(settings or {})
    return meeting.sign_in(*meeting.state.roster)


def set_agenda(meeting: Meeting, items: list[dict[str, Any]]) -> Meeting:
    return meeting.commit(core.set_agenda(meeting.state, items=items))


def adopt(meeting: Meeting, item: str, poll: str, *, votes_for: int) -> list[dict[str, Any]]:
    """Put a motion to a show of hands with ``votes_for`` 赞成 of all present."""
    present = len(meeting.state.present)
    meeting.commit(
        core.open_poll(
            meeting.state,
            poll=poll,
            item=item,
            definition={"kind": "motion"},
            mode="manual",
            change_policy="last",
            by="chair",
        )
    )
    entries = core.enter_manual_result(
        meeting.state,
        poll=poll,
        issued=present,
        ballot_counts={"cast": present, "valid": present, "void": 0},
        counts={"for": votes_for, "against": present - votes_for, "abstain": 0},
        write_ins={},
        confirmed_by=["监票人"],
        by="chair",
    )
    meeting.commit(entries)
    return entries


def with_presidium(members: list[str], settings: dict[str, Any] | None = None) -> Meeting:
    meeting = sitting(settings=settings)
    pres = {"item": "pres", "title": "通过主席团名单", "kind": "motion"}
    set_agenda(meeting, agenda({**pres, "item": "p", "adopts": {"presidium": members}}))
    adopt(meeting, "p", "p0", votes_for=9)
    return meeting


def open_conf(meeting: Meeting, poll: str = "c1") -> list[dict[str, Any]]:
    return core.open_poll(
        meeting.state,
        poll=poll,
        item="conf",
        definition={"kind": "motion"},
        mode="named",
        change_policy="last",
        by="chair",
    )


# The presidium list, adopted by the plenary --------------------------------------------------


def test_a_passing_motion_adopts_the_presidium_and_writes_what_it_adopted() -> None:
    meeting = sitting()
    set_agenda(
        meeting,
        agenda(
            {
                "item": "p",
                "title": "主席团名单",
                "kind": "motion",
                "adopts": {"presidium": ["d01", "d02", "d03"]},
            }
        ),
    )
    entries = adopt(meeting, "p", "p0", votes_for=5)
    assert entries[-1] == {
        "type": "motion_adopted",
        "poll": "p0",
        "item": "p",
        "adopts": {"presidium": ["d01", "d02", "d03"]},
    }
    assert meeting.state.presidium == ["d01", "d02", "d03"]
    assert views.console_view(meeting.state, set())["bodies"]["presidium"] == [
        {"deputy": "d01", "name": "代表01"},
        {"deputy": "d02", "name": "代表02"},
        {"deputy": "d03", "name": "代表03"},
    ]


def test_a_failing_motion_adopts_nothing() -> None:
    """组织法 Art 25: 4 of 9 is not more than half of all deputies; the list is not adopted."""
    meeting = sitting()
    set_agenda(
        meeting,
        agenda(
            {"item": "p", "title": "主席团名单", "kind": "motion", "adopts": {"presidium": ["d01"]}}
        ),
    )
    entries = adopt(meeting, "p", "p0", votes_for=4)
    assert [e["type"] for e in entries] == ["poll_closed", "manual_result", "result"]
    assert meeting.state.presidium is None


def test_the_presidium_cannot_vote_before_its_list_is_adopted() -> None:
    meeting = set_agenda(sitting(), agenda())
    error = refused("no-presidium", open_conf, meeting)
    assert "主席团名单尚未经大会通过" in error.zh


@pytest.mark.parametrize(
    ("adopts", "where"),
    [
        ({"presidium": []}, "items[3].adopts.presidium"),
        ({"presidium": ["d99"]}, "items[3].adopts.presidium"),
        ({"presidium": ["d01", "d01"]}, "items[3].adopts.presidium"),
        ({"presidium": ["d01"], "scrutineers": {"chief": ["d02"]}}, "items[3].adopts"),
        ({"election_rules": {"runoff_threshold": "most"}}, "runoff_threshold"),
        ({"election_rules": {"extra": {"vice": 4}}}, "items[3].adopts.election_rules.extra"),
        ({"scrutineers": {"scrutineers": ["d02"]}}, "items[3].adopts.scrutineers"),
        ({"scrutineers": {"chief": ["d02"], "tellers": ["d02"]}}, "items[3].adopts.scrutineers"),
    ],
)
def test_what_a_motion_adopts_is_checked_when_the_agenda_is_set(
    adopts: dict[str, Any], where: str
) -> None:
    item = {"item": "x", "title": "名单", "kind": "motion", "adopts": adopts}
    error = refused("invalid-agenda", core.set_agenda, sitting().state, items=agenda(item))
    assert where in error.en


# Quorum per body (组织法 Art 14; provincial rules for the presidium) -----------------------------

MEMBERS = ["d01", "d02", "d03", "d04", "d05"]


@pytest.mark.parametrize(
    ("rule", "present", "opens"),
    [
        # 5 members: majority needs 3 (2·3 > 5), two thirds needs 4 (3·4 ≥ 2·5).
        ("majority", 3, True),
        ("majority", 2, False),
        ("two_thirds", 4, True),
        ("two_thirds", 3, False),
    ],
)
def test_a_presidium_poll_takes_the_presidiums_quorum_rule(
    rule: str, present: int, opens: bool
) -> None:
    meeting = with_presidium(MEMBERS, {"presidium_quorum": rule})
    for deputy in MEMBERS[present:]:
        meeting.commit(core.sign_out_by_operator(meeting.state, deputy=deputy, by="op"))
    if not opens:
        refused("no-quorum", open_conf, meeting)
        return
    (entry,) = open_conf(meeting)
    assert entry["voters"] == "presidium"
    assert entry["present"] == MEMBERS[:present]
    assert entry["definition"]["electorate"] == 5
    assert entry["definition"]["present"] == present
    assert entry["definition"]["quorum"] == rule


def test_the_presidium_quorum_defaults_to_two_thirds() -> None:
    meeting = with_presidium(MEMBERS)
    for deputy in MEMBERS[3:]:
        meeting.commit(core.sign_out_by_operator(meeting.state, deputy=deputy, by="op"))
    refused("no-quorum", open_conf, meeting)


def test_a_presidium_poll_counts_only_its_members_not_the_plenary() -> None:
    """A presidium of 5 with 3 present meets its majority quorum while the plenary (9 seated,
    5 present: 3·5 < 2·9) has none; the plenary's polls are refused."""
    meeting = with_presidium(MEMBERS, {"presidium_quorum": "majority"})
    for deputy in ["d04", "d05", "d06", "d07"]:
        meeting.commit(core.sign_out_by_operator(meeting.state, deputy=deputy, by="op"))
    error = refused(
        "no-quorum",
        core.open_poll,
        meeting.state,
        poll="x",
        item="pres",
        definition={"kind": "motion"},
        mode="named",
        change_policy="last",
        by="chair",
    )
    assert error.zh == "出席代表5名，不足应出席9名的三分之二，不能表决"
    (entry,) = open_conf(meeting)
    assert entry["present"] == ["d01", "d02", "d03"]


def test_a_non_member_may_not_vote_in_a_presidium_poll() -> None:
    meeting = with_presidium(MEMBERS, {"presidium_quorum": "majority"})
    message = meeting.pair("d09").named_vote("c1", "for")
    meeting.commit(open_conf(meeting))
    signed = SignedBody.read(message["body"], message["sig"])
    error = refused("not-a-member", core.cast_named, meeting.state, signed)
    assert "主席团成员" in error.zh


# Election rules adopted by vote (选举办法) ---------------------------------------------------


def open_vice(meeting: Meeting, poll: str = "e1", **extra: Any) -> list[dict[str, Any]]:
    return core.open_poll(
        meeting.state,
        poll=poll,
        item="vice",
        definition={**VICE, **extra},
        mode="manual",
        change_policy="last",
        by="chair",
    )


RULES_ITEM = {"item": "rules", "title": "选举办法", "kind": "motion"}


@pytest.mark.parametrize(
    ("required", "adopted", "code"),
    [
        (False, False, None),  # the meeting without adopted rules keeps working
        (True, False, "election-rules-not-adopted"),
        (True, True, None),
        (False, True, None),
    ],
)
def test_an_election_follows_adopted_rules_when_the_meeting_requires_them(
    required: bool, adopted: bool, code: str | None
) -> None:
    meeting = sitting(settings={"election_rules_required": required})
    rules = {**RULES_ITEM, "adopts": {"election_rules": {"runoff_threshold": "majority"}}}
    set_agenda(meeting, agenda(rules))
    if adopted:
        adopt(meeting, "rules", "r0", votes_for=9)
    if code is not None:
        error = refused(code, open_vice, meeting)
        assert "选举办法尚未经大会表决通过" in error.zh
        return
    (entry,) = open_vice(meeting)
    assert entry.get("election_rules") == ("r0" if adopted else None)


def test_the_adopted_number_of_extra_candidates_binds_the_election() -> None:
    """组织法 Art 27: 副职 candidates = seats + k, k fixed in the session's election rules."""
    meeting = sitting()
    rules = {**RULES_ITEM, "adopts": {"election_rules": {"extra": {"vice": 2}}}}
    items = agenda(rules)
    items[1] = {**items[1], "rule": {"office": "deputy", "extra": 1}}
    set_agenda(meeting, items)
    open_vice(meeting)  # 3 candidates for 2 seats: k = 1, as the agenda says
    adopt(meeting, "rules", "r0", votes_for=9)
    refused("candidate-count", open_vice, meeting)
    four = [*VICE["candidates"], {"id": "c4", "name": "刘洋"}]  # type: ignore[list-item]
    (entry,) = open_vice(meeting, candidates=four)
    assert entry["election_rules"] == "r0"


def test_an_election_that_departs_from_the_adopted_write_in_rule_is_refused() -> None:
    meeting = sitting()
    set_agenda(meeting, agenda({**RULES_ITEM, "adopts": {"election_rules": {"write_ins": False}}}))
    adopt(meeting, "rules", "r0", votes_for=9)
    refused("rules-mismatch", open_vice, meeting)
    (entry,) = open_vice(meeting, write_ins=False)
    assert entry["definition"]["write_ins"] is False


def test_a_new_adopted_motion_replaces_the_election_rules() -> None:
    meeting = sitting()
    first = {**RULES_ITEM, "adopts": {"election_rules": {"runoff_threshold": "majority"}}}
    second = {**RULES_ITEM, "item": "rules2", "adopts": {"election_rules": {"write_ins": True}}}
    set_agenda(meeting, agenda(first, second))
    adopt(meeting, "rules", "r0", votes_for=9)
    adopt(meeting, "rules2", "r1", votes_for=5)
    assert meeting.state.election_rules == ("r1", {"write_ins": True})
    assert views.console_view(meeting.state, set())["bodies"]["election_rules"] == {
        "poll": "r1",
        "rules": {"write_ins": True},
    }


# Scrutineers (选举法 Art 43) -------------------------------------------------------------------


def scrutineers(**chosen: Any) -> dict[str, Any]:
    return {
        "item": "s",
        "title": "通过监票人名单",
        "kind": "motion",
        "adopts": {"scrutineers": chosen},
    }


def test_scrutineers_chosen_by_a_passing_motion_are_listed_by_name() -> None:
    meeting = sitting()
    set_agenda(meeting, agenda(scrutineers(chief=["d07"], scrutineers=["d08"], tellers=["d09"])))
    adopt(meeting, "s", "s0", votes_for=9)
    assert views.console_view(meeting.state, set())["bodies"]["scrutineers"] == {
        "chief": [{"deputy": "d07", "name": "代表07"}],
        "scrutineers": [{"deputy": "d08", "name": "代表08"}],
        "tellers": [{"deputy": "d09", "name": "代表09"}],
    }


@pytest.mark.parametrize(
    ("chosen", "deputy", "reason", "zh"),
    [
        # Art 43: a candidate may not serve as scrutineer or teller.
        ({"chief": ["d01"]}, "d01", "candidate", "代表01（d01）是候选人，不能担任总监票人"),
        ({"chief": ["d07"], "tellers": ["d02"]}, "d02", "candidate", "不能担任计票人"),
        # Art 43 as declared: nor a close relative of a candidate.
        (
            {"chief": ["d07"], "scrutineers": ["d08"], "relatives": {"d08": ["张伟"]}},
            "d08",
            "relative",
            "代表08（d08）是候选人张伟的近亲属，不能担任监票人",
        ),
    ],
)
def test_a_candidate_or_declared_relative_may_not_be_chosen(
    chosen: dict[str, Any], deputy: str, reason: str, zh: str
) -> None:
    meeting = set_agenda(sitting(), agenda())
    meeting.commit(open_vice(meeting))  # candidates 代表01, 代表02, 张伟
    error = refused(
        "scrutineer-ineligible", core.set_agenda, meeting.state, items=agenda(scrutineers(**chosen))
    )
    assert zh in error.zh
    assert error.details == {"deputy": deputy, "reason": reason}


def test_an_election_may_not_list_a_chosen_scrutineer_as_candidate() -> None:
    """Art 43 the other way round: once 代表01 is chief scrutineer, an election listing
    代表01 as candidate is refused, naming the person."""
    meeting = sitting()
    set_agenda(meeting, agenda(scrutineers(chief=["d01"])))
    adopt(meeting, "s", "s0", votes_for=9)
    error = refused("scrutineer-ineligible", open_vice, meeting)
    assert error.details == {"deputy": "d01", "reason": "candidate"}


def test_non_voting_attendees_are_listed_apart_and_never_counted() -> None:
    """domain-rules §1: 列席 attendees are listed apart and never counted."""
    attendees = [{"name": "镇政府办公室主任", "unit": "镇政府"}, {"name": " "}]
    meeting = sitting(settings={"attendees": attendees})
    view = views.console_view(meeting.state, set())
    assert view["bodies"]["attendees"] == [{"name": "镇政府办公室主任", "unit": "镇政府"}]
    assert view["attendance"] == {"electorate": 9, "present": 9, "leave": 0, "quorum_met": True}


@pytest.mark.parametrize(
    ("setting", "adopted", "prepared"),
    [
        # 组织法 Art 29: plurality among the tied unless the 选举办法 say majority.
        (None, None, "plurality"),
        ("majority", None, "majority"),
        ("plurality", "majority", "majority"),  # adopted rules prevail over the setting
    ],
)
def test_the_runoff_threshold_follows_the_adopted_rules(
    setting: str | None, adopted: str | None, prepared: str
) -> None:
    meeting = elections.vice_round(
        elections.TIED, None if setting is None else {"runoff_threshold": setting}
    )
    if adopted is not None:
        meeting.state.election_rules = ("r0", {"runoff_threshold": adopted})
    runoff = core.runoff_definition(meeting.state, poll="p1")
    assert runoff["round"]["threshold"] == prepared
    if adopted is not None:
        other = "plurality" if adopted == "majority" else "majority"
        departing = {**runoff, "round": {**runoff["round"], "threshold": other}}
        refused("rules-mismatch", elections.opened, meeting, "p2", "vice", departing)
    (entry,) = core.open_poll(
        meeting.state,
        poll="p2",
        item="vice",
        definition=runoff,
        mode="manual",
        change_policy="last",
        by="chair",
    )
    assert entry.get("election_rules") == ("r0" if adopted else None)
