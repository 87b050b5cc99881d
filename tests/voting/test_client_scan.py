"""The client check's readers of pages, modules and style sheets (voting/client/scan.py,
voting/client/imports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.client.imports import ModuleLinks, module_links
from voting.client.scan import PageLinks, ScanError, page_links, resolve, style_links

ROOT = Path(__file__).resolve().parents[2]
PAGE = "https://hall.local:8443/tablet/m1"
IMPORT_MAP = {"@noble/hashes/": "/static/tablet/vendor/noble-hashes-1.8.0/", "lib": "/lib.js"}


def test_every_release_module_can_be_followed() -> None:
    modules = sorted((ROOT / "devices" / "static").rglob("*.js"))
    modules += sorted((ROOT / "voting" / "static" / "common").rglob("*.js"))
    followed = {path.name: module_links(path.read_text(encoding="utf-8")) for path in modules}
    assert followed["prover.js"] == ModuleLinks((), ("./worker.js",))
    assert followed["worker.js"].imports == (
        "./ballot.js",
        "./encoding.js",
        "./messages.js",
        "./random.js",
        "./shape.js",
    )


def test_the_tablet_page_loads_its_style_sheet_and_module_through_its_import_map() -> None:
    html = (ROOT / "devices" / "static" / "tablet.html").read_text(encoding="utf-8")
    assert page_links(html) == PageLinks(
        loads=(
            ("other", "data:,"),
            ("style", "/static/tablet/tablet.css"),
            ("module", "/static/tablet/tablet.js"),
        ),
        import_map={
            "@noble/curves/": "/static/tablet/vendor/noble-curves-1.9.7/",
            "@noble/hashes/": "/static/tablet/vendor/noble-hashes-1.8.0/",
        },
    )


def test_a_page_names_its_scripts_links_images_and_inline_modules() -> None:
    html = (
        '<script src="/a.js"></script><script type="module">import "/b.js";</script>'
        '<link rel="modulepreload" href="/c.js"><link rel="preload stylesheet" href="/d.css">'
        '<link rel="alternate" href="/feed"><img src="/e.png">'
        '<script type="application/json">{"import": "not run"}</script>'
    )
    assert page_links(html) == PageLinks(
        loads=(("script", "/a.js"), ("module", "/c.js"), ("style", "/d.css"), ("other", "/e.png")),
        inline_modules=('import "/b.js";',),
    )


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (
            '<script type="importmap">{}</script><script type="importmap">{}</script>',
            "the page has more than one import map",
        ),
        (
            '<base href="https://elsewhere.example/"><script src="a.js"></script>',
            "the page sets <base>, which moves where every address points",
        ),
        (
            '<script type="importmap">{"imports": {}, "scopes": {}}</script>',
            'import map: only an object with "imports" can be checked',
        ),
        (
            '<script type="importmap">{"imports": {"a": 1}}</script>',
            'import map: "imports" must map strings to strings',
        ),
    ],
)
def test_an_import_map_that_cannot_be_checked_is_refused(html: str, message: str) -> None:
    with pytest.raises(ScanError) as caught:
        page_links(html)
    assert caught.value.message == message


def test_a_style_sheet_names_its_imports_and_urls() -> None:
    css = (
        '@import "base.css";\n@import url(print.css) print;\n/* url(commented.woff2) */\n'
        "@font-face { src: url('/fonts/a.woff2') format('woff2'), url(b.woff); }\n"
        'body { background: url("data:image/png;base64,AAAA"); }\n'
    )
    assert style_links(css) == (
        "base.css",
        "print.css",
        "/fonts/a.woff2",
        "b.woff",
        "data:image/png;base64,AAAA",
    )


@pytest.mark.parametrize(
    ("specifier", "base", "url"),
    [
        ("./bytes.js", "https://hall.local:8443/static/tablet/crypto/x.js", "crypto/bytes.js"),
        ("../bytes.js", "https://hall.local:8443/static/tablet/crypto/x.js", "bytes.js"),
        ("/static/common/dom.js", PAGE, "/static/common/dom.js"),
        ("@noble/hashes/sha2.js", PAGE, "vendor/noble-hashes-1.8.0/sha2.js"),
        ("lib", PAGE, "/lib.js"),
        ("https://cdn.example/x.js", PAGE, "https://cdn.example/x.js"),
    ],
)
def test_specifiers_resolve_as_a_browser_resolves_them(specifier: str, base: str, url: str) -> None:
    expected = url if url.startswith(("https:", "/")) else f"/static/tablet/{url}"
    if expected.startswith("/"):
        expected = "https://hall.local:8443" + expected
    assert resolve(specifier, base, page=PAGE, import_map=IMPORT_MAP) == expected


def test_a_bare_specifier_outside_the_import_map_is_refused() -> None:
    with pytest.raises(ScanError) as caught:
        resolve("left-pad", PAGE, page=PAGE, import_map=IMPORT_MAP)
    assert caught.value.message == "'left-pad' is neither a URL nor in the import map"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("const m = await import(name);", "line 1, column 17: import() of a computed specifier"),
        ('x;\nimport("a" + b);', "line 2, column 1: import() of a computed specifier"),
        (
            "const url = pick();\nnew Worker(url);",
            "line 2, column 12: new Worker of a computed "
            'URL that is not a new URL("…", import.meta.url) of this module',
        ),
        (
            'new Worker("./w.js");',
            'line 1, column 12: new Worker("./w.js") is relative to the document; name it '
            'new URL("…", import.meta.url) or by an absolute path',
        ),
        ('const s = "open;\n', "line 1, column 11: unclosed string"),
        ("/* never closed", "line 1, column 1: unclosed comment"),
        ("const t = `a ${b}", "line 1, column 17: unclosed template literal"),
        ("x = /abc\n/;", "line 1, column 5: unclosed regular expression"),
        ('import "a\\u0062";', "line 1, column 8: a specifier with escapes"),
        ("import { a } form 'b';", 'line 1, column 19: unexpected "b" in import {…'),
        ("import { a; } from 'b';", "line 1, column 11: unexpected ; in import {…"),
        ("export { a. } from 'b';", "line 1, column 11: unexpected . in an export list"),
        ("import a from", "line 1, column 1: import without from"),
        ("export { a b", "line 1, column 8: export list without its }"),
    ],
)
def test_a_load_that_cannot_be_followed_is_refused(source: str, message: str) -> None:
    with pytest.raises(ScanError) as caught:
        module_links(source)
    assert caught.value.message == message


# Generated modules: imports in every form, among code that only looks like imports.

SPECIFIER = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_./@", min_size=1, max_size=24)
NAME = st.sampled_from(["a", "b", "value", "$el", "_x", "名字", "fromage", "imports", "as"])


@dataclass(frozen=True)
class Piece:
    text: str
    imports: tuple[str, ...] = ()
    workers: tuple[str, ...] = ()


@st.composite
def import_piece(draw: st.DrawFn) -> Piece:
    spec, a, b = draw(SPECIFIER), draw(NAME), draw(NAME)
    forms = [
        f'import "{spec}";',
        f"import '{spec}'",
        f'import {a} from "{spec}";',
        f"import * as {a} from '{spec}';",
        f'import {{ {a}, {b} as c }} from "{spec}";',
        f'import {a}, {{ {b} }} from "{spec}";',
        f'import {{\n  {a},\n  {b},\n}} from "{spec}";',
        f'import {{ "x-y" as {a} }} from "{spec}";',
        f'export * from "{spec}";',
        f'export * as {a} from "{spec}";',
        f'export {{ {a} as default, {b} }} from "{spec}";',
        f'const {a} = await import("{spec}");',
        f'import(\n  "{spec}"\n).then(({a}) => {a});',
        f'const {a} = await import("{spec}", {{ with: {{ type: "json" }} }});',
    ]
    return Piece(draw(st.sampled_from(forms)), imports=(spec,))


@st.composite
def worker_piece(draw: st.DrawFn) -> Piece:
    spec = draw(SPECIFIER)
    forms = [
        f'new Worker("/{spec}", {{ type: "module" }});',
        f'new Worker(new URL("{spec}", import.meta.url), {{ type: "module" }});',
        f'const u = new URL("{spec}", import.meta.url);\nconst w = new Worker(u);',
    ]
    form = draw(st.sampled_from(forms))
    return Piece(form, workers=(f"/{spec}" if form.startswith('new Worker("/') else spec,))


@st.composite
def decoy_piece(draw: st.DrawFn) -> Piece:
    spec, a = draw(SPECIFIER), draw(NAME)
    forms = [
        f'// import {a} from "{spec}";',
        f'/* import("{spec}");\n   export * from "{spec}"; */',
        f"const s = \"import {a} from '{spec}'\";",
        f"const t = 'new Worker(\"{spec}\")';",
        f'const u = `import("{spec}") ${{ {a} + `{spec}` }} done`;',
        f'const r = /import "[^"]*"\\/{a}/g;',
        f'const q = x / 2 / y; const k = {{ import: 1, from: "{spec}" }};',
        f'const i = {a}.import("{spec}");',
        f'if (import.meta.url) {{ console.log("{spec}"); }}',
        f"export const {a} = 1;",
        f"export function f{len(spec)}() {{ return /[/]{a}/.test('{spec}'); }}",
        f"export default {a};",
        f"export {{ {a} }};",
        f'const from = "{spec}"; const important = new URL("{spec}", base);',
        "label: for (;;) { break label; }",
    ]
    return Piece(draw(st.sampled_from(forms)))


@settings(max_examples=300)
@given(st.lists(st.one_of(import_piece(), worker_piece(), decoy_piece()), max_size=12))
def test_a_generated_module_yields_exactly_its_imports(pieces: list[Piece]) -> None:
    source = "\n".join(piece.text for piece in pieces) + "\n"
    assert module_links(source) == ModuleLinks(
        imports=tuple(spec for piece in pieces for spec in piece.imports),
        workers=tuple(spec for piece in pieces for spec in piece.workers),
    )


JS_BITS = st.sampled_from(
    [
        "import",
        "export",
        "from",
        "new",
        "Worker",
        "URL",
        "(",
        ")",
        "{",
        "}",
        "${",
        "`",
        "'",
        '"',
        "/",
        "*",
        "//",
        "/*",
        "*/",
        "\\",
        "\n",
        " ",
        ".",
        ",",
        "meta",
        "url",
        "a",
        "1",
        "[",
        "]",
    ]
)


@settings(max_examples=500)
@given(st.one_of(st.text(), st.lists(JS_BITS, max_size=40).map("".join)))
def test_arbitrary_text_is_read_or_refused_never_crashes(source: str) -> None:
    try:
        links = module_links(source)
    except ScanError as exc:
        assert exc.message.startswith("line ")
    else:
        assert all(isinstance(spec, str) for spec in links.imports + links.workers)


@settings(max_examples=300)
@given(st.text())
def test_arbitrary_html_and_css_are_read_or_refused_never_crash(text: str) -> None:
    try:
        page_links(text)
    except ScanError as exc:
        assert exc.message
    assert all(isinstance(url, str) for url in style_links(text))
