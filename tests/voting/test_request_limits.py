"""The request-body limit (voting/limits.py) and the connection guard's bookkeeping and uvicorn
settings (voting/transport.py), without a server: ASGI messages and fake transports."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from voting.cli.main import build_parser, main
from voting.cli.serve import bind, listening_url
from voting.limits import MAX_BODY, MAX_MIX_BODY, BodyLimit, body_limit
from voting.transport import OpenConnections, TransportLimits, uvicorn_transport_options

LIMIT = 1000
REFUSED = {
    "error": "body-too-large",
    "message": "请求体过大（上限 1000 字节）",
    "message_en": "request body too large (limit 1000 bytes)",
}


class Exchange:
    """One HTTP request through :class:`BodyLimit` to an app that reads the whole body and
    answers 200 with its length."""

    def __init__(
        self, chunks: list[bytes], headers: list[tuple[bytes, bytes]], path: str = "/api/login"
    ) -> None:
        self.path = path
        self.chunks = chunks
        self.headers = headers
        self.received = 0
        self.sent: list[dict[str, Any]] = []
        self.app_called = False

    async def receive(self) -> dict[str, Any]:
        chunk = self.chunks[self.received]
        self.received += 1
        return {
            "type": "http.request",
            "body": chunk,
            "more_body": self.received < len(self.chunks),
        }

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    async def app(self, scope: Any, receive: Any, send: Any) -> None:
        self.app_called = True
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(len(body)).encode()})

    async def run(self) -> None:
        scope = {"type": "http", "method": "POST", "path": self.path, "headers": self.headers}
        await BodyLimit(self.app, LIMIT)(scope, self.receive, self.send)

    def answer(self) -> tuple[int, dict[str, str], Any]:
        start, body = self.sent
        headers = {k.decode(): v.decode() for k, v in start["headers"]}
        text = body["body"].decode()
        return start["status"], headers, json.loads(text)


async def test_a_declared_length_over_the_limit_is_refused_before_anything_is_read() -> None:
    exchange = Exchange([b"x" * 10], [(b"content-length", b"1001")])
    await exchange.run()
    status, headers, body = exchange.answer()
    assert (status, body) == (413, REFUSED)
    assert headers["connection"] == "close"
    assert headers["content-type"] == "application/json"
    assert (exchange.app_called, exchange.received) == (False, 0)


async def test_a_streamed_body_is_refused_once_it_passes_the_limit() -> None:
    exchange = Exchange([b"x" * 400] * 10, [(b"transfer-encoding", b"chunked")])
    await exchange.run()
    status, _, body = exchange.answer()
    assert (status, body) == (413, REFUSED)
    assert exchange.received == 3  # 1,200 bytes: one chunk past the limit, no more


async def test_a_body_longer_than_it_declared_is_refused_too() -> None:
    exchange = Exchange([b"x" * 600] * 2, [(b"content-length", b"10")])
    await exchange.run()
    assert exchange.answer()[::2] == (413, REFUSED)
    assert exchange.received == 2


async def test_a_body_at_the_limit_reaches_the_app() -> None:
    exchange = Exchange([b"x" * 500] * 2, [(b"content-length", b"1000")])
    await exchange.run()
    assert [m.get("status") for m in exchange.sent] == [200, None]
    assert exchange.sent[1]["body"] == b"1000"


async def test_the_write_in_mix_posts_alone_take_bodies_up_to_16_mib() -> None:
    shuffles = "/api/meetings/m1/polls/p8/shuffles"
    exchange = Exchange([b"x" * 1500] * 2, [(b"content-length", b"3000")], shuffles)
    await exchange.run()
    assert [m.get("status") for m in exchange.sent] == [200, None]
    assert exchange.sent[1]["body"] == b"3000"
    over = str(MAX_MIX_BODY + 1).encode()
    shares = "/api/meetings/m1/polls/p8/write-in-shares"
    exchange = Exchange([b"x"], [(b"content-length", over)], shares)
    await exchange.run()
    status, _, answer = exchange.answer()
    assert (status, answer["error"], exchange.app_called) == (413, "body-too-large", False)
    assert body_limit("/api/meetings/m1/polls/p8/close") == MAX_BODY
    assert body_limit("/api/meetings/m1/polls/p8/shuffles/x") == MAX_BODY


async def test_websockets_pass_untouched() -> None:
    seen: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope)

    scope = {"type": "websocket", "headers": [(b"content-length", b"99999999")]}
    await BodyLimit(app, LIMIT)(scope, None, None)
    assert seen == [scope]


class FakeTransport:
    def __init__(self) -> None:
        self.closing = False

    def is_closing(self) -> bool:
        return self.closing


def test_the_per_address_cap_counts_open_connections_only() -> None:
    connections = OpenConnections()
    first, second, third = FakeTransport(), FakeTransport(), FakeTransport()
    assert connections.admit("10.0.0.5", first, 2) is True
    assert connections.admit("10.0.0.5", second, 2) is True
    assert connections.admit("10.0.0.5", third, 2) is False
    assert connections.admit("10.0.0.6", third, 2) is True
    first.closing = True
    assert connections.count("10.0.0.5") == 1
    assert connections.admit("10.0.0.5", FakeTransport(), 2) is True


def test_a_cap_of_zero_admits_everyone() -> None:
    connections = OpenConnections()
    admitted = [connections.admit("10.0.0.5", FakeTransport(), 0) for _ in range(1000)]
    assert admitted == [True] * 1000
    assert connections.count("10.0.0.5") == 0  # nothing to cap, nothing recorded


def test_forwarded_headers_are_believed_only_from_named_proxies() -> None:
    plain = uvicorn_transport_options(TransportLimits())
    assert plain["proxy_headers"] is False
    assert "forwarded_allow_ips" not in plain
    proxied = uvicorn_transport_options(TransportLimits(), ("10.0.0.1", "10.0.1.0/24"))
    assert proxied["proxy_headers"] is True
    assert proxied["forwarded_allow_ips"] == "10.0.0.1,10.0.1.0/24"


def test_serve_and_demo_options() -> None:
    args = build_parser().parse_args(["serve", "--trusted-proxy", "10.0.0.1"])
    assert (args.trusted_proxy, args.header_timeout, args.per_address_limit) == (
        ["10.0.0.1"],
        10.0,
        256,
    )
    demo = build_parser().parse_args(["demo", "--port", "0", "--pace", "1", "--no-hall"])
    assert (demo.port, demo.pace, demo.no_hall, demo.trusted_proxy) == (0, 1.0, True, [])


def test_a_trusted_proxy_must_be_an_address(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["serve", "--trusted-proxy", "proxy.local"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith(
        "argument --trusted-proxy: 须是 IP 地址或网段 / must be an IP address or network:"
        " proxy.local\n"
    )


def test_the_listening_socket_says_tcp_so_that_asyncio_turns_nagle_off() -> None:
    with bind("127.0.0.1", 0) as sock:
        port = sock.getsockname()[1]
        assert (sock.family, sock.proto) == (socket.AF_INET, socket.IPPROTO_TCP)
        assert listening_url(sock) == f"http://127.0.0.1:{port}"
        assert listening_url(sock, tls=True) == f"https://127.0.0.1:{port}"
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = sock.accept()
            with accepted:
                assert accepted.proto == socket.IPPROTO_TCP
                assert client.getpeername() == ("127.0.0.1", port)


def test_a_port_in_use_is_refused_with_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    with bind("127.0.0.1", 0) as taken:
        port = taken.getsockname()[1]
        status = main(["serve", "--port", str(port)])
    assert status == 1
    assert capsys.readouterr().err == (
        f"congress serve: 无法监听 127.0.0.1:{port}（Address already in use）。"
        f" Cannot listen on 127.0.0.1:{port}: Address already in use.\n"
    )
