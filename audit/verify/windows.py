"""Check 6: attendance, and votes and encrypted ballots inside their poll's window.

Attendance is replayed from ``signed_in`` / ``signed_out``: a roster deputy whose seat has not
ended signs in once and out only when signed in; leave is recorded for roster deputies. Agenda
entries name items on the agenda, and no poll opens for a withdrawn item. A poll opens with
``present``, the deputies signed in at that moment, and ``definition.electorate`` the deputies
holding a seat — for a poll with ``voters: "presidium"``, the presidium's members signed in and
holding a seat, as the ``motion_adopted`` entry before it adopted them (that entry follows a
closed poll of the item whose ``adopts`` it repeats). A vote or encrypted ballot falls between
its poll's ``poll_opened`` and ``poll_closed`` (never after a ``poll_voided``), comes from a
deputy who is signed in at that moment, listed in ``present`` and active on the roster;
encrypted polls take encrypted ballots, named polls votes, manual polls neither. Under change
policy ``first`` a deputy votes (or casts an encrypted ballot) once. An election is never a
named vote. ``poll_closed`` lists exactly the deputies who took part and ``issued`` counts
them. The speaking queue is replayed by :mod:`audit.verify.speaking`.
"""

from __future__ import annotations

from typing import Any

from audit.verify.base import Check, Entry, show
from audit.verify.speaking import SpeakingReplay
from audit.verify.state import Meeting, Poll

__all__ = ["WindowCheck"]

_MODE_OF = {"vote": "named", "encrypted_ballot": "encrypted"}


