"""``congress check-client URL``: the tablet page a live server delivers, checked against the
release manifest; a proxy in front of the server plays the operator who changes the client."""

from __future__ import annotations

import base64
import hashlib
import re
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest

from tests.devices.processes import congress, environment, start_server, stop, wait_ready
from tests.voting.conftest import ORIGIN
from tests.voting.live_server import LiveServer, live_server
from tests.voting.tamper_proxy import Tampering, tamper_proxy
from voting.cli import main
from voting.client.compare import AssetResult, Fetched, Verdict, check_client
from voting.client.manifest import ClientManifest, release_manifest
from voting.pages import SECURITY_HEADERS, words_module

ROOT = Path(__file__).resolve().parents[2]
TABLET = ROOT / "devices" / "static"
COMMON = ROOT / "voting" / "static" / "common"
PAGE = "/tablet/m1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("check-client"), 1) as running:
        yield running


def check(
    url: str, capsys: pytest.CaptureFixture[str], *extra: str, lang: str | None = "zh"
) -> tuple[int, str, str]:
    languages = ["--lang", lang] if lang else []
    status = main(["check-client", url, *languages, *extra])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def release_files() -> dict[str, Path]:
    """Every file of the tablet client by URL path, found by walking the source tree."""
    found = {f"/static/tablet/{p.relative_to(TABLET).as_posix()}": p for p in TABLET.rglob("*")}
    found.update(
        {f"/static/common/{p.relative_to(COMMON).as_posix()}": p for p in COMMON.rglob("*")}
    )
    return {url: path for url, path in found.items() if path.is_file()}


def loaded_by_page() -> set[str]:
    """What the tablet page loads, by a plain regular-expression walk of the source files."""
    files = release_files()
    pending = ["/static/tablet/tablet.js", "/static/tablet/tablet.css"]
    seen: set[str] = set()
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        if url == "/static/common/words.js" or not url.endswith(".js"):
            continue
        text = files[url].read_text(encoding="utf-8")
        names = re.findall(r'\bfrom\s+"([^"]+)"', text)
        names += re.findall(r'^import\s+"([^"]+)"', text, re.MULTILINE)
        # The vendored modules quote with ' (their comments show imports too: not at a line start).
        names += re.findall(r"^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'", text, re.MULTILINE)
        names += re.findall(r'new URL\("([^"]+)", import\.meta\.url\)', text)
        base = url.rsplit("/", 1)[0]
        for name in names:
            if name.startswith("@noble/curves/"):
                name = "/static/tablet/vendor/noble-curves-1.9.7/" + name.split("/", 2)[2]
            elif name.startswith("@noble/hashes/"):
                name = "/static/tablet/vendor/noble-hashes-1.8.0/" + name.split("/", 2)[2]
            parts = (name if name.startswith("/") else f"{base}/{name}").split("/")
            path: list[str] = []
            for part in parts:
                if part == "..":
                    path.pop()
                elif part != ".":
                    path.append(part)
            pending.append("/".join(path))
    return seen


def asset_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("  ")]


def test_the_release_manifest_holds_every_client_file_and_the_generated_words() -> None:
    manifest = release_manifest()
    expected = {
        url: hashlib.sha256(p.read_bytes()).hexdigest() for url, p in release_files().items()
    }
    expected["/static/common/words.js"] = hashlib.sha256(words_module().encode()).hexdigest()
    assert dict(manifest.files) == expected
    assert manifest.content_security_policy == SECURITY_HEADERS["Content-Security-Policy"]


