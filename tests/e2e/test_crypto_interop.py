"""Encrypted ballots cross between Python and Chromium: ballots of every poll kind made in the
prover worker (real randomness) verify in Python and decrypt to the choice; ballots made in Python
verify in the browser; tampered ballots are refused by both with the same code and message. Also:
the tablet page loads its import map under the Content-Security-Policy without a console error."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from ballots.crypto.ballot import BallotContext, make_ballot, verify_ballot
from ballots.crypto.elgamal import small_multiple
from ballots.crypto.encoding import ballot_from_json, ballot_to_json, tracking_code
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point
from ballots.crypto.hashing import key_id, poll_context
from ballots.crypto.names import blank, encode_name
from ballots.crypto.packing import packed_value
from ballots.crypto.randomness import SystemRandom
from ballots.crypto.shape import BallotShape, Choice
from tests.ballots.crypto.test_encoding import CONTEXT, DOCUMENT, SHAPE, TAMPERING, mutate
from tests.e2e.conftest import MEETING, DemoServer
from tests.e2e.test_crypto_known_answers import run
from voting.pages import SECURITY_HEADERS


@pytest.fixture(scope="module")
def page(demo_server: DemoServer, browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo_server.base}/tablet/{MEETING}")
    yield page
    context.close()


def shapes() -> dict[str, tuple[BallotShape, Choice]]:
    """One shape and an allowed choice per poll kind of docs/ballot-crypto.md §7."""
    choose = BallotShape.selection_choose(12, 10)
    evaluation = BallotShape.evaluation(2, 3)
    return {
        "motion": (BallotShape.motion(40), Choice.stances(["against"])),
        "selection choose 10 of 12": (choose, Choice.chosen(choose, [0, 2, 3, 4, 5, 6, 7, 9, 10])),
        "selection each": (
            BallotShape.selection_each(3),
            Choice.stances(["for", "abstain", "against"]),
        ),
        "evaluation": (evaluation, Choice.levels(evaluation, [2, None])),
        "election with write-ins": (
            BallotShape.election(3, 2, write_ins=True),
            Choice.stances(["abstain", "against", "against"], ["王小明", " Zoë Ābele "]),
        ),
        "election closed list": (
            BallotShape.election(3, 2, write_ins=True, closed_list=True),
            Choice.stances(["abstain", "against", "abstain"], ["d-42"]),
        ),
        "election without write-ins": (
            BallotShape.election(3, 2, write_ins=False),
            Choice.stances(["for", "abstain", "for"]),
        ),
    }


def shape_message(shape: BallotShape) -> dict[str, Any]:
    return {
        "kind": shape.kind,
        "entries": shape.entries,
        "seats": shape.seats,
        "levels": shape.levels,
        "slots": shape.slots,
        "namePoints": shape.name_points,
        "packingBase": shape.packing_base,
    }


def context_message(context: BallotContext) -> dict[str, str]:
    return {
        "poll": context.poll.encode().hex(),
        "deputyId": context.deputy_id,
        "deviceKey": context.device_key.hex(),
        "key": context.key.encode().hex(),
    }


@pytest.fixture(scope="module")
def keys() -> tuple[Any, BallotContext]:
    secret = SystemRandom().scalar()
    key = Point.base_mul(secret)
    poll = poll_context(
        origin="https://congress.example:8000",
        poll_id="poll-7",
        poll_definition=b'{"id":"poll-7","kind":"election"}',
        key=key_id(b"transcript of the ceremony"),
        public_key=key,
    )
    return secret, BallotContext(poll, "d-3", bytes(range(100, 132)), key)


def plaintexts(shape: BallotShape, choice: Choice) -> list[Point]:
    """What each ciphertext must decrypt to: m·G for marks and flags (X = F + B·A for a
    motion), name points for names."""
    if shape.kind == "motion":
        return [small_multiple(packed_value(choice.marks, shape.packing_base))]
    expected = [small_multiple(m) for m in choice.marks]
    names = sorted(choice.write_ins, key=lambda n: n.strip().encode())
    for slot in range(shape.slots):
        written = slot < len(names)
        expected.append(small_multiple(int(written)))
        if written:
            expected += encode_name(names[slot], shape.name_points)
        else:
            expected += blank(shape.name_points)
    return expected


def test_ballots_made_in_the_worker_verify_in_python_and_hold_the_choice(
    page: Page, keys: tuple[Any, BallotContext]
) -> None:
    secret, context = keys
    cases = shapes()
    requests = [
        {
            "shape": shape_message(shape),
            "choice": {"marks": list(choice.marks), "writeIns": list(choice.write_ins)},
        }
        for shape, choice in cases.values()
    ]
    made = run(
        page,
        """const worker = prover.startProver();
        const out = [];
        for (const r of arg.requests) out.push(await worker.make(r.shape, r.choice, arg.context));
        worker.stop();
        return out;""",
        {"requests": requests, "context": context_message(context)},
    )
    assert len(made) == len(cases)
    for (shape, choice), answer in zip(cases.values(), made, strict=True):
        ballot = ballot_from_json(shape, answer["ballot"])
        verify_ballot(shape, ballot, context=context)
        assert answer["trackingCode"] == tracking_code(ballot)
        decrypted = [c.b - c.a.mul(secret) for c in ballot.ciphertexts]
        assert decrypted == plaintexts(shape, choice)


def test_the_worker_draws_fresh_randomness_for_every_ballot(
    page: Page, keys: tuple[Any, BallotContext]
) -> None:
    _, context = keys
    shape, choice = shapes()["motion"]
    made = run(
        page,
        """const worker = prover.startProver();
        const out = [await worker.make(arg.shape, arg.choice, arg.context),
                     await worker.make(arg.shape, arg.choice, arg.context)];
        worker.stop();
        return out;""",
        {
            "shape": shape_message(shape),
            "choice": {"marks": list(choice.marks), "writeIns": []},
            "context": context_message(context),
        },
    )
    first, second = (ballot_from_json(shape, answer["ballot"]) for answer in made)
    values = [c.a for c in first.ciphertexts + second.ciphertexts]
    assert len(set(values)) == 2  # one packed ciphertext in each
    assert made[0]["trackingCode"] != made[1]["trackingCode"]


def test_ballots_made_in_python_verify_in_the_browser(
    page: Page, keys: tuple[Any, BallotContext]
) -> None:
    _, context = keys
    requests = []
    for shape, choice in shapes().values():
        ballot = make_ballot(shape, choice, context=context, random=SystemRandom())
        requests.append({"shape": shape_message(shape), "ballot": ballot_to_json(ballot)})
    verdicts = run(
        page,
        """const worker = prover.startProver();
        const out = [];
        for (const r of arg.requests) {
            try { await worker.verify(r.shape, r.ballot, arg.context); out.push("ok"); }
            catch (e) { out.push(e.message); }
        }
        worker.stop();
        return out;""",
        {"requests": requests, "context": context_message(context)},
    )
    assert verdicts == ["ok"] * len(requests)


def python_verdict(ballot: Any) -> list[str]:
    try:
        verify_ballot(SHAPE, ballot_from_json(SHAPE, ballot), context=CONTEXT)
    except CryptoError as error:
        return [error.code, str(error)]
    return ["ok"]


BROWSER_VERDICTS = """
    const worker = prover.startProver();
    const out = [];
    for (const b of arg.ballots) {
        try { await worker.verify(arg.shape, b, arg.context); out.push(["ok"]); }
        catch (e) { out.push([e.code, e.message]); }
    }
    worker.stop();
    return out;
