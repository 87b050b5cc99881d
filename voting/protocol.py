"""Messages on the wire, validated by models: HTTP request bodies and WebSocket messages.

Every client message is checked against one of these models before anything else happens; a
message that does not fit is answered with the error code ``invalid-message`` and changes
nothing. The protocol is described for client authors in ``docs/protocol.md``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

from voting.core.types import ChangePolicy, DeputyStatus, ItemKind, KeyAlg, Mode
from voting.passwords import MIN_PASSWORD_LENGTH

Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Signature = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# HTTP bodies ---------------------------------------------------------------------------------


class Login(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


#: Which meetings an account runs: "all", or a list of meeting ids.
MeetingScope = Literal["all"] | Annotated[list[Id], Field(max_length=1000)]


class NewAccount(Strict):
    username: Id
    role: Literal["admin", "chair", "operator"]
    # The length rule is checked by the service, which refuses a short password with its own
    # code (weak-password); the schema still tells clients the minimum.
    password: Annotated[
        str,
        StringConstraints(min_length=1, max_length=256),
        Field(json_schema_extra={"minLength": MIN_PASSWORD_LENGTH}),
    ]
    # The meetings a chair or operator runs (default: none but those it creates); an
    # administrator runs every meeting.
    meetings: MeetingScope = Field(default_factory=list)


class NewToken(Strict):
    role: Literal["display", "auditor"]
    label: Text
    # How long the token lasts, in hours (default 24: one day of sittings).
    hours: Annotated[int, Field(ge=1, le=24 * 366)] = 24
    # The one meeting it reads (default: every meeting its issuer may run).
    meeting: Id | None = None


class AccountMeetings(Strict):
    meetings: MeetingScope


class NewMeeting(Strict):
    meeting: Id
    origin: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\s+]+$")]
    title: Text
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    settings: dict[str, Any] = Field(default_factory=dict)


class RosterRowIn(Strict):
    deputy: Id
    name: Text
    seat: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    status: DeputyStatus = "active"


class Roster(Strict):
    deputies: Annotated[list[RosterRowIn], Field(min_length=1, max_length=5000)]


class RosterStatus(Strict):
    status: DeputyStatus


class SignInMany(Strict):
    """补签 of several deputies at once, all or none."""

    deputies: Annotated[list[Id], Field(min_length=1, max_length=5000)]


class FloorGrant(Strict):
    """准许发言: to the head of the queue, or to the queued ``deputy``; ``minutes`` the time
    limit (else the meeting's ``speaking_minutes`` setting, else 5)."""

    deputy: Id | None = None
    minutes: Annotated[int, Field(ge=1, le=60)] | None = None


class Leave(Strict):
    leave: bool


class AgendaItem(Strict):
    item: Id
    title: Text
    kind: ItemKind
    rule: dict[str, Any] | None = None
    #: The body that votes: "plenary" (default) or "presidium".
    body: Literal["plenary", "presidium"] | None = None
    #: What a passing motion adopts: {"presidium": [...]}, {"election_rules": {...}} or
    #: {"scrutineers": {...}} (protocol.md, 大会通过的名单与办法).
    adopts: dict[str, Any] | None = None


class Agenda(Strict):
    items: Annotated[list[AgendaItem], Field(max_length=200)]


class Reason(Strict):
    reason: Text


class NewPoll(Strict):
    poll: Id | None = None
    item: Id
    definition: dict[str, Any]
    #: Required: whether a poll is secret is the chair's decision, never a default.
    mode: Mode
    change_policy: ChangePolicy = "last"
    duration_s: Annotated[int, Field(ge=10, le=86400)] | None = None


class BallotCounts(Strict):
    cast: Annotated[int, Field(ge=0)]
    valid: Annotated[int, Field(ge=0)]
    void: Annotated[int, Field(ge=0)]


class ManualResult(Strict):
    issued: Annotated[int, Field(ge=0)]
    ballots: BallotCounts
    counts: dict[str, Any]
    write_ins: dict[str, int] = Field(default_factory=dict)
    write_ins_ignored: Annotated[int, Field(ge=0)] = 0  # elections: write-ins the rules ignored
    confirmed_by: Annotated[list[Text], Field(min_length=1, max_length=20)]


class RunoffRequest(Strict):
    """就票数相等的候选人再次投票: the threshold, by default the meeting's ``runoff_threshold``."""

    threshold: Literal["plurality", "majority"] | None = None


class FurtherRequest(Strict):
    """另行选举: the nominated candidates (tally-format entries), by default those not elected."""

    candidates: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=200)] | None = None


