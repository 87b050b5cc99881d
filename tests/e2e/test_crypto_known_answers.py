"""The browser's ballot cryptography (devices/static/crypto/) against the Python known answers:
RFC 9496 A.1–A.3 in Chromium, strict decoding, and the known-answer ballots of
tests/ballots/crypto/vectors/ reproduced byte for byte from the same fixed randomness."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point
from ballots.crypto.names import decode_name, encode_name, name_problem, normalise
from ballots.crypto.shape import BallotShape, Choice, check_choice
from tests.ballots.crypto.known_answers import VECTORS
from tests.ballots.crypto.test_group import (
    RFC9496_A1_MULTIPLES,
    RFC9496_A2_INVALID,
    RFC9496_A3_FROM_UNIFORM_BYTES,
)
from tests.e2e.conftest import MEETING, DemoServer

CRYPTO = "/static/tablet/crypto"


@pytest.fixture(scope="module")
def page(demo_server: DemoServer, browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo_server.base}/tablet/{MEETING}")
    yield page
    context.close()


def run(page: Page, body: str, arg: Any = None) -> Any:
    """Run ``body`` (an async function body) in the page, with the crypto modules imported:
    ``group``, ``hashing``, ``rand`` (random.js), ``shape``, ``ballot``, ``encoding``, ``names``,
    ``prover`` and ``bytes``."""
    modules = {"random": "rand", "prover": "prover"}
    names = ["group", "hashing", "random", "shape", "ballot", "encoding", "names", "prover"]
    imports = "\n".join(
        f'const {modules.get(m, m)} = await import("{CRYPTO}/{m}.js");' for m in names
    )
    script = f"""async (arg) => {{
        {imports}
        const bytes = await import("/static/tablet/bytes.js");
        {body}
    }}"""
    return page.evaluate(script, arg)


def test_rfc9496_a1_multiples_of_the_generator(page: Page) -> None:
    got = run(
        page,
        """const out = [];
        let sum = group.IDENTITY;
        for (let i = 0; i < 16; i++) {
            out.push([bytes.toHex(group.baseMul(BigInt(i)).toBytes()),
                      bytes.toHex(sum.toBytes()),
                      bytes.toHex(group.publicMul(group.G, BigInt(i)).toBytes())]);
            sum = sum.add(group.G);
        }
        return out;""",
    )
    assert got == [[m, m, m] for m in RFC9496_A1_MULTIPLES]


def test_rfc9496_a2_invalid_encodings_are_refused_with_the_python_message(page: Page) -> None:
    got = run(
        page,
        """return arg.map((hex) => {
            try { group.decodePoint(bytes.fromHex(hex), "p"); return "accepted"; }
            catch (e) { return [e.code, e.message]; }
        });""",
        RFC9496_A2_INVALID,
    )
    expected = [
        [
            "bad-point",
            "p: point has bit 255 set"
            if bytes.fromhex(h)[31] & 0x80
            else "p: point is not a valid ristretto255 encoding",
        ]
        for h in RFC9496_A2_INVALID
    ]
    assert got == expected


def test_rfc9496_a3_from_uniform_bytes(page: Page) -> None:
    got = run(
        page,
        "return arg.map((hex) => bytes.toHex(group.fromUniformBytes(bytes.fromHex(hex)).toBytes()));",
        [uniform for uniform, _ in RFC9496_A3_FROM_UNIFORM_BYTES],
    )
    assert got == [expected for _, expected in RFC9496_A3_FROM_UNIFORM_BYTES]


def test_bit_255_is_refused_by_noble_itself_and_by_the_strict_decoder(page: Page) -> None:
    got = run(
        page,
        """const { RistrettoPoint } = await import("/static/tablet/vendor/noble-curves-1.9.7/ed25519.js");
        const g = group.G.toBytes();
        const high = Uint8Array.from(g);
        high[31] |= 0x80;
        let noble;
        try { RistrettoPoint.fromBytes(high); noble = "accepted"; } catch (e) { noble = "refused"; }
        const strict = (data, allow) => {
            try { group.decodePoint(data, "ballot.ciphertexts[2].a", { allowIdentity: allow }); return "accepted"; }
            catch (e) { return [e.code, e.message]; }
        };
        return [noble, strict(high, false), strict(g, false), strict(new Uint8Array(32), false),
                strict(new Uint8Array(32), true), strict(new Uint8Array(31), true)];""",
    )
    assert got == [
        "refused",
        ["bad-point", "ballot.ciphertexts[2].a: point has bit 255 set"],
        "accepted",
        ["identity-point", "ballot.ciphertexts[2].a: the identity is not allowed here"],
        "accepted",
        ["bad-point", "ballot.ciphertexts[2].a: point is 31 bytes, not 32"],
    ]


def test_scalars_are_strict_and_reduced_like_python(page: Page) -> None:
    order = 2**252 + 27742317777372353535851937790883648493
    cases = [(order - 1).to_bytes(32, "little").hex(), order.to_bytes(32, "little").hex()]
    wide = bytes(range(64))
    got = run(
        page,
        """const decode = (hex) => {
            try { return group.decodeScalar(bytes.fromHex(hex), "s").toString(); }
            catch (e) { return [e.code, e.message]; }
        };
        return [...arg.cases.map(decode),
                bytes.toHex(group.encodeScalar(group.reduceWide(bytes.fromHex(arg.wide)))),
                bytes.toHex(group.encodeScalar(hashing.hashToScalar("cv1/test", bytes.utf8("abc"))))];""",
        {"cases": cases, "wide": wide.hex()},
    )
    assert got == [
        str(order - 1),
        ["bad-scalar", "s: scalar is not below the group order"],
        (int.from_bytes(wide, "little") % order).to_bytes(32, "little").hex(),
        "eb0eae8a4c3b29eed2dafd4d74b3909c52c6f26924981a5f7f5fb8cdaf6a4007",
    ]


def test_a_write_in_name_is_the_documented_point(page: Page) -> None:
    got = run(
        page,
        """const points = names.encodeName(" 王小明 ", 2);
        return [bytes.toHex(points[0].toBytes()), names.decodeName(points).name,
                names.decodeName(names.blank(2)).status];""",
    )
    assert got == [
        "0009e78e8be5b08fe6988e000000000000000000000000000000000000000000",
        "王小明",
        "blank",
    ]


KNOWN_ANSWER_BALLOT = """
    const v = arg;
    const random = rand.deterministicRandom(v.inputs.seed);
    const secret = random.scalar();
    const key = group.baseMul(secret);
    const kid = hashing.keyId(bytes.utf8(v.inputs.key_transcript));
    const poll = hashing.pollContext({
        origin: v.inputs.origin, pollId: v.inputs.poll_id,
        pollDefinition: bytes.utf8(v.inputs.poll_definition), key: kid, publicKey: key });
    const d = v.inputs.ballot;
    const s = d.kind === "motion" ? shape.shapes.motion(d.electorate)
        : shape.shapes.election(d.candidates, d.seats, { writeIns: d.write_ins });
    const choice = shape.stancesChoice([d.choice].flat(), d.write_in_names ?? []);
    const context = { poll, deputyId: v.inputs.deputy_id, deviceKey: bytes.fromHex(v.inputs.device_key), key };
    const made = ballot.makeBallot(s, choice, { context, random });
    ballot.verifyBallot(s, made, { context });
    const data = encoding.ballotBytes(made);
    return {
        secret_key: bytes.toHex(group.encodeScalar(secret)),
        public_key: bytes.toHex(key.toBytes()),
        key_id: bytes.toHex(group.encodeScalar(kid)),
        poll_ctx: bytes.toHex(group.encodeScalar(poll)),
        ballot_ctx: bytes.toHex(group.encodeScalar(hashing.ballotContext({ ...context, ciphertexts: made.ciphertexts }))),
        ballot_bytes_length: data.length,
        ballot_bytes_hex: bytes.toHex(data),
        tracking_code: encoding.trackingCode(made),
        ballot: encoding.ballotToJSON(made),
    };
