"""The meeting server's API as a station uses it, over any :class:`Transport`.

:class:`HttpTransport` speaks HTTP with the standard library; tests pass a transport over the
application in the same process. Every path is under ``/api/meetings/{meeting}``.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any, Protocol

__all__ = ["HttpTransport", "ServerRefused", "StationClient", "Transport"]


class ServerRefused(Exception):
    """The server refused a request: ``status``, the stable ``code`` and its messages."""

    def __init__(self, status: int, code: str, message: str, message_en: str) -> None:
        super().__init__(f"{status} {code}: {message_en}")
        self.status, self.code, self.message, self.message_en = status, code, message, message_en


class Transport(Protocol):
    """Sends one request and returns ``(status, answer)``: the answer parsed when it is JSON,
    else its text (a checkpoint, log entries). ``token``: a bearer token to send."""

    def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> tuple[int, Any]: ...


class HttpTransport:
    """HTTP(S) to ``server`` (``https://host:port``) with the standard library.

    ``cafile``: the certificate authority to trust (the meeting's own CA), else the system's.
    """

    def __init__(self, server: str, *, cafile: str | None = None, timeout: float = 10) -> None:
        self.server = server.rstrip("/")
        self.timeout = timeout
        context = ssl.create_default_context(cafile=cafile) if cafile else None
        handlers: list[Any] = [urllib.request.ProxyHandler({})]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)

    def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.server + path, data, headers, method=method)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                content = response.read()
                if response.headers.get_content_type() == "application/json":
                    return response.status, json.loads(content)
                return response.status, content.decode("utf-8")
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read())
            except ValueError:
                return error.code, {"error": "http-error", "message_en": str(error)}


class StationClient:
    """The calls a station makes, on one meeting."""

    def __init__(self, transport: Transport, meeting: str) -> None:
        self.transport = transport
        self.base = f"/api/meetings/{meeting}"

    def _call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        status, answer = self.transport.request(method, self.base + path, body, token=token)
        if status != 200:
            error = answer if isinstance(answer, dict) else {}
            raise ServerRefused(
                status,
                str(error.get("error", "http-error")),
                str(error.get("message", "")),
                str(error.get("message_en", answer)),
            )
        return answer

    def pair(self, code: str, station: str, public_key: str) -> Any:
        body = {"code": code, "station": station, "alg": "ed25519", "public_key": public_key}
        return self._call("POST", "/stations/pair", body)

    def board(self) -> Any:
        return self._call("GET", "/ceremony")

    def post_message(self, signed: dict[str, Any]) -> Any:
        return self._call("POST", "/ceremony/messages", signed)

    def answer_liveness(self, signed: dict[str, Any]) -> Any:
        return self._call("POST", "/liveness/answers", signed)

    def checkpoint(self) -> str:
        """The newest signed checkpoint note (public)."""
        return str(self._call("GET", "/log/checkpoint"))

    def checkpoint_at(self, size: int) -> str:
        """The signed checkpoint note of tree size ``size`` (public; every checkpoint the log
        signed stays readable). :class:`ServerRefused` ``unknown-checkpoint`` when there is
        none of that size."""
        return str(self._call("GET", f"/log/checkpoints/{size}"))

    def entries(self, start: int, end: int, token: str) -> str:
        """Log entries ``start`` to ``end`` (excluded) as JSON Lines (an auditor's token)."""
        return str(self._call("GET", f"/log/entries?start={start}&end={end}", token=token))

    def post_shares(self, poll: str, body: dict[str, Any]) -> Any:
        """Post a decryption share set of ``poll`` (the proofs authenticate it)."""
        return self._call("POST", f"/polls/{poll}/decryption-shares", body)
