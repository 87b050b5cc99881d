"""HTTPS on the hall LAN: a local certificate authority and the server's certificate.

Tablets need a secure context for WebCrypto, so on the hall LAN the server speaks HTTPS with a
certificate from a CA that ``congress init --host NAME --ip ADDR`` makes once. The tablets
install the CA certificate (``/ca`` shows a QR code for it) and then trust the server.

- The CA: ECDSA P-256, ``basicConstraints CA:true, pathlen:0``, ``keyUsage keyCertSign,
  cRLSign``, valid 10 years. Its private key is used once, to sign the server certificate, and
  is never written anywhere: nobody, not even whoever later takes the server, can issue another
  certificate that the tablets would trust.
- The server certificate: ECDSA P-256, the given DNS names and IP addresses as
  ``subjectAltName``, ``extendedKeyUsage serverAuth``, valid 2 years (under the 825 days that
  iOS accepts). Its key is written with mode 0600 (:mod:`audit.private_file`, as the log
  signing key is).

Existing files are never overwritten. Errors::

    TlsError               the certificates cannot be made
    ├── TlsFilesExist      one of the files already exists
    └── TlsNamesInvalid    no names given, or a name that cannot be in a certificate
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from audit.private_file import PRIVATE_FILE_MODE, write_new_file

__all__ = [
    "CA_DAYS",
    "SERVER_DAYS",
    "HallCertificates",
    "TlsError",
    "TlsFilesExist",
    "TlsNamesInvalid",
    "TlsPaths",
    "check_names",
    "check_paths_free",
    "create_hall_certificates",
    "fingerprint",
    "parse_ip",
]

CA_DAYS: Final = 3652  # 10 years
SERVER_DAYS: Final = 730
KEY_FILE_MODE: Final = PRIVATE_FILE_MODE
CERT_FILE_MODE: Final = 0o644
ORGANIZATION: Final = "congress-vote 会议系统本地根证书"
#: X.509 limits a common name to 64 characters.
_MAX_COMMON_NAME: Final = 64
#: Certificates are back-dated a little, for tablets whose clocks run slow.
_CLOCK_SKEW: Final = datetime.timedelta(hours=1)


class TlsError(Exception):
    """The certificates cannot be made; ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


class TlsFilesExist(TlsError):
    """A certificate or key file exists already; nothing was written."""


class TlsNamesInvalid(TlsError):
    """The server certificate would name no host, or a name is not a valid DNS name."""


@dataclass(frozen=True)
class TlsPaths:
    ca: Path
    cert: Path
    key: Path

    def existing(self) -> list[Path]:
        return [p for p in (self.ca, self.cert, self.key) if p.exists() or p.is_symlink()]


@dataclass(frozen=True)
class HallCertificates:
    """What was made: the CA and server certificates (the server key stays in its file)."""

    ca: x509.Certificate
    server: x509.Certificate

    @property
    def ca_fingerprint(self) -> str:
        return fingerprint(self.ca)


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(text: str) -> IpAddress:
    """An IPv4 or IPv6 address; raises :class:`TlsNamesInvalid`."""
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        raise TlsNamesInvalid(
            f"“{text}”不是有效的 IP 地址", f"{text!r} is not an IP address"
        ) from None


def _check_dns_name(name: str) -> str:
    labels = name.rstrip(".").split(".")
    valid = (
        0 < len(name) <= 253
        and name.isascii()
        and all(
            0 < len(label) <= 63
            and label[0] != "-"
            and label[-1] != "-"
            and all(c.isalnum() or c == "-" for c in label)
            for label in labels
        )
    )
    if not valid:
        raise TlsNamesInvalid(
            f"“{name}”不是有效的主机名（只能用字母、数字、连字符和点）",
            f"{name!r} is not a valid DNS host name (letters, digits, '-' and '.')",
        )
    return name.rstrip(".").lower()


def check_names(names: Sequence[str], ips: Sequence[str]) -> tuple[list[str], list[IpAddress]]:
    """The DNS names (lower case) and IP addresses for the server certificate, without repeats;
    raises :class:`TlsNamesInvalid` for a bad one or when there are none."""
    dns_names = list(dict.fromkeys(_check_dns_name(n.strip()) for n in names))
    addresses = list(dict.fromkeys(parse_ip(ip) for ip in ips))
    if not dns_names and not addresses:
        raise TlsNamesInvalid(
            "请至少给出一个主机名（--host）或 IP 地址（--ip）",
            "give at least one host name (--host) or IP address (--ip)",
        )
    return dns_names, addresses


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate as colon-separated hex, as phones show it."""
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _common_name(text: str) -> str:
    return text if len(text) <= _MAX_COMMON_NAME else text[: _MAX_COMMON_NAME - 1] + "…"


def _make_ca(
    origin: str, now: datetime.datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, _common_name(f"{origin} local CA")),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
        ]
    )
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _make_server(
    ca_key: ec.EllipticCurvePrivateKey,
    ca: x509.Certificate,
    names: Sequence[str],
    ips: Sequence[IpAddress],
    now: datetime.datetime,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    alt_names: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    alt_names += [x509.IPAddress(ip) for ip in ips]
    subject = x509.Name(
        [
            x509.NameAttribute(
                NameOID.COMMON_NAME, _common_name(names[0] if names else str(ips[0]))
            ),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
        ]
    )
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def check_paths_free(paths: TlsPaths) -> None:
    """Raise :class:`TlsFilesExist` if any of the files exists."""
    existing = paths.existing()
    if existing:
        shown = ", ".join(str(p) for p in existing)
        raise TlsFilesExist(
            f"证书文件已存在，不会覆盖：{shown}",
            f"refusing to overwrite existing certificate files: {shown}",
        )


def create_hall_certificates(
    paths: TlsPaths,
    *,
    origin: str,
    names: Sequence[str] = (),
    ips: Sequence[str] = (),
    now: datetime.datetime | None = None,
) -> HallCertificates:
    """Make the CA and the server certificate for ``names`` and ``ips`` and write the CA
    certificate, the server certificate and the server key to ``paths``.

    Nothing is overwritten: if any file exists, :class:`TlsFilesExist` is raised before anything
    is written; if writing fails midway, the files written so far are removed.
    """
    dns_names, addresses = check_names(names, ips)
    check_paths_free(paths)
    moment = now or datetime.datetime.now(datetime.UTC)
    ca_key, ca = _make_ca(origin, moment)
    server_key, server = _make_server(ca_key, ca, dns_names, addresses, moment)
    del ca_key  # used once, never stored
    key_pem = server_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    written: list[Path] = []
    try:
        for path, data, mode in (
            (paths.key, key_pem, KEY_FILE_MODE),
            (paths.cert, server.public_bytes(serialization.Encoding.PEM), CERT_FILE_MODE),
            (paths.ca, ca.public_bytes(serialization.Encoding.PEM), CERT_FILE_MODE),
        ):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                write_new_file(path, data, mode=mode)
            except FileExistsError:
                raise TlsFilesExist(
                    f"证书文件 {path} 已存在，不会覆盖",
                    f"refusing to overwrite the existing file {path}",
                ) from None
            written.append(path)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return HallCertificates(ca=ca, server=server)
