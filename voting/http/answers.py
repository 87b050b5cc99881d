"""The JSON answers of the HTTP API, as models: the OpenAPI document publishes their schemas.

Handlers build plain dicts (the views of :mod:`voting.views`); these models say what those dicts
hold, so that clients and tests can check every answer. Fields that only some answers carry
are optional; objects whose contents the tally format or the log defines (a poll definition,
a result, a log entry) are plain JSON objects here. Extra fields are allowed: a client must
ignore fields it does not know.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from voting.core.types import Mode


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


# Accounts and tokens ---------------------------------------------------------------------------


class LoggedIn(Answer):
    token: str
    role: Literal["admin", "chair", "operator"]
    username: str


class LoggedOut(Answer):
    logged_out: Literal[True]


class AccountCreated(Answer):
    """An account and the meetings it runs: ``"all"`` or a list of meeting ids."""

    username: str
    role: Literal["admin", "chair", "operator"]
    meetings: Literal["all"] | list[str]


class AccountBrief(Answer):
    username: str
    role: Literal["admin", "chair", "operator"]


class MeetingAccounts(Answer):
    """The accounts that may run a meeting (administrators, those granted every meeting, those
    granted this one), by user name."""

    meeting: str
    accounts: list[AccountBrief]


class AccountList(Answer):
    """Every account with its role and the meetings it runs (never a password hash)."""

    accounts: list[AccountCreated]


class ReadTokenInfo(Answer):
    """A display or auditor token as listed: ``id`` (the token's SHA-256) names it for
    revocation; ``expires_at`` is in the log's UTC time format."""

    id: str
    role: Literal["display", "auditor"]
    label: str
    expires_at: str | None


class TokenIssued(ReadTokenInfo):
    """The secret ``token`` is shown this once; the server keeps only its SHA-256."""

    token: str


class TokenList(Answer):
    tokens: list[ReadTokenInfo]


class TokenRevoked(Answer):
    id: str
    revoked: Literal[True]


# Meetings --------------------------------------------------------------------------------------


class MeetingSummary(Answer):
    meeting: str
    origin: str
    title: str
    date: str
    status: Literal["draft", "open", "closed"]


class MeetingList(Answer):
    meetings: list[MeetingSummary]


class MeetingCreated(Answer):
    meeting: str
    status: Literal["draft"]


class MeetingOpened(Answer):
    meeting: str
    status: Literal["open"]
    log_key: str


class RosterImported(Answer):
    meeting: str
    deputies: int = Field(ge=0)


class Attendance(Answer):
    """应出席 / 实到 / 请假 and the quorum verdict."""

    electorate: int
    present: int
    leave: int
    quorum_met: bool


class ItemView(Answer):
    item: str
    title: str
    kind: str
    status: str


class PollView(Answer):
    """A poll as the public view shows it; ``result`` once closed, ``votes`` of a named poll."""

    poll: str
    item: str
    kind: str
    mode: Mode
    change_policy: Literal["last", "first"]
    definition: dict[str, Any]
    status: str
    present: int
    cast: int
    closes_at: str | None
    announced: bool
    result: dict[str, Any] | None = None
    votes: dict[str, Any] | None = None
    confirmed_by: list[str] | None = None
    void_reason: str | None = None
    #: Encrypted polls: while open, what tablets build their ballots with; once closed, how far
    #: the scrutineers' decryption is.
    encryption: dict[str, Any] | None = None
    decryption: dict[str, Any] | None = None


class RosterEntry(Answer):
    """A deputy: in a draft meeting the roster file's fields; in an open one (the console's
    view) also attendance and device."""

    deputy: str
    name: str
    seat: str
    status: Literal["active", "suspended", "ended"]
    signed_in: bool | None = None
    leave: bool | None = None
    device: str | None = None
    online: bool | None = None


class MeetingView(Answer):
    """``GET /api/meetings/{meeting}``: a draft meeting (its roster), or an open or closed
    one: the public view (display tokens) or the console's (accounts: with ``roster`` and every
    poll)."""

    meeting: dict[str, Any]
    origin: str
    status: Literal["draft", "open", "closed"]
    roster: list[RosterEntry] | None = None
    seq: int | None = None
    closed: bool | None = None
    attendance: Attendance | None = None
    items: list[ItemView] | None = None
    current_item: str | None = None
    poll: PollView | None = None
    polls: list[PollView] | None = None
    log_key: str | None = None
    # The speaking queue: {queue [{deputy, name, seat}], speaker {…, minutes, ends_at} | null,
    # default_minutes}.
    speaking: dict[str, Any] | None = None
    # Tablets that reported a split view (日志不一致), when any did: [{deputy, device, seq}].
    split_view_alarms: list[dict[str, Any]] | None = None


# Commands --------------------------------------------------------------------------------------


class Written(Answer):
    """A committed command: the log position of each entry it wrote."""

    seq: list[int]


class DocumentAdded(Written):
    """A document stored and logged: its SHA-256 (hex) and size in bytes."""

    sha256: str
    size: int


class PollOpened(Written):
    poll: str


class PollClosed(Written):
    result: dict[str, Any] | None  # None: an encrypted poll, decrypted by the scrutineers later


class PollList(Answer):
    polls: list[PollView]


# Devices ---------------------------------------------------------------------------------------


class PairingCode(Answer):
    deputy: str
    code: str
    expires_at: str


class DeviceInfo(Answer):
    device: str
    deputy: str
    alg: str
    active: bool
    online: bool
    last_seen: str | None


class DeviceList(Answer):
    devices: list[DeviceInfo]


class Paired(Written):
    deputy: str
    device: str
    origin: str
    log_key: str


# The log ---------------------------------------------------------------------------------------


class InclusionProof(Answer):
    seq: int
    size: int
    proof: list[str]


class ConsistencyProof(Answer):
    from_: int = Field(alias="from")
    to: int
    proof: list[str]


class SignedCheckpoint(Answer):
    size: int
    note: str


class CheckpointPage(Answer):
    """Signed checkpoints, oldest first; ``more``: a next page (``?after=`` the last size)."""

    checkpoints: list[SignedCheckpoint]
    more: bool


class BallotEntry(Answer):
    seq: int
    entry: dict[str, Any]
