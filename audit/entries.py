"""The entry types of a meeting's log and the fields each must carry (audit-log.md §4).

Every entry is a JSON object with ``v`` (always 1), ``seq`` (its leaf index), ``type`` and
``at``, a UTC time ``YYYY-MM-DDTHH:MM:SSZ``. The required fields
listed here are the minimum; writers may add fields, never remove these. The optional fields are
those the server adds in some cases. ``docs/audit-log.md`` §4 documents both, and a test keeps
the two alike.

Identifiers are strings: deputies (``"d-07"``), devices, polls, agenda items. Actor fields
(``by``) name a chair/operator account or ``device:<id>``.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import UTC, datetime
from typing import Final

ENTRY_VERSION: Final = 1

#: Required fields per entry type, besides ``v``, ``seq``, ``type`` and ``at``.
REQUIRED_FIELDS: Final[dict[str, frozenset[str]]] = {
    "meeting_opened": frozenset({"meeting", "origin", "log_key", "roster", "settings"}),
    "roster_changed": frozenset({"deputy", "status", "by"}),
    "device_paired": frozenset({"deputy", "device", "alg", "public_key", "by"}),
    "device_revoked": frozenset({"deputy", "device", "by"}),
    # ``method`` is "tablet" or "operator"; a tablet sign-in also carries ``body`` and ``sig``.
    "signed_in": frozenset({"deputy", "method", "by"}),
    "signed_out": frozenset({"deputy", "method", "by"}),
    # Leave register: ``leave`` true records approved leave (请假), false withdraws it.
    "leave_recorded": frozenset({"deputy", "leave", "by"}),
    "agenda_set": frozenset({"items"}),
    # The chair makes an agenda item current (pushed to every tablet), or withdraws it.
    "item_current": frozenset({"item", "by"}),
    "item_withdrawn": frozenset({"item", "reason", "by"}),
    # A document (PDF) of an agenda item: its title, file name, size in bytes and SHA-256
    # (lower-case hex); an export bundle carries the file as ``documents/<sha256>.pdf``.
    "document_added": frozenset({"item", "title", "filename", "size", "sha256", "by"}),
    # ``definition`` is exactly the ``poll`` object of the tally format.
    "poll_opened": frozenset(
        {"poll", "item", "definition", "mode", "change_policy", "present", "by"}
    ),
    "vote": frozenset({"poll", "deputy", "device", "choice", "body", "sig"}),
    "poll_closed": frozenset({"poll", "participants", "issued", "by"}),
    # ``ballots`` is {"cast", "valid", "void"}; ``counts`` and ``write_ins`` as in the tally
    # format's output.
    "manual_result": frozenset({"poll", "ballots", "counts", "write_ins", "by", "confirmed_by"}),
    "result": frozenset({"poll", "result"}),
    # The presidium's decision confirming an election result (``decision``, its text) and the
    # members who took it (``presidium``); only then may the result be announced.
    "result_confirmed": frozenset({"poll", "decision", "presidium", "by"}),
    "result_announced": frozenset({"poll", "by"}),
    # The constitution oath (宪法宣誓) of an agenda item of kind ``oath`` took place: who led it
    # (``led_by``, 领誓人) and who swore (``sworn``, names); once per item.
    "oath_taken": frozenset({"item", "led_by", "sworn", "by"}),
    "poll_voided": frozenset({"poll", "reason", "by"}),
    "meeting_closed": frozenset({"by"}),
    # A passing motion's poll adopted what its agenda item ``adopts``: the presidium's members,
    # the election rules (选举办法) or the scrutineers and tellers; it follows that ``result``.
    "motion_adopted": frozenset({"poll", "item", "adopts"}),
    # The scrutineers' threshold key is complete (its test decryption succeeded): the key
    # ``key_id`` (hex), t of n, the public key and each scrutineer's verification key
    # (base64url, by index "1".."n") and the deputy holding each share.
    "key_completed": frozenset(
        {"key_id", "t", "n", "public_key", "verification_keys", "scrutineers"}
    ),
    # Encrypted polls (ballot-secrecy.md): a ballot naming its deputy, written when cast, with
    # the tablet's signed body (``ballot_hash``: SHA-256 of the ballot bytes) and the ballot
    # JSON (ciphertexts and proofs, ballot-crypto.md §8).
    "encrypted_ballot": frozenset({"poll", "deputy", "device", "body", "sig", "ballot"}),
    # After ``poll_closed``: the seqs of the counted ballots, the sum of each mark ciphertext
    # over them and the hash the decryption shares are bound to.
    "aggregate": frozenset({"poll", "counted", "sums", "hash"}),
    # Scrutineer ``scrutineer``'s decryption shares of the aggregate, over a signed checkpoint.
    "decryption_shares": frozenset({"poll", "scrutineer", "checkpoint", "aggregate", "shares"}),
    # The totals combined from t share sets (``scrutineers``), and ΣU, the write-ins made.
    "decrypted_totals": frozenset({"poll", "totals", "write_ins_made", "scrutineers"}),
    # A scrutineer's station (their own laptop) registered its signing key; never a voting
    # device. A later pairing for the same deputy replaces the station.
    "station_paired": frozenset({"deputy", "station", "alg", "public_key", "by"}),
    # A run of the key ceremony: its id, t of n, and by index "1".."n" the deputy and station.
    "ceremony_started": frozenset({"ceremony", "t", "n", "scrutineers", "stations", "by"}),
    # One message of a ceremony round: its ``kind``, the sender's ``index`` and the exact bytes
    # (base64url, ``message``), with the station's signed body and signature.
    "ceremony_message": frozenset(
        {"ceremony", "kind", "index", "message", "deputy", "station", "station_body", "sig"}
    ),
    # The verdict on a scrutineer caught breaking the ceremony protocol: the run has failed.
    "ceremony_fault": frozenset({"ceremony", "index", "deputy", "code", "reason"}),
    # A fresh challenge that t stations must answer before the encrypted poll opens.
    "liveness_challenge": frozenset({"poll", "challenge", "key_id", "by"}),
    # A station's answer: a proof that scrutineer ``index`` holds its share, signed.
    "liveness": frozenset(
        {"poll", "challenge", "index", "proof", "deputy", "station", "station_body", "sig"}
    ),
    # Scrutineer ``scrutineer``'s shuffle of the write-in list: the station's signed body holds
    # the shuffle's bytes (``shuffle``); ``output`` is the hash of the shuffled list.
    "shuffle": frozenset(
        {"poll", "scrutineer", "index", "output", "deputy", "station", "station_body", "sig"}
    ),
    # Scrutineer ``scrutineer``'s decryption shares of every point of the final write-in list
    # (``final``, its hash), in the station's signed body (``shares``).
    "write_in_shares": frozenset(
        {"poll", "scrutineer", "final", "deputy", "station", "station_body", "sig"}
    ),
    # The written names counted from t write-in share sets (``scrutineers``) and how many of
    # the write-ins the per-ballot rules ignored (or that did not decode to a name).
    "decrypted_write_ins": frozenset({"poll", "write_ins", "write_ins_ignored", "scrutineers"}),
    # The speaking queue (申请发言): a deputy's signed request to speak or its withdrawal, the
    # chair granting the floor to a queued deputy for ``minutes`` until ``ends_at``, and its
    # end, with the ``reason``: ``chair`` (the chair ended it) or ``time`` (the limit passed).
    "speech_requested": frozenset({"deputy", "by", "body", "sig"}),
    "speech_withdrawn": frozenset({"deputy", "by", "body", "sig"}),
    "floor_granted": frozenset({"deputy", "minutes", "ends_at", "by"}),
    "floor_ended": frozenset({"deputy", "reason", "by"}),
    # Co-signed proposals (audit/proposals.py): a deputy's signed draft, whose SHA-256 is the
    # ``proposal``; a co-sponsor's signature over that hash; the drafter's submission, tabled
    # as ``kind`` with every sponsor's signed body (``signatures``), the ``required`` count
    # and the ``electorate`` it was reckoned from.
    "proposal_drafted": frozenset({"proposal", "kind", "deputy", "device", "body", "sig", "by"}),
    "proposal_signed": frozenset({"proposal", "deputy", "device", "body", "sig", "by"}),
    "proposal_tabled": frozenset(
        {"proposal", "kind", "sponsors", "required", "electorate", "signatures"}
        | {"deputy", "device", "body", "sig", "by"}
    ),
    # The presidium's decision on a tabled bill (``agenda`` or ``suggestion``) and its
    # reference; the answer to a suggestion; the drafter's signed rating of that answer.
    "proposal_decided": frozenset({"proposal", "decision", "reference", "by"}),
    "suggestion_answered": frozenset({"proposal", "unit", "deadline", "answer", "by"}),
    "suggestion_rated": frozenset({"proposal", "rating", "deputy", "device", "body", "sig", "by"}),
    # Livelihood projects (民生实事项目): a candidate project registered with its budget in
    # whole 元 (``budget_yuan``), responsible unit, completion date (YYYY-MM-DD) and ``source``
    # (deputies, residents or government); withdrawn before a selection poll lists it; the
    # deputies supervising and the milestones (``date``, ``text``, ``percent`` done) of a
    # project adopted in meeting ``adopted_in``; the evaluation poll ``poll`` rating the
    # ``projects`` adopted in meeting ``adopted_in`` (it follows that poll's poll_opened).
    "project_registered": frozenset(
        {"project", "title", "budget_yuan", "unit", "completion", "source", "description", "by"}
    ),
    "project_withdrawn": frozenset({"project", "reason", "by"}),
    "project_supervisors": frozenset({"adopted_in", "project", "deputies", "by"}),
    "project_milestone": frozenset({"adopted_in", "project", "date", "text", "percent", "by"}),
    "project_evaluation": frozenset({"poll", "adopted_in", "projects", "by"}),
    # A public notice (公告) numbered ``notice`` (1, 2, … per meeting) of ``kind`` "result",
    # "projects" or "proposals", its ``title``, what it cites (``sources``: the poll, or the
    # proposals' hashes), its ``text``, and ``sha256`` over those (audit/notices.py).
    "notice_issued": frozenset({"notice", "kind", "title", "sources", "text", "sha256", "by"}),
    # Tablets as witnesses (audit-log.md §8): a tablet shown a checkpoint inconsistent with
    # one it had verified reports both signed notes in its signed body (``trusted``,
    # ``shown``).
    "split_view_alarm": frozenset({"deputy", "device", "body", "sig", "by"}),
}

#: Fields that some entries of a type carry besides the required ones, and when.
OPTIONAL_FIELDS: Final[dict[str, frozenset[str]]] = {
    **{kind: frozenset() for kind in REQUIRED_FIELDS},
    # The administrator who opened the meeting.
    "meeting_opened": frozenset({"by"}),
    # The revoked device's key, as in its ``device_paired`` entry.
    "device_revoked": frozenset({"alg", "public_key"}),
    # A sign-in or sign-out on the tablet carries the tablet's signed message.
    "signed_in": frozenset({"body", "sig"}),
    "signed_out": frozenset({"body", "sig"}),
    # A poll the server closes by itself at this time (the ``at`` format); ``voters``
    # "presidium" when only the presidium's members vote; ``election_rules`` the poll that
    # adopted the election rules an election follows.
    "poll_opened": frozenset({"closes_at", "voters", "election_rules", "key_id"}),
    # An election with write-in slots: ΣU, the sum of the write-in flags.
    "aggregate": frozenset({"write_in_sum"}),
    # "write-in-mix" when someone wrote in: the result waits for the write-in mix.
    "decrypted_totals": frozenset({"awaiting"}),
    # Write-ins on valid paper ballots the rules ignored (elections), when there were any.
    "manual_result": frozenset({"write_ins_ignored"}),
}

ENTRY_TYPES: Final = frozenset(REQUIRED_FIELDS)

#: Entry types of the sealed-ballot protocol, retired in this version: a log that holds one
#: was written by an older server, and the verifier says so instead of "unknown entry type".
RETIRED_TYPES: Final = frozenset({"participation", "ballot"})

POLL_MODES: Final = frozenset({"encrypted", "named", "manual"})
CHANGE_POLICIES: Final = frozenset({"last", "first"})
ROSTER_STATUSES: Final = frozenset({"active", "suspended", "ended"})
SIGN_IN_METHODS: Final = frozenset({"tablet", "operator"})
DEVICE_ALGORITHMS: Final = frozenset({"ed25519", "p256"})
PROJECT_SOURCES: Final = frozenset({"deputies", "residents", "government"})

AT_PATTERN: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def retired_message(kind: str) -> str:
    """Why an entry of a retired type is refused, after ``entry N: ``."""
    return f"type {kind} belongs to the sealed-ballot protocol, retired in this version"


def format_at(moment: datetime) -> str:
    """Return ``moment`` as the log's time format, in UTC, to the second."""
    if moment.tzinfo is None:
        raise ValueError("a log time must be timezone-aware")
    return _format_second(math.floor(moment.timestamp()))


@functools.lru_cache(maxsize=8)
def _format_second(second: int) -> str:
    """The log's time format of a second since the epoch: the server stamps every message it
    hears with the time (``devices.hub.Hub.seen``), thousands in the same second of a vote."""
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
