"""The baseline: a bare Starlette WebSocket server under uvicorn with ``congress serve``'s settings.

It speaks just enough of the tablet protocol for the benchmark's clients to drive it exactly as
they drive the meeting server: ``hello`` is answered with a ``welcome``, every other message
with a reply carrying the request's ``id``, and ``POST /broadcast?item=X`` sends a ``state`` push
naming ``X`` as the current item to every connected tablet, serialised once. It checks, signs and
stores nothing. Every answer is padded to the size of the meeting server's answer of the same
kind (``--sizes``), so both servers move the same bytes. The process is tuned as ``congress serve``
tunes its own (:func:`voting.cli.serve.tune_process`)::

    python -m bench.echo --fd 3 --sizes '{"welcome": 900, "ack": 60, ...}'
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from voting.cli.serve import tune_process, uvicorn_options

#: Reply type per request type, as the meeting server answers.
REPLIES = {"sign_in": "ack", "vote": "ack", "encrypted_ballot": "ballot_ack", "ping": "pong"}


def sized(message: dict[str, Any], size: int) -> str:
    """``message`` as compact JSON, padded with a ``pad`` field to ``size`` bytes if shorter."""
    text = json.dumps(dict(message, pad=""), ensure_ascii=False, separators=(",", ":"))
    missing = size - len(text.encode())
    if missing > 0:
        text = json.dumps(
            dict(message, pad="x" * missing), ensure_ascii=False, separators=(",", ":")
        )
    return text


def create_echo_app(sizes: dict[str, int]) -> Starlette:
    peers: set[WebSocket] = set()

    async def tablet(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            await websocket.send_text(json.dumps({"type": "challenge", "nonce": "echo"}))
            hello = json.loads(await websocket.receive_text())
            welcome = {
                "type": "welcome",
                "state": {"seq": 0, "current_item": None},
                "you": {"device": hello.get("device")},
            }
            await websocket.send_text(sized(welcome, sizes.get("welcome", 0)))
            peers.add(websocket)
            while True:
                message = json.loads(await websocket.receive_text())
                kind = REPLIES.get(message.get("type"), "error")
                reply = {"type": kind, "id": message.get("id")}
                await websocket.send_text(sized(reply, sizes.get(kind, 0)))
        except WebSocketDisconnect:
            pass
        finally:
            peers.discard(websocket)

    async def broadcast(request: Request) -> Response:
        item = request.query_params["item"]
        push = {"type": "state", "state": {"seq": 0, "current_item": item}}
        text = sized(push, sizes.get("state", 0))
        for peer in list(peers):
            with contextlib.suppress(Exception):
                await peer.send_text(text)
        return JSONResponse({"sent": len(peers)})

    async def health(_: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/healthz", health, methods=["GET"]),
            Route("/broadcast", broadcast, methods=["POST"]),
            WebSocketRoute("/ws/meetings/{meeting}/tablet", tablet),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--fd", type=int, required=True, help="the listening socket, inherited from the parent"
    )
    parser.add_argument("--sizes", default="{}", help="answer sizes in bytes, by type (JSON)")
    args = parser.parse_args()
    app = create_echo_app(json.loads(args.sizes))
    tune_process()
    server = uvicorn.Server(uvicorn.Config(app, **uvicorn_options()))
    server.run(sockets=[socket.socket(fileno=args.fd)])


if __name__ == "__main__":
    main()
