"""The hall LAN's CA certificate for tablets: ``GET /ca.crt`` and the install page ``GET /ca``.

Both are public: the certificate is what every tablet must trust, and nothing in it is secret.
Without ``congress init --host/--ip`` there is no CA, and both answer 404 ``no-ca``.
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from voting.ca.install_page import PAGE_HEADERS, ca_page
from voting.ca.tls import fingerprint
from voting.errors import NotFound

CA_MEDIA_TYPE = "application/x-x509-ca-cert"
CA_FILE_NAME = "congress-vote-ca.crt"


def _no_ca() -> Response:
    error = NotFound(
        "no-ca",
        "本服务器没有本地根证书（运行 congress init --host/--ip 创建）",
        "this server has no local CA (create it with congress init --host/--ip)",
    )
    return JSONResponse(error.to_json(), status_code=error.status)


def routes(ca_path: Path) -> list[Route]:
    async def certificate(_: Request) -> Response:
        try:
            pem = ca_path.read_bytes()
        except FileNotFoundError:
            return _no_ca()
        return Response(
            pem,
            media_type=CA_MEDIA_TYPE,
            headers={
                "Content-Disposition": f'attachment; filename="{CA_FILE_NAME}"',
                "Cache-Control": "no-cache",
            },
        )

    async def install_page(request: Request) -> Response:
        try:
            ca = x509.load_pem_x509_certificate(ca_path.read_bytes())
        except FileNotFoundError:
            return _no_ca()
        url = str(request.url_for("ca_certificate"))
        return HTMLResponse(ca_page(url, fingerprint(ca)), headers=PAGE_HEADERS)

    return [
        Route("/ca.crt", certificate, methods=["GET"], name="ca_certificate"),
        Route("/ca", install_page, methods=["GET"], name="ca_install"),
    ]
