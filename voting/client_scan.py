"""What a page, an ES module or a style sheet loads: the pure parsing side of ``congress
check-client``.

:func:`page_links` reads the tablet page's HTML (scripts, the import map, style sheets, icons and
images); :func:`module_links` reads a module's ``import … from "…"``, ``import "…"``, ``export …
from "…"``, ``import("…")``, ``new Worker("…")`` and ``new URL("…", import.meta.url)``;
:func:`style_links` reads a style sheet's ``@import`` and ``url(…)``; :func:`resolve` turns a
specifier into a URL as a browser does, through the import map.

The module reader is deliberately strict: it skips comments, strings, template literals and
regular expressions, and it raises :class:`ScanError` on anything it cannot follow (an unclosed
string, a computed ``import(name)``), because a load it cannot see is a load nobody checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Final
from urllib.parse import urljoin, urlsplit


class ScanError(ValueError):
    """A page, module or style sheet that cannot be followed; the message says what and where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Modules


@dataclass(frozen=True)
class ModuleLinks:
    """The specifiers a module imports (static and dynamic, in order) and the worker URLs it names,
    each to be resolved against the module's own URL: ``new URL("…", import.meta.url)`` is, and a
    ``new Worker("…")`` literal must be an absolute path, which resolves the same from anywhere."""

    imports: tuple[str, ...] = ()
    workers: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Token:
    kind: str  # "name", "string", "punct", "number", "template", "regex"
    text: str
    at: int
    escaped: bool = False


_NAME = re.compile(r"[A-Za-z_$\u0080-\U0010ffff][\w$\u0080-\U0010ffff]*")
_NUMBER = re.compile(r"\d[\w.]*")
#: After these names a ``/`` starts a regular expression, not a division.
_REGEX_AFTER_NAMES: Final = frozenset(
    [
        "return",
        "typeof",
        "instanceof",
        "in",
        "of",
        "new",
        "delete",
        "void",
        "throw",
        "case",
        "do",
        "else",
        "yield",
        "await",
    ]
)


def module_links(source: str) -> ModuleLinks:
    """The imports and worker URLs of an ES module's source text."""
    tokens = list(_tokens(source))
    imports: list[str] = []
    workers: list[str] = []
    computed_worker: _Token | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        previous = tokens[index - 1] if index else None
        after_dot = previous is not None and previous.kind == "punct" and previous.text == "."
        if token.kind == "name" and token.text == "import" and not after_dot:
            index = _read_import(source, tokens, index, imports)
            continue
        if token.kind == "name" and token.text == "export" and not after_dot:
            index = _read_export(source, tokens, index, imports)
            continue
        if token.kind == "name" and token.text == "new" and not after_dot:
            named = _peek(tokens, index + 1)
            if named is not None and named.kind == "name" and named.text in ("Worker", "URL"):
                argument = _peek(tokens, index + 3)
                if _is_punct(_peek(tokens, index + 2), "(") and argument is not None:
                    if named.text == "URL" and _is_import_meta_url(tokens, index + 4):
                        workers.append(_specifier(source, argument))
                    elif named.text == "Worker":
                        if argument.kind == "string":
                            workers.append(_worker_url(source, argument))
                        else:
                            computed_worker = argument
        index += 1
    if computed_worker is not None and not workers:
        raise ScanError(
            f"{_where(source, computed_worker.at)}: new Worker of a computed URL that is not a "
            'new URL("…", import.meta.url) of this module'
        )
    return ModuleLinks(tuple(imports), tuple(workers))


def _read_import(source: str, tokens: list[_Token], index: int, imports: list[str]) -> int:
    """Read the ``import`` at ``index``; return the index to go on from."""
    following = _peek(tokens, index + 1)
    if following is None:
        raise ScanError(f"{_where(source, tokens[index].at)}: import at the end of the module")
    if following.kind == "punct" and following.text in (".", ":"):
        return index + 1  # import.meta, or a property named import
    if following.kind == "string":
        imports.append(_specifier(source, following))
        return index + 2
    if _is_punct(following, "("):
        argument = _peek(tokens, index + 2)
        if argument is None or argument.kind != "string":
            raise ScanError(f"{_where(source, tokens[index].at)}: import() of a computed specifier")
        closing = _peek(tokens, index + 3)
        if not (_is_punct(closing, ")") or _is_punct(closing, ",")):
            raise ScanError(f"{_where(source, tokens[index].at)}: import() of a computed specifier")
        imports.append(_specifier(source, argument))
        return index + 3
    return _read_from_clause(source, tokens, index, imports)