def test_the_release_policy_allows_exactly_the_import_map_of_the_page() -> None:
    html = (TABLET / "tablet.html").read_text(encoding="utf-8")
    inline = re.findall(r"<script type=\"importmap\">(.*?)</script>", html, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert re.findall(r"'sha256-[^']+'", release_manifest().content_security_policy) == [
        f"'sha256-{digest}'"
    ]


def test_a_server_delivering_the_release_passes(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = check(server.url + PAGE, capsys)
    assert (status, err) == (0, "")
    total = len(release_files()) + 1  # and the generated words module
    loaded = loaded_by_page() | {"/static/common/words.js"}
    lines = out.splitlines()
    assert lines[:4] == [
        f"表决器页面: {server.url}{PAGE}",
        f"发布版本: congress-vote {release_manifest().version}",
        f"发布清单摘要: sha256:{release_manifest().digest()}",
        "页面加载的文件:",
    ]
    other = lines.index("发布中的其他文件:")
    assert lines[4] == f"  ok  {PAGE} (tablet.html)"
    assert {line.removeprefix("  ok  ") for line in lines[5:other]} == loaded
    assert len(lines[5:other]) == len(loaded)
    assert {line.removeprefix("  ok  ") for line in lines[other + 1 : -2]} == (
        set(release_files()) - loaded - {"/static/tablet/tablet.html"}
    )
    assert lines[-2] == "  ok  Content-Security-Policy"
    assert lines[-1] == (
        f"结果：全部 {total} 个文件与发布一致（页面加载 {len(loaded) + 1} 个），内容安全策略一致"
    )


def test_one_changed_byte_in_a_crypto_module_is_named(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    original = (TABLET / "crypto" / "group.js").read_bytes()
    changed = original.replace(b"export", b"Export", 1)
    assert len(changed) == len(original)
    tampering = Tampering(bodies={"/static/tablet/crypto/group.js": lambda _: changed})
    with tamper_proxy(server.url, tampering) as url:
        status, out, _ = check(url + PAGE, capsys)
    assert status == 1
    actual, release = hashlib.sha256(changed).hexdigest(), hashlib.sha256(original).hexdigest()
    assert [line for line in asset_lines(out) if not line.startswith("  ok  ")] == [
        f"  不一致  /static/tablet/crypto/group.js  (sha256 {actual}, release {release})"
    ]
    total = len(release_files()) + 1
    assert out.splitlines()[-1] == (
        f"结果：与发布不一致。共 {total} 个文件：一致 {total - 1}，不一致 1，多出 0，缺少 0；"
        "内容安全策略一致；无法跟踪 0"
    )


def test_an_injected_script_and_what_it_imports_are_named(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    def inject(page: bytes) -> bytes:
        tag = b'<script type="module" src="/static/tablet/extra.js"></script>\n</head>'
        return page.replace(b"</head>", tag, 1)

    tampering = Tampering(
        bodies={PAGE: inject},
        added={
            "/static/tablet/extra.js": b'import { send } from "./leak.js";\nsend();\n',
            "/static/tablet/leak.js": b"export function send() {}\n",
        },
    )
    with tamper_proxy(server.url, tampering) as url:
        status, out, _ = check(url + PAGE, capsys)
    assert status == 1
    page = (TABLET / "tablet.html").read_bytes()
    actual = hashlib.sha256(inject(page)).hexdigest()
    release = hashlib.sha256(page).hexdigest()
    assert [line for line in asset_lines(out) if not line.startswith("  ok  ")] == [
        f"  不一致  {PAGE} (tablet.html)  (sha256 {actual}, release {release})",
        "  多出  /static/tablet/extra.js  (not a file of the release)",
        "  多出  /static/tablet/leak.js  (not a file of the release)",
    ]
    total = len(release_files()) + 3
    assert out.splitlines()[-1] == (
        f"结果：与发布不一致。共 {total} 个文件：一致 {total - 3}，不一致 1，多出 2，缺少 0；"
        "内容安全策略一致；无法跟踪 0"
    )


def test_a_changed_content_security_policy_fails(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    loose = "default-src *"
    tampering = Tampering(headers={PAGE: {"content-security-policy": loose}})
    with tamper_proxy(server.url, tampering) as url:
        status, out, _ = check(url + PAGE, capsys, lang=None)
        assert status == 1
        english = check(url + PAGE, capsys, lang="en")
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert [line for line in asset_lines(out) if not line.startswith("  ok  ")] == [
        "  不一致 modified  Content-Security-Policy",
        f"      服务器 / served: {loose}",
        f"      发布 / release: {policy}",
    ]
    total = len(release_files()) + 1
    assert out.splitlines()[-1] == (
        f"结果：与发布不一致。共 {total} 个文件：一致 {total}，不一致 0，多出 0，缺少 0；"
        f"内容安全策略不一致；无法跟踪 0 / result: differs from the release. {total} assets: "
        f"{total} ok, 0 modified, 0 unexpected, 0 missing; the Content-Security-Policy differs; "
        "0 cannot be followed"
    )
    assert english[0] == 1
    assert english[1].splitlines()[-4:] == [
        "  modified  Content-Security-Policy",
        f"      served: {loose}",
        f"      release: {policy}",
        f"result: differs from the release. {total} assets: {total} ok, 0 modified, "
        "0 unexpected, 0 missing; the Content-Security-Policy differs; 0 cannot be followed",
    ]


def test_a_release_file_the_server_does_not_deliver_is_missing(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = "/static/tablet/vendor/noble-hashes-1.8.0/sha2.js"
    with tamper_proxy(server.url, Tampering(removed={gone})) as url:
        status, out, _ = check(url + PAGE, capsys)
    assert status == 1
    assert [line for line in asset_lines(out) if not line.startswith("  ok  ")] == [
        f"  缺少  {gone}  (HTTP 404)"
    ]
    total = len(release_files()) + 1
    assert out.splitlines()[-1] == (
        f"结果：与发布不一致。共 {total} 个文件：一致 {total - 1}，不一致 0，多出 0，缺少 1；"
        "内容安全策略一致；无法跟踪 0"
    )


def test_an_unreachable_server_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status, out, err = check(f"http://127.0.0.1:{port}{PAGE}", capsys)
    assert (status, out) == (2, "")
    assert err.startswith(f"congress check-client: http://127.0.0.1:{port}{PAGE}: cannot connect (")


def test_a_page_the_server_does_not_deliver_is_a_usage_error(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = check(server.url + "/tablet/m1/other", capsys)
    assert (status, out) == (2, "")
    assert err == f"congress check-client: {server.url}/tablet/m1/other: HTTP 404\n"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://hall.example/tablet/m1",
            "URL: plain http is allowed only for localhost, not hall.example",
        ),
        ("ftp://127.0.0.1/tablet/m1", "URL: 'ftp://127.0.0.1/tablet/m1' is not an http(s) address"),
        (
            "http://127.0.0.1:8000/chair",
            "URL: 'http://127.0.0.1:8000/chair' is not a tablet page; give the address the "
            "tablets open, e.g. https://hall.local:8443/tablet/m1",
        ),
    ],
)
def test_a_bad_url_is_a_usage_error(
    url: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = check(url, capsys)
    assert (status, out, err) == (2, "", f"congress check-client: {message}\n")


def test_an_unreadable_ca_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not a certificate\n", encoding="utf-8")
    status, out, err = check("https://127.0.0.1:1/tablet/m1", capsys, "--ca", str(ca))
    assert (status, out) == (2, "")
    assert err.startswith(f"congress check-client: --ca: cannot load {ca}: ")


def test_https_is_checked_against_the_meeting_ca(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    env = environment(data)
    made = congress("init", "--origin", ORIGIN, "--host", "localhost", "--ip", "127.0.0.1", env=env)
    assert made.returncode == 0, made.stderr
    ca = data / "tls" / "ca.pem"
    process, port = start_server("--tls", env=env)
    try:
        wait_ready(f"https://127.0.0.1:{port}", process, ssl.create_default_context(cafile=ca))
        url = f"https://localhost:{port}{PAGE}"
        status, out, err = check(url, capsys, "--ca", str(ca))
        assert (status, err) == (0, "")
        total = len(release_files()) + 1
        assert out.splitlines()[-1].startswith(f"结果：全部 {total} 个文件与发布一致")

        status, out, err = check(url, capsys)
        assert (status, out) == (2, "")
        assert err.startswith(f"congress check-client: {url}: cannot connect ([SSL: CERTIFICATE")
    finally:
        stop(process)


def test_another_origin_and_a_computed_import_are_failures_without_a_server() -> None:
    origin = "https://hall.local:8443"
    page = (
        b'<script type="module" src="/static/tablet/a.js"></script>'
        b'<script src="https://cdn.example/x.js"></script><img src="data:,">'
    )
    module = b"const name = pick();\nimport(name);\n"
    served = {
        origin + PAGE: Fetched(200, {"content-security-policy": "default-src 'self'"}, page),
        origin + "/static/tablet/a.js": Fetched(200, {}, module),
    }
    manifest = ClientManifest(
        version="9.9",
        content_security_policy="default-src 'self'",
        files=MappingProxyType(
            {
                "/static/tablet/a.js": hashlib.sha256(module).hexdigest(),
                "/static/tablet/tablet.html": hashlib.sha256(page).hexdigest(),
            }
        ),
    )
    fetched: list[str] = []

    def fetch(url: str) -> Fetched:
        fetched.append(url)
        return served[url]

    report = check_client(origin + PAGE, manifest, fetch)
    assert fetched == [origin + PAGE, origin + "/static/tablet/a.js"]
    assert report.assets == (
        AssetResult(f"{PAGE} (tablet.html)", Verdict.OK, loaded=True),
        AssetResult("/static/tablet/a.js", Verdict.OK, loaded=True),
        AssetResult(
            "https://cdn.example/x.js",
            Verdict.UNEXPECTED,
            loaded=True,
            detail=f"another origin, named by {PAGE}",
        ),
    )
    assert report.problems == (
        "/static/tablet/a.js: line 2, column 1: import() of a computed specifier",
    )
    assert (report.policy_ok, report.ok) == (True, False)


def test_the_manifest_is_printed_for_publishing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-client", "--manifest"]) == 0
    manifest = release_manifest()
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        f"congress-vote {manifest.version}",
        f"csp {SECURITY_HEADERS['Content-Security-Policy']}",
    ]
    files = dict(release_files())
    expected = {url: hashlib.sha256(p.read_bytes()).hexdigest() for url, p in files.items()}
    expected["/static/common/words.js"] = hashlib.sha256(words_module().encode()).hexdigest()
    assert lines[2:-1] == [f"{sha}  {url}" for url, sha in sorted(expected.items())]
    digest = hashlib.sha256("".join(line + "\n" for line in lines[1:-1]).encode()).hexdigest()
    assert lines[-1] == f"digest sha256:{digest}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "URL: the tablet page to check is missing"),
        (["http://127.0.0.1/tablet/m1", "--manifest"], "give either URL or --manifest, not both"),
    ],
)
def test_either_a_url_or_the_manifest(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-client", *argv]) == 2
    assert capsys.readouterr() == ("", f"congress check-client: {message}\n")
