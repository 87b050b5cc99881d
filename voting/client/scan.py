"""What a page or a style sheet loads: the pure parsing side of ``congress check-client``.

:func:`page_links` reads the tablet page's HTML (scripts, the import map, style sheets, icons and
images); :func:`style_links` reads a style sheet's ``@import`` and ``url(…)``; :func:`resolve`
turns a specifier into a URL as a browser does, through the import map. What a module imports is
read by voting/client/imports.py. All of them raise :class:`ScanError` on what they cannot follow.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Final
from urllib.parse import urljoin, urlsplit


class ScanError(ValueError):
    """A page, module or style sheet that cannot be followed; the message says what and where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Style sheets

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(["']?)([^"')\s;]+)\1""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)""", re.IGNORECASE)


def style_links(source: str) -> tuple[str, ...]:
    """The URLs a style sheet loads: ``@import`` and ``url(…)``, in order, without repeats."""
    text = _CSS_COMMENT.sub(" ", source)
    found = [match.group(2) for match in _CSS_IMPORT.finditer(text)]
    found.extend(match.group(2).strip() for match in _CSS_URL.finditer(text))
    return tuple(dict.fromkeys(url for url in found if url))


# Pages

#: ``<link rel=…>`` values whose ``href`` the browser fetches.
_FETCHED_RELS: Final = frozenset({"stylesheet", "modulepreload", "preload", "icon", "manifest"})


@dataclass(frozen=True)
class PageLinks:
    """What a page loads: ``(kind, url)`` pairs in document order, where kind is ``"module"``,
    ``"script"``, ``"style"`` or ``"other"``; the import map; the module text of inline scripts."""

    loads: tuple[tuple[str, str], ...] = ()
    import_map: dict[str, str] = field(default_factory=dict)
    inline_modules: tuple[str, ...] = ()


#: Inline ``<script type=…>`` values the browser runs (as a module or a classic script).
_SCRIPT_TYPES: Final = frozenset({"", "module", "text/javascript", "application/javascript"})


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []
        self.import_maps: list[str] = []
        self.inline: list[str] = []
        self.base = False
        self._script: str | None = None  # the type of the open inline script
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            kind = values.get("type", "").strip().lower()
            if "src" in values:
                self.loads.append(("module" if kind == "module" else "script", values["src"]))
            else:
                self._script = kind
                self._text = []
        elif tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & _FETCHED_RELS and values.get("href"):
                kind = "style" if "stylesheet" in rels else "other"
                self.loads.append(("module" if "modulepreload" in rels else kind, values["href"]))
        elif tag in ("img", "source", "audio", "video", "iframe", "embed") and values.get("src"):
            self.loads.append(("other", values["src"]))
        elif tag == "base":
            self.base = True

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            text = "".join(self._text)
            if self._script == "importmap":
                self.import_maps.append(text)
            elif text.strip() and self._script in _SCRIPT_TYPES:
                self.inline.append(text)
            self._script = None  # other types are data blocks, which the browser never runs


def page_links(html: str) -> PageLinks:
    """What the page loads, from its HTML."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    if parser.base:
        raise ScanError("the page sets <base>, which moves where every address points")
    if len(parser.import_maps) > 1:
        raise ScanError("the page has more than one import map")
    import_map = _import_map(parser.import_maps[0]) if parser.import_maps else {}
    return PageLinks(tuple(parser.loads), import_map, tuple(parser.inline))


def _import_map(text: str) -> dict[str, str]:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ScanError(f"import map: not JSON ({exc})") from None
    if not isinstance(document, dict) or set(document) - {"imports"}:
        raise ScanError('import map: only an object with "imports" can be checked')
    imports = document.get("imports", {})
    if not isinstance(imports, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in imports.items()
    ):
        raise ScanError('import map: "imports" must map strings to strings')
    return dict(imports)


# Resolution


def resolve(specifier: str, base: str, *, page: str, import_map: dict[str, str]) -> str:
    """The URL a browser loads for ``specifier`` imported by the module at ``base`` on ``page``:
    relative and absolute URLs against ``base``, bare specifiers through the import map (whose
    addresses are relative to the page)."""
    if specifier.startswith(("/", "./", "../")) or urlsplit(specifier).scheme:
        return urljoin(base, specifier)
    if specifier in import_map:
        return urljoin(page, import_map[specifier])
    prefixes = [key for key in import_map if key.endswith("/") and specifier.startswith(key)]
    if not prefixes:
        raise ScanError(f"{specifier!r} is neither a URL nor in the import map")
    longest = max(prefixes, key=len)
    return urljoin(page, import_map[longest] + specifier[len(longest) :])
