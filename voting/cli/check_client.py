"""``congress check-client URL [--ca FILE] [--lang zh|en]``: check that the tablet page a meeting
server delivers, and everything it loads, is byte for byte the installed release
(docs/verifying.md, docs/ballot-secrecy.md §4). ``congress check-client --manifest`` prints the
installed release's manifest, to publish with the release.

Prints the release version and the manifest digest, one line per asset (``ok``, ``不一致
modified``, ``多出 unexpected``, ``缺少 missing``), the Content-Security-Policy verdict and a
summary. Exit status: 0 only if everything matches, 1 on any difference, 2 on a usage error or
when the server cannot be reached or does not deliver the page.
"""

from __future__ import annotations

import argparse
import ssl
import sys
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from voting.cli.verify import write_stdout
from voting.client.compare import (
    AssetResult,
    ClientReport,
    Fetched,
    FetchError,
    PageUnavailable,
    Verdict,
    check_client,
)
from voting.client.manifest import PAGE_ROUTE_PREFIX, ClientManifest, release_manifest

EXIT_OK: Final = 0
EXIT_DIFFERENT: Final = 1
EXIT_USAGE: Final = 2

# Limits
#: Seconds to wait for each response.
TIMEOUT_S: Final = 15.0
#: Largest asset read; a bigger one is cut there (and so differs from the release).
MAX_ASSET_BYTES: Final = 16 * 1024 * 1024

#: Plain HTTP is accepted only on the auditor's own machine.
LOCAL_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})

_MARKS: Final = {
    Verdict.OK: ("ok", "ok"),
    Verdict.MODIFIED: ("不一致", "modified"),
    Verdict.UNEXPECTED: ("多出", "unexpected"),
    Verdict.MISSING: ("缺少", "missing"),
}


class UsageError(Exception):
    """A bad argument; the message says which."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check-client",
        help="核对服务器提供的表决器页面 / check the tablet page a server delivers",
        description=(
            "从会议服务器取得代表表决器页面及其加载的全部文件，与本机安装的发布版本逐字节核对。"
            " Fetch the tablet page and everything it loads from the meeting server and compare "
            "each file, byte for byte, with the release installed here."
        ),
        epilog="例 / example: congress check-client https://hall.local:8443/tablet/m1 --ca ca.pem",
    )
    parser.add_argument(
        "url",
        metavar="URL",
        nargs="?",
        help="表决器页面地址 / the tablet page URL, e.g. https://hall.local:8443/tablet/m1",
    )
    parser.add_argument(
        "--manifest",
        action="store_true",
        help=(
            "只打印本机发布版本的清单，不连接服务器 / print the installed release's manifest "
            "instead of checking a server"
        ),
    )
    parser.add_argument(
        "--ca",
        metavar="FILE",
        type=Path,
        help="会议 CA 证书（PEM）/ the meeting CA certificate (PEM) to trust for HTTPS",
    )
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        help="只用一种语言输出（默认中英文）/ print in one language only (default: both)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.manifest:
            if args.url is not None:
                raise UsageError("give either URL or --manifest, not both")
            write_stdout(render_manifest(release_manifest()))
            return EXIT_OK
        if args.url is None:
            raise UsageError("URL: the tablet page to check is missing")
        url = check_url(args.url)
        context = tls_context(args.ca)
        report = check_client(url, release_manifest(), HttpFetcher(context))
    except (UsageError, FetchError, PageUnavailable) as exc:
        print(f"congress check-client: {exc}", file=sys.stderr)
        return EXIT_USAGE
    write_stdout(render(report, args.lang))
    return EXIT_OK if report.ok else EXIT_DIFFERENT


def check_url(url: str) -> str:
    """The tablet page URL, if it is one this check may fetch."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"URL: {url!r} is not an http(s) address")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise UsageError(f"URL: plain http is allowed only for localhost, not {parts.hostname}")
    if not parts.path.startswith(PAGE_ROUTE_PREFIX) or parts.path == PAGE_ROUTE_PREFIX:
        raise UsageError(
            f"URL: {url!r} is not a tablet page; give the address the tablets open, "
            "e.g. https://hall.local:8443/tablet/m1"
        )
    return url


def tls_context(ca: Path | None) -> ssl.SSLContext:
    """Certificate checks against the meeting CA if given, else the system's."""
    if ca is None:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=str(ca))
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"--ca: cannot load {ca}: {exc}") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer of its own, compared as such