def _read_export(source: str, tokens: list[_Token], index: int, imports: list[str]) -> int:
    following = _peek(tokens, index + 1)
    if following is None or not (_is_punct(following, "{") or _is_punct(following, "*")):
        return index + 1  # export const …, export function …, export default …
    if _is_punct(following, "{"):
        closing = index + 2
        while closing < len(tokens) and not _is_punct(tokens[closing], "}"):
            if tokens[closing].kind not in ("name", "string") and not _is_punct(
                tokens[closing], ","
            ):
                raise ScanError(
                    f"{_where(source, tokens[closing].at)}: unexpected "
                    f"{_shown(tokens[closing])} in an export list"
                )
            closing += 1
        if closing >= len(tokens):
            raise ScanError(f"{_where(source, following.at)}: export list without its }}")
        word = _peek(tokens, closing + 1)
        if word is None or word.kind != "name" or word.text != "from":
            return closing + 1
    return _read_from_clause(source, tokens, index, imports)


def _read_from_clause(source: str, tokens: list[_Token], index: int, imports: list[str]) -> int:
    """From the ``import``/``export`` at ``index``: bindings up to ``from "…"``."""
    cursor = index + 1
    while cursor < len(tokens):
        token = tokens[cursor]
        if token.kind == "name" and token.text == "from":
            target = _peek(tokens, cursor + 1)
            if target is not None and target.kind == "string":
                imports.append(_specifier(source, target))
                return cursor + 2
        if token.kind == "name" or (token.kind == "punct" and token.text in "{},*"):
            cursor += 1
            continue
        following = _peek(tokens, cursor + 1)
        if token.kind == "string" and following is not None and following.text == "as":
            cursor += 1  # { "a-b" as b }
            continue
        raise ScanError(
            f"{_where(source, token.at)}: unexpected {_shown(token)} in "
            f"{tokens[index].text} {tokens[index + 1].text}…"
        )
    raise ScanError(f"{_where(source, tokens[index].at)}: {tokens[index].text} without from")


def _shown(token: _Token) -> str:
    """A token as it reads in an error message: a string in double quotes, the rest as is."""
    return f'"{token.text}"' if token.kind == "string" else token.text


def _is_import_meta_url(tokens: list[_Token], index: int) -> bool:
    """Whether the tokens at ``index`` read ``, import.meta.url )``."""
    expected = [("punct", ","), ("name", "import"), ("punct", "."), ("name", "meta")]
    expected += [("punct", "."), ("name", "url"), ("punct", ")")]
    window = tokens[index : index + len(expected)]
    return [(token.kind, token.text) for token in window] == expected


def _peek(tokens: list[_Token], index: int) -> _Token | None:
    return tokens[index] if index < len(tokens) else None


def _is_punct(token: _Token | None, text: str) -> bool:
    return token is not None and token.kind == "punct" and token.text == text


def _specifier(source: str, token: _Token) -> str:
    if token.kind != "string":
        raise ScanError(f"{_where(source, token.at)}: expected a string, found {token.text!r}")
    if token.escaped:
        raise ScanError(f"{_where(source, token.at)}: a specifier with escapes")
    return token.text


def _worker_url(source: str, token: _Token) -> str:
    """A ``new Worker("…")`` literal. The browser resolves it against the document (or the
    worker that starts it), not the module, so only an absolute path or URL is accepted."""
    url = _specifier(source, token)
    if not (url.startswith("/") or urlsplit(url).scheme):
        raise ScanError(
            f'{_where(source, token.at)}: new Worker("{url}") is relative to the document; '
            'name it new URL("…", import.meta.url) or by an absolute path'
        )
    return url


