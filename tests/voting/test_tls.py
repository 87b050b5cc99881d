"""HTTPS on the hall LAN: ``congress init --host/--ip`` makes a local CA and a server certificate;
``congress serve --tls`` uses them; tablets fetch the CA from ``/ca.crt`` and ``/ca``."""

from __future__ import annotations

import datetime
import ipaddress
import re
import ssl
import stat
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from starlette.testclient import TestClient

from audit.note import NoteSigner
from tests.devices.processes import congress, environment, start_server, stop, wait_ready
from tests.voting.conftest import LOG_KEY, ORIGIN, Clock
from voting.app import create_app
from voting.ca.tls import TlsFilesExist, TlsNamesInvalid, TlsPaths, create_hall_certificates
from voting.cli import main
from voting.settings import Settings

NOW = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)


def paths_in(directory: Path) -> TlsPaths:
    return TlsPaths(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_server_certificate_is_issued_by_the_ca_for_the_hall_names(tmp_path: Path) -> None:
    paths = paths_in(tmp_path / "tls")
    made = create_hall_certificates(
        paths,
        origin=ORIGIN,
        names=["Hall.Local", "congress"],
        ips=["192.168.10.2", "fd00::2"],
        now=NOW,
    )
    ca, server = load(paths.ca), load(paths.cert)
    assert (ca, server) == (made.ca, made.server)
    server.verify_directly_issued_by(ca)

    assert ca.subject == ca.issuer
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "xinzhou.congress.local/2026-3 local CA"
    )
    assert ca.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "congress-vote 会议系统本地根证书"
    )
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    assert ca.not_valid_after_utc - NOW == datetime.timedelta(days=3652)

    assert server.issuer == ca.subject
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["hall.local", "congress"]
    assert san.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("192.168.10.2"),
        ipaddress.ip_address("fd00::2"),
    ]
    eku = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert server.not_valid_after_utc - NOW == datetime.timedelta(days=730)
    assert server.not_valid_before_utc < NOW

    key = serialization.load_pem_private_key(paths.key.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.public_key() == server.public_key()
    assert mode(paths.key) == 0o600
    assert mode(paths.cert) == mode(paths.ca) == 0o644
    # The CA's private key is nowhere: only the three files exist.
    assert sorted(p.name for p in paths.ca.parent.iterdir()) == [
        "ca.pem",
        "server-key.pem",
        "server.pem",
    ]
    assert made.ca_fingerprint == ca.fingerprint(hashes.SHA256()).hex(":").upper()


def test_nothing_is_overwritten_and_bad_names_are_refused(tmp_path: Path) -> None:
    paths = paths_in(tmp_path)
    paths.cert.write_text("an older certificate")
    with pytest.raises(TlsFilesExist) as raised:
        create_hall_certificates(paths, origin=ORIGIN, names=["hall.local"])
    assert raised.value.en == f"refusing to overwrite existing certificate files: {paths.cert}"
    assert paths.cert.read_text() == "an older certificate"
    assert not paths.key.exists() and not paths.ca.exists()

    fresh = paths_in(tmp_path / "fresh")
    for names, ips, message in (
        ([], [], "give at least one host name (--host) or IP address (--ip)"),
        (
            ["hall_local"],
            [],
            "'hall_local' is not a valid DNS host name (letters, digits, '-' and '.')",
        ),
        ([], ["192.168.1.300"], "'192.168.1.300' is not an IP address"),
    ):
        with pytest.raises(TlsNamesInvalid) as invalid:
            create_hall_certificates(fresh, origin=ORIGIN, names=names, ips=ips)
        assert invalid.value.en == message
    assert not fresh.ca.parent.exists()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONGRESS_DB", raising=False)
    monkeypatch.delenv("CONGRESS_DATA", raising=False)
    return tmp_path


def init(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["init", "--origin", ORIGIN, *extra])
    out, err = capsys.readouterr()
    return status, out, err


def test_init_makes_the_certificates_and_refuses_to_overwrite_them(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = init(capsys, "--host", "hall.local", "--ip", "192.168.10.2")
    assert status == 0
    assert re.fullmatch(r"xinzhou\.congress\.local/2026-3\+[0-9a-f]{8}\+\S+\n", out)
    tls = workdir / "var" / "tls"
    ca = load(tls / "ca.pem")
    load(tls / "server.pem").verify_directly_issued_by(ca)
    assert mode(tls / "server-key.pem") == 0o600
    fingerprint = ca.fingerprint(hashes.SHA256()).hex(":").upper()
    assert f"  根证书指纹 / CA fingerprint (SHA-256)\n    {fingerprint}\n" in err
    before = {p.name: p.read_bytes() for p in tls.iterdir()}

    # Another key file, the same certificate files: refused before anything is written.
    status, out, err = init(capsys, "--key", "other.pem", "--host", "hall.local")
    assert (status, out) == (1, "")
    tls = Path("var/tls")  # as the settings name it: relative to the working directory
    assert err == (
        f"congress init: 证书文件已存在，不会覆盖：{tls / 'ca.pem'}, {tls / 'server.pem'}, "
        f"{tls / 'server-key.pem'} / refusing to overwrite existing certificate files: "
        f"{tls / 'ca.pem'}, {tls / 'server.pem'}, {tls / 'server-key.pem'}\n"
    )
    assert not (workdir / "other.pem").exists()
    assert {p.name: p.read_bytes() for p in tls.iterdir()} == before


def test_init_checks_the_names_before_writing_anything(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = init(capsys, "--host", "hall.local", "--ip", "hall.local")
    assert (status, out) == (1, "")
    assert err == (
        "congress init: “hall.local”不是有效的 IP 地址 / 'hall.local' is not an IP address\n"
    )
    assert not (workdir / "var").exists()


def test_serve_tls_answers_https_to_tablets_that_trust_the_ca(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(capsys, "--host", "localhost", "--ip", "127.0.0.1")[0] == 0
    data = workdir / "var"
    trusted = ssl.create_default_context(cafile=str(data / "tls" / "ca.pem"))
    process, port = start_server("--tls", env=environment(data))
    try:
        wait_ready(f"https://127.0.0.1:{port}", process, trusted)
        for host in ("localhost", "127.0.0.1"):
            with urllib.request.urlopen(
                f"https://{host}:{port}/healthz", timeout=5, context=trusted
            ) as response:
                assert response.read() == b'{"ok":true}'

        with pytest.raises(urllib.error.URLError) as untrusted:
            urllib.request.urlopen(
                f"https://127.0.0.1:{port}/healthz",
                timeout=5,
                context=ssl.create_default_context(),
            )
        assert isinstance(untrusted.value.reason, ssl.SSLCertVerificationError)

        with urllib.request.urlopen(
            f"https://localhost:{port}/ca.crt", timeout=5, context=trusted
        ) as response:
            assert response.headers["content-type"] == "application/x-x509-ca-cert"
            assert response.headers["content-disposition"] == (
                'attachment; filename="congress-vote-ca.crt"'
            )
            assert response.read() == (data / "tls" / "ca.pem").read_bytes()
    finally:
        stop(process)


def test_serve_tls_without_certificates_says_what_to_do(workdir: Path) -> None:
    data = workdir / "var"
    assert main(["init", "--origin", ORIGIN]) == 0
    refused = congress("serve", "--tls", "--port", "0", env=environment(data))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"congress serve: 找不到证书文件 {data / 'tls' / 'server.pem'}，请先运行"
        " congress init --host 主机名 --ip 地址。"
        f" No certificate file {data / 'tls' / 'server.pem'}: run `congress init --host NAME"
        " --ip ADDR` first.\n"
    )


def test_the_ca_pages(tmp_path: Path) -> None:
    app = create_app(
        Settings.in_directory(tmp_path),
        clock=Clock(),
        signer_for=lambda origin: NoteSigner(origin, LOG_KEY),
    )
    with TestClient(app) as client:
        assert_no_ca(client)
        create_hall_certificates(
            paths_in(tmp_path / "tls"), origin=ORIGIN, names=["hall.local"], now=NOW
        )
        response = client.get("/ca.crt")
        assert response.status_code == 200
        assert response.content == (tmp_path / "tls" / "ca.pem").read_bytes()
        page = client.get("/ca")
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        ca = load(tmp_path / "tls" / "ca.pem")
        fingerprint = ca.fingerprint(hashes.SHA256()).hex(":").upper()
        assert f'<span class="fingerprint">{fingerprint}</span>' in page.text
        assert '<a class="url" href="http://testserver/ca.crt">' in page.text
        for step in ("安卓平板 / Android", "iPad", "证书信任设置", "加密与凭据", "<svg"):
            assert step in page.text


def assert_no_ca(client: TestClient) -> None:
    for path in ("/ca.crt", "/ca"):
        missing = client.get(path)
        assert missing.status_code == 404
        assert missing.json()["error"] == "no-ca"