class HttpFetcher:
    """GET one URL, straight to the server: no proxy (one more party that could change the
    bytes), no redirects, no caches."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=context),
            _NoRedirect(),
        )

    def __call__(self, url: str) -> Fetched:
        request = urllib.request.Request(url, headers={"Cache-Control": "no-cache"})
        try:
            with self.opener.open(request, timeout=TIMEOUT_S) as response:
                body = response.read(MAX_ASSET_BYTES)
                return Fetched(response.status, _headers(response.headers), body)
        except urllib.error.HTTPError as error:
            return Fetched(error.code, _headers(error.headers), b"")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{url}: cannot connect ({reason})") from None


def _headers(headers: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def render(report: ClientReport, lang: str | None) -> str:
    """The report as text: header, one line per asset, the policy, problems, the summary."""
    manifest = report.manifest
    lines = [
        f"{_say(lang, '表决器页面', 'tablet page')}: {report.page_url}",
        f"{_say(lang, '发布版本', 'release')}: congress-vote {manifest.version}",
        f"{_say(lang, '发布清单摘要', 'release manifest digest')}: sha256:{manifest.digest()}",
        _say(lang, "页面加载的文件", "loaded by the page") + ":",
    ]
    lines.extend(_asset_line(asset, lang) for asset in report.assets if asset.loaded)
    lines.append(_say(lang, "发布中的其他文件", "other files of the release") + ":")
    lines.extend(_asset_line(asset, lang) for asset in report.assets if not asset.loaded)
    policy = "Content-Security-Policy"
    if report.policy_ok:
        lines.append(f"  ok  {policy}")
    else:
        lines.append(f"  {_mark(Verdict.MODIFIED, lang)}  {policy}")
        served = report.policy_served if report.policy_served is not None else "—"
        lines.append(f"      {_say(lang, '服务器', 'served')}: {served}")
        lines.append(f"      {_say(lang, '发布', 'release')}: {manifest.content_security_policy}")
    if report.problems:
        lines.append(_say(lang, "无法跟踪的加载", "loads that cannot be followed") + ":")
        lines.extend(f"  {problem}" for problem in report.problems)
    lines.append(_summary(report, lang))
    return "\n".join(lines) + "\n"


def render_manifest(manifest: ClientManifest) -> str:
    """The manifest as text, to publish with a release: the version, the manifest's lines and
    their digest (the SHA-256 of the lines between the first and the last)."""
    lines = [f"congress-vote {manifest.version}", *manifest.lines()]
    lines.append(f"digest sha256:{manifest.digest()}")
    return "\n".join(lines) + "\n"


def _asset_line(asset: AssetResult, lang: str | None) -> str:
    line = f"  {_mark(asset.verdict, lang)}  {asset.path}"
    return f"{line}  ({asset.detail})" if asset.detail else line


def _summary(report: ClientReport, lang: str | None) -> str:
    total = len(report.assets)
    loaded = sum(1 for asset in report.assets if asset.loaded)
    if report.ok:
        return _say(
            lang,
            f"结果：全部 {total} 个文件与发布一致（页面加载 {loaded} 个），内容安全策略一致",
            f"result: all {total} assets match the release ({loaded} loaded by the page), "
            "and so does the Content-Security-Policy",
        )
    counts = {verdict: report.count(verdict) for verdict in Verdict}
    policy_zh = "一致" if report.policy_ok else "不一致"
    policy_en = "matches" if report.policy_ok else "differs"
    return _say(
        lang,
        f"结果：与发布不一致。共 {total} 个文件：一致 {counts[Verdict.OK]}，"
        f"不一致 {counts[Verdict.MODIFIED]}，多出 {counts[Verdict.UNEXPECTED]}，"
        f"缺少 {counts[Verdict.MISSING]}；内容安全策略{policy_zh}；"
        f"无法跟踪 {len(report.problems)}",
        f"result: differs from the release. {total} assets: {counts[Verdict.OK]} ok, "
        f"{counts[Verdict.MODIFIED]} modified, {counts[Verdict.UNEXPECTED]} unexpected, "
        f"{counts[Verdict.MISSING]} missing; the Content-Security-Policy {policy_en}; "
        f"{len(report.problems)} cannot be followed",
    )


def _mark(verdict: Verdict, lang: str | None) -> str:
    zh, en = _MARKS[verdict]
    if verdict is Verdict.OK:
        return "ok"
    return _say(lang, zh, en).replace(" / ", " ")


def _say(lang: str | None, zh: str, en: str) -> str:
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh} / {en}"
