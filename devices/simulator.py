"""Simulated tablets that speak to a real server exactly as the tablet page does.

:class:`SimTablet` holds a :class:`~devices.tablet.Tablet` (the device key and counter) and a
real WebSocket (the ``websockets`` library): it says ``hello``, keeps the pushed ``state`` and
``you``, sends a message and awaits the reply carrying the same ``id``, and records how long
each reply took. :class:`HttpClient` is the tablet's and the operator's HTTP side (standard
library only, in worker threads). :func:`check_ballot_counted` is what a tablet does after an
encrypted poll closes: find its ballot by tracking code, check that the entry holds the ballot
it sent, fetch the signed checkpoint and the inclusion proof, and check them with the log key.

The dress rehearsal (:mod:`devices.rehearsal`) and the benchmarks build on these. Errors::

    SimulationError        something a simulated tablet saw was wrong; the message says what
    ├── HttpError          the server answered an HTTP request with an error status
    ├── TabletRefused      the server refused the tablet's hello
    ├── ServerOnStandby    the server is a standby waiting for its promotion
    └── ConnectionLost     the WebSocket closed before the awaited reply arrived
        └── ServerUnavailable  none of the tablet's server addresses answered
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from audit.canonical import canonical_bytes
from audit.checkpoint import open_checkpoint
from audit.errors import AuditError
from audit.merkle import leaf_hash, verify_inclusion
from audit.note import NoteVerifier
from devices.tablet import EncryptedVote, Tablet

__all__ = [
    "ConnectionLost",
    "HttpClient",
    "HttpError",
    "Latencies",
    "ServerOnStandby",
    "ServerUnavailable",
    "SimTablet",
    "SimulationError",
    "TabletRefused",
    "check_ballot_counted",
    "check_signed_promise",
    "websocket_url",
]

#: The largest message a tablet accepts from the server (a welcome with a big agenda).
MAX_SERVER_MESSAGE = 4 * 1024 * 1024


class SimulationError(Exception):
    """Something a simulated tablet or operator saw was wrong."""


class HttpError(SimulationError):
    """An HTTP error answer; ``code`` is the API's error code when it sent one."""

    def __init__(self, method: str, path: str, status: int, body: bytes) -> None:
        self.status = status
        self.code: str | None = None
        try:
            document = json.loads(body)
            if isinstance(document, dict):
                self.code = document.get("error")
        except ValueError:
            pass
        shown = body[:300].decode("utf-8", "replace")
        super().__init__(f"{method} {path}: HTTP {status} {shown}")


class TabletRefused(SimulationError):
    """The server answered the hello with something other than ``welcome``."""


class ConnectionLost(SimulationError):
    """The connection closed before the reply arrived."""


class ServerUnavailable(ConnectionLost):
    """No server of the tablet's addresses could be reached or would serve (standby)."""


class ServerOnStandby(SimulationError):
    """The server answered ``standby``: its database is a replica not yet promoted."""


# HTTP ---------------------------------------------------------------------------------------


