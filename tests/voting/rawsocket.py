"""A WebSocket client on a plain socket, for what a well-behaved library will not do: send
invalid UTF-8 in a text frame, or stop reading altogether (RFC 6455 framing, by hand)."""

from __future__ import annotations

import base64
import os
import socket
import struct
from dataclasses import dataclass

TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def frame(opcode: int, payload: bytes) -> bytes:
    """One client frame (final, masked)."""
    head = bytes([0x80 | opcode])
    size = len(payload)
    if size < 126:
        head += bytes([0x80 | size])
    elif size < 1 << 16:
        head += bytes([0x80 | 126]) + struct.pack("!H", size)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", size)
    mask = os.urandom(4)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


@dataclass
class RawSocket:
    sock: socket.socket
    buffer: bytes = b""

    @classmethod
    def connect(cls, host: str, port: int, path: str, *, receive_buffer: int = 0) -> RawSocket:
        """Open the socket (with a small receive buffer if asked) and do the handshake."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.settimeout(10)
        sock.connect((host, port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        raw = cls(sock)
        while b"\r\n\r\n" not in raw.buffer:
            raw._fill()
        head, raw.buffer = raw.buffer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head
        return raw

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed by the server")
        self.buffer += data

    def send(self, opcode: int, payload: bytes) -> None:
        self.sock.sendall(frame(opcode, payload))

    def send_text(self, text: str) -> None:
        self.send(TEXT, text.encode())

    def receive(self) -> tuple[int, bytes]:
        """The next frame from the server: (opcode, payload); server frames are not masked."""
        while len(self.buffer) < 2:
            self._fill()
        opcode, size = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
        offset = 2
        if size == 126:
            while len(self.buffer) < 4:
                self._fill()
            size, offset = struct.unpack("!H", self.buffer[2:4])[0], 4
        elif size == 127:
            while len(self.buffer) < 10:
                self._fill()
            size, offset = struct.unpack("!Q", self.buffer[2:10])[0], 10
        while len(self.buffer) < offset + size:
            self._fill()
        payload = self.buffer[offset : offset + size]
        self.buffer = self.buffer[offset + size :]
        return opcode, payload

    def receive_close_code(self, *, limit: int = 100_000) -> tuple[int, int]:
        """Read frames until the close frame; return its code and how many frames came first."""
        for count in range(limit):
            opcode, payload = self.receive()
            if opcode == CLOSE:
                return struct.unpack("!H", payload[:2])[0], count
        raise AssertionError(f"no close frame within {limit} frames")

    def close(self) -> None:
        self.sock.close()