"""


@pytest.mark.parametrize("name", ["motion", "election-write-in"])
def test_the_known_answer_ballot_is_reproduced_byte_for_byte(page: Page, name: str) -> None:
    vector = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    got = run(page, KNOWN_ANSWER_BALLOT, vector)
    data = bytes.fromhex(got.pop("ballot_bytes_hex"))
    assert hashlib.sha256(data).hexdigest() == vector["ballot_bytes_sha256"]
    expected = {key: vector[key] for key in got}
    assert got == expected


NAMES = [
    ("王小明", 2),
    ("  Zoë\u0301 Ābele\u3000", 2),  # trimmed (ideographic space) and NFC-composed
    ("\x1c李四\x85", 2),  # white space only Python's str.strip() knows
    ("d-42", 1),
    ("é" * 29 + "a", 2),  # 59 bytes: the longest open name
    ("x" * 29, 1),
    ("x" * 30, 1),  # one byte too long
    ("é" * 30, 2),  # 60 bytes
    ("王\u200b明", 2),  # a format character
    ("王\x07明", 2),  # a control character
    ("\ufeff王", 2),  # a byte order mark is a format character, not white space
    (" \t ", 2),
]


def python_name(name: str, k: int) -> list[str]:
    text = normalise(name)
    problem = name_problem(text, k)
    if problem is not None:
        return ["refused", problem]
    return [p.encode().hex() for p in encode_name(name, k)]


def test_write_in_names_encode_and_are_refused_like_python(page: Page) -> None:
    got = run(
        page,
        """return arg.map(([name, k]) => {
            const problem = names.nameProblem(names.normalise(name), k);
            if (problem !== null) return ["refused", problem];
            return names.encodeName(name, k).map((p) => bytes.toHex(p.toBytes()));
        });""",
        NAMES,
    )
    assert got == [python_name(name, k) for name, k in NAMES]
    assert sum(1 for verdict in got if verdict[0] == "refused") == 6


def chunk_point(data: bytes) -> str:
    """The hex of the first valid point ``[2·j] ‖ data ‖ [0]`` (30 bytes of data)."""
    for j in range(128):
        candidate = bytes([2 * j]) + data + bytes(1)
        try:
            Point.decode(candidate, "n", allow_identity=True)
        except CryptoError:
            continue
        return candidate.hex()
    raise AssertionError("no counter gives a valid point")


def test_decrypted_name_points_are_read_like_python(page: Page) -> None:
    cases = [
        [p.encode().hex() for p in encode_name("王小明", 2)],
        [p.encode().hex() for p in encode_name("d-42", 1)],
        [bytes(32).hex(), bytes(32).hex()],
        [chunk_point(bytes([4]) + b"\xff\xfe\xfd\xfc" + bytes(25))],  # not UTF-8
        [chunk_point(bytes([2]) + b"a " + bytes(27))],  # not trimmed
        [chunk_point(bytes([2]) + b"ab" + bytes([0, 1]) + bytes(25))],  # padding not zero
        [chunk_point(bytes([0]) + bytes(28) + b"a")],  # length byte 0
        [chunk_point(bytes([3]) + "e\u0301".encode() + bytes(26))],  # not NFC
        [chunk_point(bytes([2]) + b"a\x07" + bytes(27))],  # a control character
        [G_HEX],  # byte 31 is not 0
    ]
    got = run(
        page,
        """return arg.map((hexes) => names.decodeName(
            hexes.map((h) => group.decodePoint(bytes.fromHex(h), "n", { allowIdentity: true }))));""",
        cases,
    )
    expected = []
    for hexes in cases:
        points = [Point.decode(bytes.fromhex(h), "n", allow_identity=True) for h in hexes]
        decoded = decode_name(points)
        entry: dict[str, str] = {"status": decoded.status}
        if decoded.name is not None:
            entry["name"] = decoded.name
        if decoded.reason is not None:
            entry["reason"] = decoded.reason
        expected.append(entry)
    assert got == expected
    assert [e["status"] for e in expected] == ["name", "name", "blank"] + ["ignored"] * 7


G_HEX = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"


def test_a_choice_the_rules_forbid_is_refused_like_python(page: Page) -> None:
    got = run(
        page,
        """const s = shape.shapes.election(3, 2, { writeIns: true });
        const context = { poll: 1n, deputyId: "d", deviceKey: new Uint8Array(32), key: group.G };
        const cases = [
            shape.stancesChoice(["for", "for", "against"], ["王五"]),
            shape.stancesChoice(["abstain", "abstain", "against"], ["王五", "赵六"]),
            { marks: [1, 1, 0, 0, 0, 0], writeIns: [] },
        ];
        return cases.map((choice) => {
            try { ballot.makeBallot(s, choice, { context, random: rand.systemRandom() }); return "made"; }
            catch (e) { return [e.code, e.message]; }
        });""",
    )
    shape = BallotShape.election(3, 2, write_ins=True)
    choices = [
        Choice.stances(["for", "for", "against"], ["王五"]),
        Choice.stances(["abstain", "abstain", "against"], ["王五", "赵六"]),
        Choice((1, 1, 0, 0, 0, 0)),
    ]
    expected = []
    for choice in choices:
        with pytest.raises(CryptoError) as caught:
            check_choice(shape, choice)
        expected.append([caught.value.code, str(caught.value)])
    assert got == expected


def test_the_crypto_modules_take_randomness_only_from_get_random_values() -> None:
    folder = Path(__file__).resolve().parents[2] / "devices" / "static" / "crypto"
    sources = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.js")}
    assert [name for name, text in sources.items() if "Math.random" in text] == []
    assert [name for name, text in sources.items() if "getRandomValues(" in text] == ["random.js"]
