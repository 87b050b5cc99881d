"""The whole server's state: meetings (draft and open), accounts, tokens and pairing codes.

:class:`Congress` owns the database engine, the log signing key and the clock, all passed in.
Draft meetings and their rosters live in ordinary tables; opening a meeting creates its log,
whose first entry ``meeting_opened`` snapshots the roster, and from then on the meeting changes
only through its :class:`~voting.service.MeetingService`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from audit.entries import format_at
from audit.keys import check_key_name
from audit.note import NoteSigner
from audit.store import AuditLog
from audit.tables import init_schema
from devices.pairing import PairingCodeError, PairingCodes, random_code
from voting import core
from voting.core.proposals import check_proposal_settings
from voting.errors import (
    CommandError,
    Conflict,
    NotFound,
    Unauthenticated,
    meeting_not_open,
    unknown_deputy,
)
from voting.passwords import MIN_PASSWORD_LENGTH, Passwords
from voting.roster import RosterLine
from voting.scopes import EVERY_MEETING, NO_MEETING, Scope, Scopes, meeting_not_permitted
from voting.service import CommitListener, MeetingService
from voting.tables import AccountRow, MeetingRow, RosterRow, TokenRow, create_tables

Clock = Callable[[], datetime]
#: The log signing key under a given name (the log origin).
SignerFor = Callable[[str], NoteSigner]

ACCOUNT_ROLES = frozenset({"admin", "chair", "operator"})
READ_ROLES = frozenset({"display", "auditor"})
SESSION_HOURS = 12
#: How long a display or auditor token lasts unless its issuer says otherwise.
READ_TOKEN_HOURS = 24


@dataclass(frozen=True)
class Principal:
    """Who is calling: an account (admin/chair/operator) or a read-only token; ``token_id`` is
    the SHA-256 of the token it called with."""

    role: str
    subject: str
    token_id: str = ""

    @property
    def actor(self) -> str:
        return self.subject


@dataclass(frozen=True)
class ReadToken:
    """A display or auditor token as listed: ``id`` is the SHA-256 of the secret (the server
    keeps nothing else of it), ``label`` what its issuer called it."""

    id: str
    role: str
    label: str
    expires_at: str | None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Congress:
    def __init__(
        self,
        *,
        engine: Engine,
        signer_for: SignerFor,
        clock: Clock,
        passwords: Passwords | None = None,
    ) -> None:
        self.engine = engine
        self.passwords = passwords if passwords is not None else Passwords()
        self.signer_for = signer_for
        self.clock = clock
        self._services: dict[str, MeetingService] = {}
        self._on_commit: CommitListener | None = None
        self._lock = threading.Lock()
        self._open_lock = asyncio.Lock()
        self.pairing = PairingCodes(engine, self.now_at)
        self.scopes = Scopes(engine)
        create_tables(engine)  # first: it may refuse a database before anything is created
        init_schema(engine)

    def on_commit(self, listener: CommitListener) -> None:
        """Tell ``listener`` of every transaction committed in any meeting (the live pushes)."""
        with self._lock:
            self._on_commit = listener
            for service in self._services.values():
                service.on_commit = listener

    def now_at(self, delta: timedelta = timedelta()) -> str:
        return format_at(self.clock() + delta)

    # Accounts and tokens --------------------------------------------------------------------

    def create_account(
        self, username: str, role: str, password: str, meetings: Scope = NO_MEETING
    ) -> None:
        """A new account; a chair or operator runs ``meetings`` (and those it creates)."""
        if role not in ACCOUNT_ROLES:
            raise CommandError("invalid-role", "角色无效", f'unknown role "{role}"')
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise CommandError("invalid-username", "用户名无效", "invalid username")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise CommandError(
                "weak-password",
                f"密码至少需要{MIN_PASSWORD_LENGTH}个字符",
                f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
            )
        with Session(self.engine) as session, session.begin():
            if session.get(AccountRow, username) is not None:
                raise Conflict("account-exists", "该用户名已存在", f"account {username} exists")
            session.add(
                AccountRow(username=username, role=role, password=self.passwords.hash(password))
            )
            session.flush()
            if role != "admin":
                self.scopes.replace(session, username, meetings)

    def login(self, username: str, password: str) -> tuple[str, str]:
        """Check the password; return a new session token and the account's role. An unknown
        name costs the same scrypt work as a wrong password. Slow (scrypt): call it from a
        worker thread, not the event loop."""
        with Session(self.engine) as session:
            account = session.get(AccountRow, username)
        stored = account.password if account is not None else None
        if not self.passwords.check(password, stored) or account is None:
            raise Unauthenticated("bad-login", "用户名或密码错误", "wrong username or password")
        token = self.issue_token(account.role, username, hours=SESSION_HOURS)
        return token, account.role

    def issue_token(
        self,
        role: str,
        subject: str,
        *,
        hours: int | None = None,
        reads: Scope = EVERY_MEETING,
    ) -> str:
        """A new token of ``role`` for ``subject``; a display or auditor token reads ``reads``."""
        token = random_code(32)
        expires = None if hours is None else self.now_at(timedelta(hours=hours))
        with Session(self.engine) as session, session.begin():
            session.add(
                TokenRow(token_hash=_sha256(token), role=role, subject=subject, expires_at=expires)
            )
            if role in READ_ROLES:
                self.scopes.limit_token(session, _sha256(token), reads, issuer="")
        return token

    def authenticate(self, token: str) -> Principal:
        with Session(self.engine) as session:
            row = session.get(TokenRow, _sha256(token))
        if row is None or (row.expires_at is not None and row.expires_at <= self.now_at()):
            raise Unauthenticated("bad-token", "登录已失效，请重新登录", "invalid or expired token")
        return Principal(row.role, row.subject, row.token_hash)

    # Scopes: which meetings a caller may act on ----------------------------------------------

    def scope_of(self, principal: Principal) -> Scope:
        """The meetings ``principal`` may act on, as the grants say now."""
        return self.scopes.of_caller(principal.role, principal.subject, principal.token_id)

    def check_scope(self, principal: Principal, meeting: str) -> None:
        """403 ``meeting-not-permitted`` unless ``meeting`` is in the caller's scope."""
        if not self.scope_of(principal).permits(meeting):
            raise meeting_not_permitted(meeting)

    def accounts(self) -> list[tuple[AccountRow, Scope]]:
        """Every account with what it may run, by username."""
        with Session(self.engine) as session:
            rows = list(session.exec(select(AccountRow).order_by(col(AccountRow.username))))
        return [(row, self.scopes.of_account(row.username)) for row in rows]

    def set_scope(self, username: str, meetings: Scope) -> tuple[str, Scope]:
        """Replace what a chair or operator account may run (from its next call on); its role
        and new scope."""
        with Session(self.engine) as session, session.begin():
            role = self.scopes.replace(session, username, meetings)
        return role, self.scopes.of_account(username)

    def logout(self, token: str) -> None:
        """Forget ``token`` (a session, display or auditor token): it is refused from now on."""
        with Session(self.engine) as session, session.begin():
            row = session.get(TokenRow, _sha256(token))
            if row is not None:
                session.delete(row)
                self.scopes.forget_token(session, row.token_hash)

    def issue_read_token(
        self,
        role: str,
        label: str,
        *,
        hours: int = READ_TOKEN_HOURS,
        issuer: Principal | None = None,
        meeting: str | None = None,
    ) -> tuple[str, ReadToken]:
        """A new display or auditor token valid for ``hours``: the secret, and how it is listed.

        It reads what its ``issuer`` may run (every meeting without one), or only ``meeting``
        (403 ``meeting-not-permitted`` outside the issuer's scope)."""
        if role not in READ_ROLES:
            raise CommandError("invalid-role", "角色无效", f'unknown role "{role}"')
        scope = EVERY_MEETING if issuer is None else self.scope_of(issuer)
        if meeting is not None:
            if not scope.permits(meeting):
                raise meeting_not_permitted(meeting)
            self.meeting_row(meeting)
            scope = Scope.listed([meeting])
        token = random_code(32)
        listed = ReadToken(_sha256(token), role, label, self.now_at(timedelta(hours=hours)))
        with Session(self.engine) as session, session.begin():
            session.add(
                TokenRow(
                    token_hash=listed.id,
                    role=role,
                    subject=f"{role}:{label}",
                    expires_at=listed.expires_at,
                )
            )
            issued_by = issuer.subject if issuer is not None and issuer.role != "admin" else ""
            self.scopes.limit_token(session, listed.id, scope, issued_by)
        return token, listed

    def read_tokens(self, visible_to: Scope = EVERY_MEETING) -> list[ReadToken]:
        """The display and auditor tokens that are still valid and read only meetings of
        ``visible_to``, soonest to expire first."""
        now = self.now_at()
        with Session(self.engine) as session:
            rows = session.exec(select(TokenRow).where(col(TokenRow.role).in_(READ_ROLES)))
            live = [r for r in rows if r.expires_at is None or r.expires_at > now]
        scopes = self.scopes.of_tokens(r.token_hash for r in live)
        live = [r for r in live if visible_to.covers(scopes[r.token_hash])]
        listed = [self._listed(r.token_hash, r.role, r.subject, r.expires_at) for r in live]
        return sorted(listed, key=lambda t: (t.expires_at or "~", t.id))

    def revoke_read_token(self, token_id: str, visible_to: Scope = EVERY_MEETING) -> None:
        """Delete the display or auditor token whose SHA-256 is ``token_id`` (one that reads a
        meeting outside ``visible_to`` is not found)."""
        covered = visible_to.covers(self.scopes.of_tokens([token_id])[token_id])
        with Session(self.engine) as session, session.begin():
            row = session.get(TokenRow, token_id)
            if row is None or row.role not in READ_ROLES or not covered:
                raise NotFound(
                    "unknown-token",
                    "该令牌不存在或已撤销",
                    f"no display or auditor token {token_id}",
                )
            session.delete(row)
            self.scopes.forget_token(session, token_id)

    @staticmethod
    def _listed(token_hash: str, role: str, subject: str, expires_at: str | None) -> ReadToken:
        return ReadToken(token_hash, role, subject.removeprefix(f"{role}:"), expires_at)

    # Draft meetings -----------------------------------------------------------------------

    def create_meeting(
        self,
        *,
        meeting: str,
        origin: str,
        title: str,
        date: str,
        settings: dict[str, Any],
        creator: str | None = None,
    ) -> None:
        """A new draft meeting; the account ``creator`` is granted it."""
        try:
            check_key_name(origin)
        except ValueError as error:
            raise CommandError("invalid-origin", "日志名称无效", str(error)) from None
        if not meeting or not title.strip():
            raise CommandError("invalid-meeting", "会议编号和名称不能为空", "id and title required")
        check_proposal_settings(settings)
        with Session(self.engine) as session, session.begin():
            if session.get(MeetingRow, meeting) is not None:
                raise Conflict("meeting-exists", "会议编号已存在", f"meeting {meeting} exists")
            if session.exec(select(MeetingRow).where(MeetingRow.origin == origin)).first():
                raise Conflict("origin-exists", "日志名称已被使用", f"origin {origin} is taken")
            session.add(
                MeetingRow(
                    id=meeting,
                    origin=origin,
                    title=title.strip(),
                    date=date,
                    settings_json=json.dumps(settings, ensure_ascii=False),
                )
            )
            if creator is not None:
                session.flush()
                self.scopes.grant(session, creator, meeting)

    def meeting_row(self, meeting: str) -> MeetingRow:
        with Session(self.engine) as session:
            row = session.get(MeetingRow, meeting)
        if row is None:
            raise NotFound("unknown-meeting", f"会议 {meeting} 不存在", f"no meeting {meeting}")
        return row

    def meetings(self, visible_to: Scope = EVERY_MEETING) -> list[MeetingRow]:
        """The meetings of ``visible_to``, by id."""
        with Session(self.engine) as session:
            rows = session.exec(select(MeetingRow).order_by(col(MeetingRow.id)))
            return [row for row in rows if visible_to.permits(row.id)]

    def set_roster(self, meeting: str, lines: Sequence[RosterLine]) -> None:
        """Replace the roster of a draft meeting."""
        row = self.meeting_row(meeting)
        if row.status != "draft":
            raise Conflict(
                "meeting-open",
                "会议已开始，名册变更请使用代表状态调整",
                "the meeting is already open",
            )
        with Session(self.engine) as session, session.begin():
            for old in session.exec(select(RosterRow).where(RosterRow.meeting == meeting)):
                session.delete(old)
            session.flush()
            for line in lines:
                session.add(
                    RosterRow(
                        meeting=meeting,
                        deputy=line.deputy,
                        name=line.name,
                        seat=line.seat,
                        status=line.status,
                    )
                )

    def roster(self, meeting: str) -> list[RosterRow]:
        with Session(self.engine) as session:
            rows = session.exec(select(RosterRow).where(RosterRow.meeting == meeting))
            return sorted(rows, key=lambda r: r.seat)

    async def open_meeting(self, meeting: str, *, by: str) -> MeetingService:
        """Create the meeting's log with ``meeting_opened`` (the roster snapshot) as entry 0."""
        async with self._open_lock:
            row = self.meeting_row(meeting)
            if row.status != "draft":
                raise Conflict("meeting-open", "会议已开始", f"meeting {meeting} is already open")
            roster = self.roster(meeting)
            if not roster:
                raise Conflict("empty-roster", "请先导入代表名册", "import the roster first")
            log_signer = self.signer_for(row.origin)
            log = self._open_log(row.origin, log_signer)
            service = MeetingService(
                meeting_id=meeting,
                engine=self.engine,
                log=log,
                signer=log_signer,
                on_commit=self._on_commit,
            )
            entries = core.open_meeting(
                meeting={"id": row.id, "title": row.title, "date": row.date},
                origin=row.origin,
                log_key=log.vkey,
                roster=[
                    {"deputy": r.deputy, "name": r.name, "seat": r.seat, "status": r.status}
                    for r in roster
                ],
                settings=json.loads(row.settings_json),
                by=by,
            )

            def mark_open(session: Session) -> None:
                stored = session.get(MeetingRow, meeting)
                assert stored is not None
                stored.status = "open"
                session.add(stored)

            await service.submit(lambda state: entries, also=mark_open)
            self._services[meeting] = service
            return service

    def _open_log(self, origin: str, signer: NoteSigner) -> AuditLog:
        return AuditLog.open(self.engine, origin=origin, signer=signer, clock=self.clock)

    def service(self, meeting: str) -> MeetingService:
        """The running meeting; loaded from the database (log replayed) on first use."""
        with self._lock:
            found = self._services.get(meeting)
            if found is not None:
                return found
            row = self.meeting_row(meeting)
            if row.status == "draft":
                raise meeting_not_open()
            signer = self.signer_for(row.origin)
            found = MeetingService(
                meeting_id=meeting,
                engine=self.engine,
                log=self._open_log(row.origin, signer),
                signer=signer,
                on_commit=self._on_commit,
            )
            self._services[meeting] = found
            return found

    # Pairing codes ------------------------------------------------------------------------

    def issue_pairing_code(self, meeting: str, deputy: str) -> tuple[str, str]:
        """A one-time code that lets one tablet register its key for ``deputy``, and when it
        expires."""
        if deputy not in self.service(meeting).state.roster:
            raise unknown_deputy(deputy)
        return self.pairing.issue(meeting, deputy)

    def check_pairing_code(self, meeting: str, code: str) -> str:
        """The deputy a valid, unused, unexpired pairing code was issued for."""
        with _pairing_refused():
            return self.pairing.deputy_of(meeting, code)

    def use_pairing_code(self, session: Session, meeting: str, code: str) -> None:
        """Mark the code used, in the caller's transaction (the one writing device_paired)."""
        with _pairing_refused():
            self.pairing.use(session, meeting, code)


@contextlib.contextmanager
def _pairing_refused() -> Iterator[None]:
    """A refused pairing code as the client sees it: 401 with the code's own error."""
    try:
        yield
    except PairingCodeError as error:
        raise Unauthenticated(error.code, error.zh, error.en) from None
