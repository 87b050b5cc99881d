"""The meeting's vocabulary: one name for each kind of id and each closed set of words.

Ids are ``NewType`` strings so that the type checker catches a deputy id passed as a device id;
the closed sets are ``Literal`` types with the frozensets that check input against them.
"""

from __future__ import annotations

from typing import Any, Final, Literal, NewType

MeetingId = NewType("MeetingId", str)
DeputyId = NewType("DeputyId", str)
DeviceId = NewType("DeviceId", str)
ItemId = NewType("ItemId", str)
PollId = NewType("PollId", str)

#: An audit entry as a decision returns it (without ``v``, ``seq`` or ``at``, which the log adds).
Entry = dict[str, Any]

#: How a poll is voted: 无记名（加密） (encrypted: ballots encrypted on the tablet, only totals
#: decrypted by the scrutineers), 记名 (named), or by hand (manual: show of hands or paper).
Mode = Literal["encrypted", "named", "manual"]
MODES: Final = frozenset({"encrypted", "named", "manual"})
#: Modes whose choices are secret: the log shows who took part, never what they chose.
SECRET_MODES: Final = frozenset({"encrypted"})

#: Whether a deputy may change a vote: the last press counts, or the first is final.
ChangePolicy = Literal["last", "first"]
CHANGE_POLICIES: Final = frozenset({"last", "first"})

#: Agenda item kinds; the voting kinds are those a poll can be opened on.
ItemKind = Literal["report", "motion", "election", "selection", "evaluation", "oath"]
VOTING_KINDS: Final = frozenset({"motion", "election", "selection", "evaluation"})
ITEM_KINDS: Final = VOTING_KINDS | {"report", "oath"}

#: A poll is open, then closed (counted) or voided.
PollStatus = Literal["open", "closed", "voided"]

#: A deputy's seat: active, suspended (暂停执行代表职务) or ended (终止).
DeputyStatus = Literal["active", "suspended", "ended"]
DEPUTY_STATUSES: Final = frozenset({"active", "suspended", "ended"})
#: Statuses that still hold a seat (they count in 应出席).
SEATED_STATUSES: Final = frozenset({"active", "suspended"})

#: Device key algorithms a tablet may pair with.
KeyAlg = Literal["ed25519", "p256"]
KEY_ALGS: Final = frozenset({"ed25519", "p256"})

#: Types of signed tablet bodies, by the message that carries them.
BodyType = Literal[
    "hello",
    "sign_in",
    "vote",
    "encrypted_ballot",
    "speak_request",
    "speak_withdraw",
    "proposal_draft",
    "proposal_sign",
    "proposal_submit",
    "suggestion_rate",
    "checkpoint_cosign",
    "split_view_alarm",
]

#: The longest reason (voiding, withdrawing) in characters.
MAX_REASON: Final = 500