class HttpClient:
    """JSON over HTTP(S) to one server, with the standard library, in worker threads."""

    def __init__(
        self, base: str, *, ssl_context: ssl.SSLContext | None = None, timeout: float = 30.0
    ) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
        self._opener = urllib.request.build_opener(*handlers)

    def request_sync(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
    ) -> bytes:
        headers = {"accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["content-type"] = "application/json"
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            self.base + path, data=data, headers=headers, method=method
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                content: bytes = response.read()
                return content
        except urllib.error.HTTPError as error:
            raise HttpError(method, path, error.code, error.read()) from None
        except (urllib.error.URLError, OSError) as error:
            raise SimulationError(f"{method} {path}: {error}") from None

    async def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> bytes:
        return await asyncio.to_thread(self.request_sync, method, path, body, token=token)

    async def json(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> Any:
        return json.loads(await self.request(method, path, body, token=token))

    async def text(self, path: str, *, token: str | None = None) -> str:
        return (await self.request("GET", path, token=token)).decode()


def websocket_url(base: str, meeting: str) -> str:
    """The tablet WebSocket of ``meeting`` on the server at ``base`` (http → ws, https → wss)."""
    scheme, rest = base.rstrip("/").split("://", 1)
    ws = "wss" if scheme == "https" else "ws"
    return f"{ws}://{rest}/ws/meetings/{quote(meeting, safe='')}/tablet"


# Latencies ----------------------------------------------------------------------------------


@dataclass
class Latencies:
    """Round-trip times in seconds, by message type."""

    by_type: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float) -> None:
        self.by_type.setdefault(kind, []).append(seconds)

    def merge(self, other: Latencies) -> None:
        for kind, values in other.by_type.items():
            self.by_type.setdefault(kind, []).extend(values)

    def of(self, *kinds: str) -> list[float]:
        return sorted(v for k in kinds for v in self.by_type.get(k, ()))

    @staticmethod
    def percentile(values: list[float], share: float) -> float:
        """The nearest-rank percentile of sorted ``values`` (0.0 when empty)."""
        if not values:
            return 0.0
        rank = min(len(values), max(1, math.ceil(share * len(values))))
        return values[rank - 1]


# The tablet ---------------------------------------------------------------------------------


class SimTablet:
    """One simulated tablet on one WebSocket; reconnects keep the same key and counter.

    ``url`` is the tablet WebSocket's address, or the addresses of the same meeting on the two
    servers of a primary/standby pair: :meth:`connect` then tries them in turn, from the one
    that answered last, and keeps to the first that welcomes it, as the tablet page does."""

    def __init__(
        self,
        tablet: Tablet,
        url: str | Sequence[str],
        *,
        ssl_context: ssl.SSLContext | None = None,
        open_timeout: float = 20.0,
    ) -> None:
        self.tablet = tablet
        self.urls = [url] if isinstance(url, str) else list(url)
        if not self.urls:
            raise ValueError("a simulated tablet needs at least one server address")
        #: The address in use (or tried first on the next connection).
        self.url = self.urls[0]
        self.ssl_context = ssl_context
        self.open_timeout = open_timeout
        # What the server pushed
        self.state: dict[str, Any] | None = None
        self.you: dict[str, Any] | None = None
        self.seq = 0
        self.unsolicited_errors: list[dict[str, Any]] = []
        # Counters
        self.latencies = Latencies()
        self.connections = 0
        self.sent = 0
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Event()
        self._refs = 0

    @property
    def device(self) -> str:
        return self.tablet.device

    @property
    def connected(self) -> bool:
        return self._ws is not None

    async def connect(self) -> dict[str, Any]:
        """Open the WebSocket, answer the server's challenge with a signed hello (with the
        newest ``seq`` seen), and return the welcome. With several addresses, try each in turn
        (the one in use first); a server that cannot be reached or is on standby is passed over.

        Raises :class:`TabletRefused` if a server answers the hello with an error, and with
        several addresses :class:`ServerUnavailable` (each address's reason) if none answered.
        """
        if len(self.urls) == 1:  # one server: its own error, as it always was
            return await self._connect(self.url)
        start = self.urls.index(self.url)
        reasons = []
        for url in self.urls[start:] + self.urls[:start]:
            try:
                welcome = await self._connect(url)
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as error:
                reasons.append(f"{url}: {error!r}")
                continue
            except ServerOnStandby as error:
                reasons.append(f"{url}: {error}")
                continue
            self.url = url
            return welcome
        raise ServerUnavailable(f"{self.device}: no server answered: {'; '.join(reasons)}")

    async def _connect(self, url: str) -> dict[str, Any]:
        ws = await connect(
            url,
            ssl=self.ssl_context,
            open_timeout=self.open_timeout,
            max_size=MAX_SERVER_MESSAGE,
            proxy=None,
        )
        try:
            challenge = json.loads(await asyncio.wait_for(ws.recv(), self.open_timeout))
            if isinstance(challenge, dict) and challenge.get("error") == "standby":
                raise ServerOnStandby(f"{url}: {challenge.get('message_en')}")
            if not isinstance(challenge, dict) or challenge.get("type") != "challenge":
                raise TabletRefused(f"{self.device}: no challenge before hello: {challenge}")
            await ws.send(json.dumps(self.tablet.hello(challenge["nonce"], self.seq or None)))
            welcome = json.loads(await asyncio.wait_for(ws.recv(), self.open_timeout))
        except BaseException:
            await ws.close()
            raise
        if not isinstance(welcome, dict) or welcome.get("type") != "welcome":
            await ws.close()
            raise TabletRefused(f"{self.device}: hello refused: {welcome}")
        self._ws = ws
        self.connections += 1
        self._absorb(welcome)
        self._reader = asyncio.get_running_loop().create_task(self._read(ws))
        return welcome

    async def request(self, message: dict[str, Any], *, timeout: float = 30.0) -> dict[str, Any]:
        """Send ``message`` with a fresh ``id`` and return the reply with that id."""
        future = await self._send(message)
        started = time.perf_counter()
        try:
            reply = await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise SimulationError(
                f"{self.device}: no reply to {message.get('type')} within {timeout:.0f} s"
            ) from None
        self.latencies.add(str(message.get("type")), time.perf_counter() - started)
        return reply

    async def send_and_lose_reply(self, message: dict[str, Any], *, timeout: float = 30.0) -> None:
        """Send ``message``, let its reply arrive, then drop the connection without reading it:
        for the tablet, the acknowledgement was lost in the network."""
        future = await self._send(message)
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            raise SimulationError(f"{self.device}: no reply within {timeout:.0f} s") from None
        await self.drop()

    async def _send(self, message: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        ws = self._ws
        if ws is None:
            raise ConnectionLost(f"{self.device}: not connected")
        self._refs += 1
        ref = f"{self.device}.{self._refs}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ref] = future
        try:
            await ws.send(json.dumps(dict(message, id=ref), ensure_ascii=False))
        except ConnectionClosed:
            self._pending.pop(ref, None)
            raise ConnectionLost(f"{self.device}: the connection closed") from None
        self.sent += 1
        return future

    async def wait_until(
        self, condition: Callable[[SimTablet], bool], *, timeout: float = 30.0, what: str = ""
    ) -> None:
        """Wait until ``condition(self)`` holds after some push from the server."""
        try:
            async with asyncio.timeout(timeout):
                while not condition(self):
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise SimulationError(
                f"{self.device}: waited {timeout:.0f} s for {what or 'a state change'}"
            ) from None

    async def drop(self) -> None:
        """Cut the connection without a close frame, as a tablet that leaves Wi-Fi does."""
        ws, self._ws = self._ws, None
        if ws is None:
            return
        ws.transport.abort()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
            self._reader = None

    async def close(self) -> None:
        ws, self._ws = self._ws, None
        if ws is None:
            return
        await ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
            self._reader = None

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for text in ws:
                message = json.loads(text)
                ref = message.get("id") if isinstance(message, dict) else None
                future = self._pending.pop(ref, None) if isinstance(ref, str) else None
                if future is not None and not future.done():
                    future.set_result(message)
                self._absorb(message, answer=future is not None)
        except ConnectionClosed:
            pass
        finally:
            if self._ws is ws:
                self._ws = None
            lost = ConnectionLost(f"{self.device}: the connection closed")
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(lost)
            self._pending.clear()
            self._changed.set()

    def _absorb(self, message: Any, *, answer: bool = False) -> None:
        """Keep what ``message`` tells: the public view, the deputy's own view (pushed, or in
        the answer to a command that changed it), an error nobody asked for."""
        if not isinstance(message, dict):
            return
        kind = message.get("type")
        if kind in {"welcome", "state"} and isinstance(message.get("state"), dict):
            self.state = message["state"]
            self.seq = max(self.seq, int(self.state.get("seq", 0)))
        if kind in {"welcome", "you", "ack", "ballot_ack"} and isinstance(message.get("you"), dict):
            self.you = message["you"]
        if kind == "error" and not answer:
            self.unsolicited_errors.append(message)
        self._changed.set()

    # What the tablet shows ------------------------------------------------------------------

    def poll(self) -> dict[str, Any] | None:
        """The poll in the newest pushed public view."""
        if self.state is None:
            return None
        found: dict[str, Any] | None = self.state.get("poll")
        return found


# What a tablet checks -----------------------------------------------------------------------


def check_signed_promise(
    vote: EncryptedVote, log: NoteVerifier, ack: Mapping[str, Any] | None = None
) -> None:
    """The ``ballot_ack`` (``ack``, else the one the tablet kept) is the log key's signature over
    SHA-256 of the ballot's bytes, the hash the tablet signed, and carries its tracking code;
    raises :class:`SimulationError` if it is missing, of another type or does not verify."""
    ack = vote.acknowledgement if ack is None else ack
    if ack is None:
        raise SimulationError(f"poll {vote.poll}: no acknowledgement kept")
    if ack.get("type", "ballot_ack") != "ballot_ack":
        raise SimulationError(f"poll {vote.poll}: expected ballot_ack, got {dict(ack)}")
    digest = bytes.fromhex(vote.ballot_hash)
    try:
        if base64.b64decode(str(ack.get("ballot_hash")), validate=True) != digest:
            raise SimulationError(f"poll {vote.poll}: the acknowledged ballot hash differs")
        if ack.get("tracking_code") != vote.tracking_code:
            raise SimulationError(f"poll {vote.poll}: the acknowledged tracking code differs")
        log.verify_bytes(digest, base64.b64decode(str(ack.get("signature")), validate=True))
    except (binascii.Error, ValueError):
        raise SimulationError(f"poll {vote.poll}: the acknowledgement is not base64") from None
    except AuditError as error:
        raise SimulationError(f"poll {vote.poll}: acknowledgement: {error}") from None


async def check_ballot_counted(
    http: HttpClient,
    meeting: str,
    vote: EncryptedVote,
    log: NoteVerifier,
    sent: Mapping[str, Any] | None = None,
) -> int:
    """After the close: find the ballot's entry by tracking code, check it holds the ballot the
    tablet sent (its SHA-256, this poll; with ``sent``, the message's body, signature and ballot
    byte for byte), and prove its inclusion in the tree of the newest signed checkpoint. Returns
    the entry's ``seq``; raises :class:`SimulationError` naming what failed."""
    where = f"poll {vote.poll}, tracking code {vote.tracking_code}"
    base = f"/api/meetings/{quote(meeting, safe='')}/log"
    found = await http.json("GET", f"{base}/encrypted-ballots/{quote(vote.tracking_code)}")
    entry, seq = found.get("entry"), found.get("seq")
    if not isinstance(entry, dict) or not isinstance(seq, int):
        raise SimulationError(f"{where}: malformed answer {found}")
    body = entry.get("body")
    ballot_hash = body.get("ballot_hash") if isinstance(body, dict) else None
    if (entry.get("type"), entry.get("poll")) != ("encrypted_ballot", vote.poll):
        raise SimulationError(f"{where}: entry {seq} is not this ballot")
    if ballot_hash != vote.ballot_hash:
        raise SimulationError(f"{where}: entry {seq} holds another ballot")
    if sent is not None:
        for part in ("body", "sig", "ballot"):
            if entry.get(part) != sent.get(part):
                raise SimulationError(f"{where}: entry {seq}: its {part} differs from the one sent")
    note = await http.text(f"{base}/checkpoint")
    try:
        checkpoint = open_checkpoint(note, [log], log.name)
        if checkpoint.size <= seq:
            raise SimulationError(
                f"{where}: the newest checkpoint ({checkpoint.size}) does not cover entry {seq}"
            )
        answer = await http.json("GET", f"{base}/proof/inclusion?seq={seq}&size={checkpoint.size}")
        proof = [base64.b64decode(h, validate=True) for h in answer["proof"]]
        verify_inclusion(
            leaf_hash(canonical_bytes(entry)), seq, checkpoint.size, proof, checkpoint.root
        )
    except AuditError as error:
        raise SimulationError(f"{where}: {error}") from None
    except (KeyError, TypeError, binascii.Error, ValueError) as error:
        raise SimulationError(f"{where}: malformed proof: {error}") from None
    return seq
