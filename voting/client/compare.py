"""The client check: does the tablet page a server delivers load exactly the release's files?

:func:`check_client` starts at the tablet page, follows everything it loads (voting/client/scan.py,
voting/client/imports.py), then fetches the release's other files too, and compares each with the
release manifest (voting/client/manifest.py). It does no I/O of its own: the caller passes
``fetch``, which gets one URL (``congress check-client`` passes an HTTP client).

Each asset gets one verdict: ``ok`` (the release's bytes), ``modified`` (a release file with other
bytes), ``unexpected`` (loaded by the page but no release file: a server could add a script), or
``missing`` (a release file the server does not deliver). The page's Content-Security-Policy
header must be the release's too.
"""

from __future__ import annotations

import enum
import re
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin, urlsplit

from voting.client.imports import module_links
from voting.client.manifest import PAGE_PATH, PAGE_ROUTE_PREFIX, ClientManifest, sha256_hex
from voting.client.scan import ScanError, page_links, resolve, style_links

#: More assets than this and the check stops following: no release loads nearly as many.
MAX_ASSETS: Final = 2000


class FetchError(Exception):
    """The server could not be reached or stopped answering; the message says which URL."""


class PageUnavailable(Exception):
    """The tablet page itself was not delivered (an HTTP error status)."""