def _where(source: str, at: int) -> str:
    line = source.count("\n", 0, at) + 1
    column = at - (source.rfind("\n", 0, at) + 1) + 1
    return f"line {line}, column {column}"


def _tokens(source: str) -> Iterator[_Token]:
    """The module's tokens, without comments and whitespace. Template literals and regular
    expressions come out as one token each (a template's ``${…}`` parts as ordinary tokens)."""
    # Brace depth at which each open template literal resumes, innermost last.
    templates: list[int] = []
    depth = 0
    previous: _Token | None = None
    at = 0
    length = len(source)
    while at < length:
        char = source[at]
        if char in " \t\r\n\f\v\u00a0\ufeff\u2028\u2029":
            at += 1
            continue
        if source.startswith("//", at):
            end = source.find("\n", at)
            at = length if end < 0 else end
            continue
        if source.startswith("/*", at):
            end = source.find("*/", at + 2)
            if end < 0:
                raise ScanError(f"{_where(source, at)}: unclosed comment")
            at = end + 2
            continue
        token: _Token
        if char in "'\"":
            token, at = _string(source, at)
        elif char == "`" or (char == "}" and templates and templates[-1] == depth):
            if char == "}":
                templates.pop()
            token, at, opened = _template(source, at)
            if opened:
                templates.append(depth)
        elif char == "/" and _starts_regex(previous):
            token, at = _regex(source, at)
        elif match := _NAME.match(source, at):
            token, at = _Token("name", match.group(), at), match.end()
        elif match := _NUMBER.match(source, at):
            token, at = _Token("number", match.group(), at), match.end()
        else:
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            token, at = _Token("punct", char, at), at + 1
        previous = token
        yield token
    if templates:
        raise ScanError(f"{_where(source, length)}: unclosed template literal")


def _string(source: str, start: int) -> tuple[_Token, int]:
    quote = source[start]
    at = start + 1
    escaped = False
    while at < len(source):
        char = source[at]
        if char == "\\":
            escaped = True
            at += 2
            continue
        if char == quote:
            return _Token("string", source[start + 1 : at], start, escaped), at + 1
        if char in "\r\n":
            break
        at += 1
    raise ScanError(f"{_where(source, start)}: unclosed string")


def _template(source: str, start: int) -> tuple[_Token, int, bool]:
    """A template literal's text from ``start`` (a backtick, or the ``}`` closing a ``${``) to
    the closing backtick (opened False) or the next ``${`` (opened True)."""
    at = start + 1
    while at < len(source):
        char = source[at]
        if char == "\\":
            at += 2
            continue
        if char == "`":
            return _Token("template", source[start : at + 1], start), at + 1, False
        if source.startswith("${", at):
            return _Token("template", source[start : at + 2], start), at + 2, True
        at += 1
    raise ScanError(f"{_where(source, start)}: unclosed template literal")


def _starts_regex(previous: _Token | None) -> bool:
    if previous is None:
        return True
    if previous.kind == "name":
        return previous.text in _REGEX_AFTER_NAMES
    if previous.kind == "punct":
        return previous.text not in ")]}"
    return previous.kind == "template" and previous.text.endswith("${")


def _regex(source: str, start: int) -> tuple[_Token, int]:
    at = start + 1
    in_class = False
    while at < len(source):
        char = source[at]
        if char in "\r\n":
            break
        if char == "\\":
            at += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "/" and not in_class:
            end = at + 1
            while end < len(source) and (source[end].isalnum() or source[end] in "_$"):
                end += 1
            return _Token("regex", source[start:end], start), end
        at += 1
    raise ScanError(f"{_where(source, start)}: unclosed regular expression")


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


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []
        self.import_maps: list[str] = []
        self.inline: list[str] = []
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

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            text = "".join(self._text)
            if self._script == "importmap":
                self.import_maps.append(text)
            elif text.strip():
                self.inline.append(text)
            self._script = None


def page_links(html: str) -> PageLinks:
    """What the page loads, from its HTML."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
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
