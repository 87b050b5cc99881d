"""What an ES module loads: ``import … from "…"``, ``import "…"``, ``export … from "…"``,
``import("…")``, ``new Worker("…")`` and ``new URL("…", import.meta.url)`` (for
``congress check-client``).

The reader is deliberately strict: it skips comments, strings, template literals and regular
expressions, and it raises :class:`~voting.client.scan.ScanError` on anything it cannot follow
(an unclosed string, a computed ``import(name)``), because a load it cannot see is a load nobody
checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from voting.client.scan import ScanError


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