"""


def browser_verdicts(page: Page, ballots: list[Any]) -> list[list[str]]:
    arg = {"shape": shape_message(SHAPE), "context": context_message(CONTEXT), "ballots": ballots}
    result: list[list[str]] = run(page, BROWSER_VERDICTS, arg)
    return result


def test_tampered_ballots_are_refused_by_both_with_the_same_error(page: Page) -> None:
    tampered = [mutate(DOCUMENT["ballot"], case) for case in TAMPERING]
    expected = [[case["code"], case["message"]] for case in TAMPERING]
    assert [python_verdict(b) for b in tampered] == expected
    assert browser_verdicts(page, [DOCUMENT["ballot"], *tampered]) == [["ok"], *expected]


def test_a_first_component_used_twice_is_refused_by_both(page: Page) -> None:
    repeated = mutate(
        DOCUMENT["ballot"],
        {"op": "set", "path": ["ciphertexts", 3], "value": DOCUMENT["ballot"]["ciphertexts"][1]},
    )
    expected = [
        "reused-component",
        "ballot.ciphertexts[3].a (candidates[1].against): "
        "the same first component as ciphertexts[1]",
    ]
    assert python_verdict(repeated) == expected
    assert browser_verdicts(page, [repeated]) == [expected]


def test_single_bit_flips_give_the_same_verdict_in_both(page: Page) -> None:
    values = [
        ["ciphertexts", i, key]
        for i in range(len(DOCUMENT["ballot"]["ciphertexts"]))
        for key in "ab"
    ] + [["proofs", p, "challenges", 0] for p in range(len(DOCUMENT["ballot"]["proofs"]))]
    tampered = []
    for n, path in enumerate(values):
        bit = hashlib.sha256(str(n).encode()).digest()[0] + 8 * (n % 32)
        case = {"op": "flip_bit", "path": path, "bit": bit % 256}
        tampered.append(mutate(DOCUMENT["ballot"], case))
    verdicts = browser_verdicts(page, tampered)
    assert verdicts == [python_verdict(b) for b in tampered]
    assert ["ok"] not in verdicts


def test_the_tablet_page_loads_its_import_map_under_the_csp(
    demo_server: DemoServer, browser: Browser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: _collect(problems, m))
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(f"{demo_server.base}/tablet/{MEETING}")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert csp == SECURITY_HEADERS["Content-Security-Policy"]
    html = response.text()
    start = html.index('<script type="importmap">') + len('<script type="importmap">')
    imports = html[start : html.index("</script>", start)]
    digest = base64.b64encode(hashlib.sha256(imports.encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in csp
    generator = page.evaluate(
        """async () => {
            const { RistrettoPoint } = await import("@noble/curves/ed25519.js");
            const { sha256 } = await import("@noble/hashes/sha2.js");
            const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
            return [hex(RistrettoPoint.BASE.toBytes()), hex(sha256(new Uint8Array(0)))];
        }"""
    )
    assert generator == [
        "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
        hashlib.sha256(b"").hexdigest(),
    ]
    page.wait_for_timeout(300)
    assert problems == []
    context.close()


def _collect(problems: list[str], message: ConsoleMessage) -> None:
    if message.type in ("error", "warning"):
        problems.append(message.text)