@dataclass(frozen=True)
class Fetched:
    """One HTTP response: status, headers (names in lower case) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


Fetch = Callable[[str], Fetched]


class Verdict(enum.Enum):
    OK = "ok"
    MODIFIED = "modified"
    UNEXPECTED = "unexpected"
    MISSING = "missing"


@dataclass(frozen=True)
class AssetResult:
    """The verdict on one asset. ``path`` is the URL path (or the whole URL of another origin);
    ``loaded`` whether the page loads it; ``detail`` why it is not ok."""

    path: str
    verdict: Verdict
    loaded: bool
    detail: str = ""


@dataclass(frozen=True)
class ClientReport:
    page_url: str
    manifest: ClientManifest
    assets: tuple[AssetResult, ...]
    policy_served: str | None
    problems: tuple[str, ...]

    @property
    def policy_ok(self) -> bool:
        return policy_allowed(self.policy_served, self.manifest.content_security_policy)

    @property
    def ok(self) -> bool:
        return (
            self.policy_ok
            and not self.problems
            and all(asset.verdict is Verdict.OK for asset in self.assets)
        )

    def count(self, verdict: Verdict) -> int:
        return sum(1 for asset in self.assets if asset.verdict is verdict)


#: What a server of a primary/standby pair adds to the release policy: the origin of its peer
#: server and that server's WebSocket origin, https with wss or http with ws
#: (``voting.pages.tablet_headers``).
_PEER = re.compile(
    r"connect-src 'self' (?:https://([A-Za-z0-9.\-\[\]:]+) wss://\1"
    r"|http://([A-Za-z0-9.\-\[\]:]+) ws://\2);"
)


def policy_allowed(served: str | None, release: str) -> bool:
    """Whether the policy ``served`` with the tablet page is the release's policy, or that policy
    with one peer server allowed to connect to, over HTTP and WebSocket (a primary/standby
    pair)."""
    if served is None:
        return False
    return served == release or _PEER.sub("connect-src 'self';", served, count=1) == release


def check_client(page_url: str, manifest: ClientManifest, fetch: Fetch) -> ClientReport:
    """Check the tablet page at ``page_url`` and everything it loads against ``manifest``.

    Raises :class:`FetchError` if the server cannot be reached and :class:`PageUnavailable` if it
    does not deliver the page."""
    page = fetch(page_url)
    if page.status != 200:
        raise PageUnavailable(f"{page_url}: HTTP {page.status}")
    crawl = _Crawl(page_url, manifest, fetch)
    crawl.page(page)
    crawl.follow()
    crawl.rest_of_release()
    return ClientReport(
        page_url=page_url,
        manifest=manifest,
        assets=tuple(crawl.results),
        policy_served=page.headers.get("content-security-policy"),
        problems=tuple(crawl.problems),
    )


class _Crawl:
    def __init__(self, page_url: str, manifest: ClientManifest, fetch: Fetch) -> None:
        self.page_url = page_url
        self.origin = _origin(page_url)
        self.manifest = manifest
        self.fetch = fetch
        self.import_map: dict[str, str] = {}
        self.queue: deque[tuple[str, str, str]] = deque()  # kind, URL, named by
        self.seen: set[str] = set()
        self.results: list[AssetResult] = []
        self.problems: list[str] = []

    def page(self, response: Fetched) -> None:
        path = urlsplit(self.page_url).path
        self.seen.update((PAGE_PATH, path))
        label = f"{path} ({PAGE_PATH.rsplit('/', 1)[-1]})"
        self.results.append(self._compare(label, PAGE_PATH, response, loaded=True))
        if not path.startswith(PAGE_ROUTE_PREFIX):
            self.problems.append(f"{path}: not the tablet page route {PAGE_ROUTE_PREFIX}…")
        try:
            links = page_links(response.body.decode("utf-8"))
        except (UnicodeDecodeError, ScanError) as exc:
            self.problems.append(f"{path}: {_reason(exc)}")
            return
        self.import_map = links.import_map
        for kind, url in links.loads:
            self._enqueue(kind, url, self.page_url, where=path)
        for index, source in enumerate(links.inline_modules, 1):
            self._module(source, self.page_url, where=f"{path} <script> #{index}")

    def follow(self) -> None:
        while self.queue:
            kind, url, named_by = self.queue.popleft()
            if len(self.results) >= MAX_ASSETS:
                self.problems.append(f"more than {MAX_ASSETS} assets; stopped following")
                return
            if _origin(url) != self.origin:
                detail = f"another origin, named by {named_by}"
                self.results.append(
                    AssetResult(url, Verdict.UNEXPECTED, loaded=True, detail=detail)
                )
                continue  # never fetched: the check talks to the meeting server only
            path = urlsplit(url).path
            response = self.fetch(url)
            self.results.append(self._compare(path, path, response, loaded=True))
            if response.status != 200:
                continue
            try:
                text = response.body.decode("utf-8")
            except UnicodeDecodeError as exc:
                if kind != "other":
                    self.problems.append(f"{path}: {_reason(exc)}")
                continue
            if kind in ("module", "script"):
                self._module(text, url, where=path)  # a classic script may import() as well
            elif kind == "style":
                for link in style_links(text):
                    style = "style" if urlsplit(link).path.endswith(".css") else "other"
                    self._enqueue(style, link, url, where=path)

    def rest_of_release(self) -> None:
        """Fetch and compare the release files the page did not load."""
        for path in self.manifest.files:
            if path not in self.seen:
                self.seen.add(path)
                response = self.fetch(self.origin + path)
                self.results.append(self._compare(path, path, response, loaded=False))

    def _module(self, source: str, url: str, *, where: str) -> None:
        try:
            links = module_links(source)
            targets = [
                resolve(spec, url, page=self.page_url, import_map=self.import_map)
                for spec in links.imports
            ]
        except ScanError as exc:
            self.problems.append(f"{where}: {exc.message}")
            return
        targets.extend(urljoin(url, worker) for worker in links.workers)
        for target in targets:
            self._enqueue("module", target, url, where=where)

    def _enqueue(self, kind: str, url: str, base: str, *, where: str) -> None:
        absolute = urljoin(base, url.strip())
        if urlsplit(absolute).scheme == "data":
            return  # inline in the file that names it, which is hashed
        key = urlsplit(absolute).path if _origin(absolute) == self.origin else absolute
        if key not in self.seen:
            self.seen.add(key)
            self.queue.append((kind, absolute, where))

    def _compare(self, label: str, path: str, response: Fetched, *, loaded: bool) -> AssetResult:
        expected = self.manifest.files.get(path)
        if response.status != 200:
            verdict = Verdict.UNEXPECTED if expected is None else Verdict.MISSING
            return AssetResult(label, verdict, loaded, f"HTTP {response.status}")
        if expected is None:
            return AssetResult(label, Verdict.UNEXPECTED, loaded, "not a file of the release")
        actual = sha256_hex(response.body)
        if actual != expected:
            detail = f"sha256 {actual}, release {expected}"
            return AssetResult(label, Verdict.MODIFIED, loaded, detail)
        return AssetResult(label, Verdict.OK, loaded)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _reason(exc: Exception) -> str:
    if isinstance(exc, ScanError):
        return exc.message
    return f"not UTF-8 text ({exc})"