class ConfirmResult(Strict):
    """The presidium's decision confirming an election result, and its members who took it."""

    decision: Text
    by: Annotated[list[Text], Field(min_length=1, max_length=100)]


class OathTaken(Strict):
    """The constitution oath took place: who led it (领誓人) and the names of those who swore."""

    led_by: Text
    sworn: Annotated[list[Text], Field(min_length=1, max_length=200)]


class DecryptionShares(Strict):
    """Scrutineer ``scrutineer``'s decryption shares of a closed encrypted poll's aggregate
    (``ballot-crypto-threshold.md`` §9): ``checkpoint`` the text of a signed checkpoint covering
    the ``aggregate`` entry, ``aggregate`` its hash, ``shares`` base64url of
    ``u8(j) ‖ D_j ‖ proof`` per aggregated ciphertext, in the aggregate's order."""

    scrutineer: Annotated[int, Field(ge=1, le=99)]
    checkpoint: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    aggregate: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    shares: Annotated[
        list[Annotated[str, StringConstraints(min_length=130, max_length=130)]],
        # At most 400 sums (a poll of 200 entries); even with every character escaped the
        # body stays under the 1 MiB limit of request bodies.
        Field(min_length=1, max_length=400),
    ]


class Pair(Strict):
    code: Annotated[str, StringConstraints(min_length=8, max_length=64)]
    device: Id
    alg: KeyAlg
    public_key: Annotated[str, StringConstraints(min_length=40, max_length=200)]


# WebSocket messages from clients --------------------------------------------------------------


class TabletHello(Strict):
    """The tablet's first message: its device, and its signature over the hello body that binds
    the meeting's origin, the device and the nonce of the server's ``challenge``."""

    type: Literal["hello"]
    device: Id
    sig: Signature
    seq: Annotated[int, Field(ge=0)] | None = None  # the last log position the tablet saw


class ConsoleHello(Strict):
    type: Literal["hello"]
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class SignedMessage(Strict):
    id: Annotated[str, StringConstraints(max_length=64)] | None = None
    type: Literal["sign_in", "vote", "speak_request", "speak_withdraw"]
    body: dict[str, Any]
    sig: Signature


class EncryptedBallotMessage(Strict):
    """An encrypted ballot (``docs/protocol.md``): the signed body ``{type:
    "encrypted_ballot", origin, deputy, device, n, poll, ballot_hash}`` (``ballot_hash`` the
    SHA-256 of the ballot's bytes, lowercase hex) and the ballot JSON (ciphertexts and proofs,
    ``docs/ballot-crypto.md`` §8), decoded strictly with the poll's shape afterwards."""

    id: Annotated[str, StringConstraints(max_length=64)] | None = None
    type: Literal["encrypted_ballot"]
    body: dict[str, Any]
    sig: Signature
    ballot: dict[str, Any]


class ProposalMessage(Strict):
    """A co-signed proposal's tablet message (``docs/protocol.md``): a draft, a co-sponsor's
    signature, the drafter's submission, or the rating of a suggestion's answer."""

    id: Annotated[str, StringConstraints(max_length=64)] | None = None
    type: Literal["proposal_draft", "proposal_sign", "proposal_submit", "suggestion_rate"]
    body: dict[str, Any]
    sig: Signature


class WitnessMessage(Strict):
    """A tablet witnessing the log (``docs/audit-log.md`` §8): its C2SP cosignature of a
    checkpoint (``checkpoint_cosign``: body {size, previous, cosignature}), or its report of a
    split view (``split_view_alarm``: body {trusted, shown}, two signed checkpoint notes)."""

    id: Annotated[str, StringConstraints(max_length=64)] | None = None
    type: Literal["checkpoint_cosign", "split_view_alarm"]
    body: dict[str, Any]
    sig: Signature


class Ping(Strict):
    id: Annotated[str, StringConstraints(max_length=64)] | None = None
    type: Literal["ping"]


#: Any message a tablet sends after ``hello``.
TabletMessage = SignedMessage | EncryptedBallotMessage | ProposalMessage | WitnessMessage | Ping
TABLET_MESSAGE: TypeAdapter[TabletMessage] = TypeAdapter(
    Annotated[TabletMessage, Field(discriminator="type")]
)