class WindowCheck(Check):
    number = 6

    def __init__(self, *args: Any, meeting: Meeting) -> None:
        super().__init__(*args)
        self.meeting = meeting
        self.counts = {"vote": 0, "encrypted_ballot": 0}
        self._handlers = {
            "signed_in": self._signed_in,
            "signed_out": self._signed_out,
            "roster_changed": self._roster_changed,
            "leave_recorded": self._leave_recorded,
            "agenda_set": self._agenda_set,
            "item_current": self._agenda_item,
            "item_withdrawn": self._agenda_item,
            "oath_taken": self._agenda_item,
            "poll_opened": self._poll_opened,
            "vote": self._ballot_cast,
            "encrypted_ballot": self._ballot_cast,
            "poll_closed": self._poll_closed,
            "poll_voided": self._poll_voided,
            "manual_result": self._manual_result,
            "motion_adopted": self._motion_adopted,
            "meeting_closed": self._meeting_closed,
            **SpeakingReplay(meeting, self.fail).handlers,
        }

    def feed(self, seq: int, entry: Entry) -> None:
        closed_at = self.meeting.closed_at
        if closed_at is not None:
            self.fail(
                seq, f"entry {seq}: {entry['type']} after meeting_closed at entry {closed_at}"
            )
        handler = self._handlers.get(entry["type"])
        if handler is not None:
            handler(seq, entry)

    # Attendance ---------------------------------------------------------------------------------

    def _signed_in(self, seq: int, entry: Entry) -> None:
        deputy = entry["deputy"]
        status = self.meeting.roster.get(deputy)
        if status is None:
            self.fail(seq, f"entry {seq}: {deputy} signs in but is not on the roster")
            return
        if status == "ended":
            self.fail(seq, f"entry {seq}: {deputy} signs in but their seat has ended")
            return
        earlier = self.meeting.signed_in.get(deputy)
        if earlier is not None:
            self.fail(seq, f"entry {seq}: {deputy} is already signed in (entry {earlier})")
            return
        self.meeting.signed_in[deputy] = seq

    def _signed_out(self, seq: int, entry: Entry) -> None:
        deputy = entry["deputy"]
        if self.meeting.signed_in.pop(deputy, None) is None:
            self.fail(seq, f"entry {seq}: {deputy} signs out but is not signed in")

    def _roster_changed(self, seq: int, entry: Entry) -> None:
        if entry["status"] == "ended":  # a deputy whose seat ends leaves the hall's count
            self.meeting.signed_in.pop(entry["deputy"], None)

    def _leave_recorded(self, seq: int, entry: Entry) -> None:
        deputy = entry["deputy"]
        if deputy not in self.meeting.roster:
            self.fail(seq, f"entry {seq}: leave recorded for {deputy}, who is not on the roster")

    def _agenda_set(self, seq: int, entry: Entry) -> None:
        self.meeting.agenda = frozenset(item["item"] for item in entry["items"])
        self.meeting.adopts = {
            item["item"]: item["adopts"] for item in entry["items"] if "adopts" in item
        }

    def _agenda_item(self, seq: int, entry: Entry) -> None:
        item, agenda = entry["item"], self.meeting.agenda
        if agenda is None or item not in agenda:
            self.fail(seq, f"entry {seq}: {entry['type']} for item {item}, not on the agenda")
        elif entry["type"] == "item_withdrawn":
            self.meeting.withdrawn.add(item)

    # Poll lifecycle -----------------------------------------------------------------------------

    def _poll_opened(self, seq: int, entry: Entry) -> None:
        meeting, poll_id = self.meeting, entry["poll"]
        earlier = meeting.polls.get(poll_id)
        if earlier is not None:
            self.fail(
                seq, f"entry {seq}: poll {poll_id} was already opened at entry {earlier.opened_at}"
            )
            return
        if meeting.agenda is None:
            self.fail(seq, f"entry {seq}: poll {poll_id} opens before any agenda_set")
        elif entry["item"] not in meeting.agenda:
            self.fail(
                seq, f"entry {seq}: poll {poll_id} is for item {entry['item']}, not on the agenda"
            )
        elif entry["item"] in meeting.withdrawn:
            self.fail(
                seq, f"entry {seq}: poll {poll_id} is for item {entry['item']}, which was withdrawn"
            )
        definition, present = entry["definition"], entry["present"]
        voters = entry.get("voters", "plenary")
        if voters == "presidium" and meeting.presidium is None:
            self.fail(seq, f"entry {seq}: presidium poll {poll_id} before its list was adopted")
        members = meeting.voters(voters)
        rules = entry.get("election_rules")
        if rules is not None and rules != meeting.election_rules_poll:
            self.fail(
                seq,
                f"entry {seq}: poll {poll_id} follows the election rules of poll {show(rules)}, "
                f"but the rules in force were adopted by poll {show(meeting.election_rules_poll)}",
            )
        signed_in = meeting.signed_in
        for deputy in present:
            if deputy not in signed_in:
                self.fail(seq, f"entry {seq}: present lists {deputy}, who is not signed in")
            elif voters == "presidium" and deputy not in members:
                self.fail(seq, f"entry {seq}: present lists {deputy}, not a presidium member")
        listed = set(present)
        for deputy in sorted((signed_in.keys() & members) - listed):
            self.fail(seq, f"entry {seq}: present omits {deputy}, who is signed in")
        if "present" in definition and definition["present"] != len(present):
            self.fail(
                seq,
                f"entry {seq}: definition.present is {show(definition['present'])} but present "
                f"lists {len(present)} deputies",
            )
        seated = len(members)
        if definition.get("electorate") != seated:
            whose = "presidium members" if voters == "presidium" else "deputies"
            self.fail(
                seq,
                f"entry {seq}: definition.electorate is {show(definition.get('electorate'))} but "
                f"{seated} {whose} hold a seat",
            )
        if definition.get("kind") == "election" and entry["mode"] == "named":
            self.fail(
                seq,
                f"entry {seq}: poll {poll_id} is an election by named vote; elections are secret",
            )
        meeting.polls[poll_id] = Poll(
            poll_id,
            seq,
            definition,
            entry["mode"],
            entry["change_policy"],
            frozenset(present),
            item=entry["item"],
            voters=voters,
        )

    def _ballot_cast(self, seq: int, entry: Entry) -> None:
        kind, deputy = entry["type"], entry["deputy"]
        poll = self._open_poll(seq, entry)
        if poll is None:
            return
        if poll.mode != _MODE_OF[kind]:
            self.fail(seq, f"entry {seq}: {kind} in poll {poll.poll}, which is {poll.mode}")
            return
        meeting = self.meeting
        if deputy not in meeting.signed_in:
            self.fail(seq, f"entry {seq}: {kind} by {deputy}, who is not signed in")
        if deputy not in poll.present:
            self.fail(
                seq,
                f"entry {seq}: {kind} by {deputy}, who is not in poll {poll.poll}'s present list",
            )
        status = meeting.roster.get(deputy)
        if status != "active":
            self.fail(seq, f"entry {seq}: {kind} by {deputy}, whose roster status is {status}")
        self.counts[kind] += 1
        if kind == "encrypted_ballot":
            self._encrypted_cast(seq, deputy, poll)
            return
        poll.vote_count += 1
        earlier_vote = poll.votes.get(deputy)
        if earlier_vote is not None and poll.change_policy == "first":
            self.fail(
                seq,
                f"entry {seq}: second vote by {deputy} in poll {poll.poll}, whose change policy is "
                f"first (the first is entry {earlier_vote[0]})",
            )
            return
        poll.votes[deputy] = (seq, entry["choice"])

    def _encrypted_cast(self, seq: int, deputy: str, poll: Poll) -> None:
        """An encrypted ballot: under ``first`` a deputy's second one is refused."""
        earlier = poll.encrypted.setdefault(deputy, [])
        if earlier and poll.change_policy == "first":
            self.fail(
                seq,
                f"entry {seq}: second encrypted ballot by {deputy} in poll {poll.poll}, whose "
                f"change policy is first (the first is entry {earlier[0]})",
            )
            return
        earlier.append(seq)

    def _motion_adopted(self, seq: int, entry: Entry) -> None:
        """What a motion adopts follows its closed poll, as its agenda item says; a presidium
        list then decides who votes in presidium polls."""
        meeting, poll_id = self.meeting, entry["poll"]
        poll = meeting.polls.get(poll_id)
        if poll is None or poll.closed_at is None or poll.voided_at is not None:
            self.fail(seq, f"entry {seq}: motion_adopted for poll {poll_id}, which is not closed")
            return
        if poll.item != entry["item"] or meeting.adopts.get(poll.item) != entry["adopts"]:
            self.fail(
                seq,
                f"entry {seq}: motion_adopted for item {show(entry['item'])} differs from what "
                f"agenda item {poll.item} of poll {poll_id} adopts",
            )
            return
        adopts = entry["adopts"] if isinstance(entry["adopts"], dict) else {}
        if "presidium" in adopts:
            meeting.presidium = frozenset(adopts["presidium"])
        if "election_rules" in adopts:
            meeting.election_rules_poll = poll_id

    def _open_poll(self, seq: int, entry: Entry) -> Poll | None:
        """The entry's poll if it is open; otherwise records why not."""
        kind, poll_id = entry["type"], entry["poll"]
        poll = self.meeting.polls.get(poll_id)
        if poll is None:
            self.fail(seq, f"entry {seq}: {kind} for poll {poll_id}, which was never opened")
            return None
        if poll.voided_at is not None:
            self.fail(
                seq,
                f"entry {seq}: {kind} after poll {poll_id} was voided at entry {poll.voided_at}",
            )
            return None
        if poll.closed_at is not None:
            self.fail(
                seq, f"entry {seq}: {kind} after poll {poll_id} closed at entry {poll.closed_at}"
            )
            return None
        return poll

    def _poll_closed(self, seq: int, entry: Entry) -> None:
        poll = self._open_poll(seq, entry)
        if poll is None:
            return
        poll.closed_at, poll.closing = seq, entry
        if poll.mode == "manual":
            if entry["participants"]:
                self.fail(
                    seq, f"entry {seq}: manual poll {poll.poll} lists electronic participants"
                )
            return
        took_part: dict[str, Any] = dict(poll.encrypted if poll.mode == "encrypted" else poll.votes)
        listed = set(entry["participants"])
        for deputy in sorted(listed - took_part.keys()):
            self.fail(seq, f"entry {seq}: participants lists {deputy}, who did not take part")
        for deputy in sorted(took_part.keys() - listed):
            self.fail(
                seq,
                f"entry {seq}: participants omits {deputy}, who took part (entry "
                f"{_first_seq(took_part[deputy])})",
            )
        if entry["issued"] != len(took_part):
            self.fail(
                seq,
                f"entry {seq}: issued is {entry['issued']} but {len(took_part)} deputies took part "
                f"in poll {poll.poll}",
            )

    def _poll_voided(self, seq: int, entry: Entry) -> None:
        poll_id = entry["poll"]
        poll = self.meeting.polls.get(poll_id)
        if poll is None:
            self.fail(seq, f"entry {seq}: poll_voided for poll {poll_id}, which was never opened")
        elif poll.voided_at is not None:
            self.fail(
                seq, f"entry {seq}: poll {poll_id} was already voided at entry {poll.voided_at}"
            )
        else:
            poll.voided_at = seq

    def _manual_result(self, seq: int, entry: Entry) -> None:
        poll_id = entry["poll"]
        poll = self.meeting.polls.get(poll_id)
        if poll is None:
            self.fail(seq, f"entry {seq}: manual_result for poll {poll_id}, which was never opened")
            return
        if poll.mode != "manual":
            self.fail(seq, f"entry {seq}: manual_result for poll {poll_id}, which is {poll.mode}")
        elif poll.closed_at is None:
            self.fail(seq, f"entry {seq}: manual_result for poll {poll_id} before it closed")
        elif poll.voided_at is not None:
            self.fail(
                seq,
                f"entry {seq}: manual_result for poll {poll_id}, voided at entry {poll.voided_at}",
            )
        elif poll.manual_at is not None:
            self.fail(
                seq,
                f"entry {seq}: second manual_result for poll {poll_id} (the first is entry "
                f"{poll.manual_at})",
            )
        else:
            poll.manual, poll.manual_at = entry, seq

    def _meeting_closed(self, seq: int, entry: Entry) -> None:
        for poll in self.meeting.polls.values():
            if poll.open:
                self.fail(seq, f"entry {seq}: meeting_closed while poll {poll.poll} is open")
        self.meeting.closed_at = seq

    def detail(self) -> str:
        encrypted = self.counts["encrypted_ballot"]
        return (
            f"{len(self.meeting.polls):,} polls, {self.counts['vote']:,} votes, "
            f"{encrypted:,} encrypted ballots"
        )


def _first_seq(taken: tuple[int, Any] | list[int]) -> int:
    return int(taken[0])
