"""The tablet page's own crypto and encoding modules, run in Chromium against values made by the
Python side: canonical JSON (audit.canonical), Merkle inclusion proofs (audit.merkle and the
tlog test vectors), signed checkpoints (audit.note / audit.checkpoint and the C2SP known
answer), the server's signed acknowledgement of an encrypted ballot, and the election ballot's
write-ins."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from audit.canonical import canonical_bytes
from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.merkle import MerkleTree, leaf_hash
from audit.note import NoteSigner
from tests.audit.conftest import read_vector, vector_files
from tests.e2e.conftest import MEETING, DemoServer

C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = (
    "This is an example message.\n\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKu"
    "wHjG1Yu72IneyaQM=\n"
)


@pytest.fixture(scope="module")
def page(demo_server: DemoServer, browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo_server.base}/tablet/{MEETING}")
    yield page
    context.close()


def run(page: Page, module: str, body: str, arg: Any = None) -> Any:
    """Run ``body`` (an async function body with ``m`` the module and ``arg``) in the page."""
    script = f"""async (arg) => {{
        const m = await import("/static/tablet/{module}.js");
        {body}
    }}"""
    return page.evaluate(script, arg)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# Canonical JSON ---------------------------------------------------------------------------------

VALUES: list[Any] = [
    {"type": "vote", "seq": 12, "v": 1, "poll": "p1", "deputy": "d01", "choice": "for"},
    {"b": [1, -2, 0, 9007199254740991, -9007199254740991], "a": {"z": None, "y": True, "x": False}},
    {"名": "王建国", "é": "naïve", "emoji": "😀", "A": "a", "a": "A", "_": "", "~": "~"},
    {"escapes": 'quote" backslash\\ newline\n tab\t cr\r bell\x07 nul\x00 del\x7f'},
    {"separators": "\u2028\u2029", "slash": "a/b", "html": "<script>&</script>"},
    {"marks": {"c1": "for", "c2": "against"}, "write_ins": ["王五", " 赵六 "]},
    {"nested": [[[]], {}, [{"k": [1, {"j": "v"}]}]]},
    {"\ue000": 1, "\uffff": 2, "z": 3},
]


def test_canonical_json_is_byte_for_byte_the_python_encoding(page: Page) -> None:
    got = run(page, "canonical", "return arg.map((v) => m.canonicalJSON(v));", VALUES)
    assert got == [canonical_bytes(value).decode() for value in VALUES]


def test_canonical_json_refuses_what_the_server_refuses(page: Page) -> None:
    refused = run(
        page,
        "canonical",
        """
        const bad = [1.5, 2 ** 53, -(2 ** 53), NaN, Infinity, "\\ud800", {"a": undefined},
                     {"\\u{1F600}": 1, "\\uE000": 2}, new Date(0)];
        return bad.map((v) => {
            try { m.canonicalJSON(v); return "accepted"; } catch (e) { return e.name; }
        });
        """,
    )
    assert refused == ["CanonicalError"] * 9


# Merkle inclusion proofs ------------------------------------------------------------------------


def test_inclusion_proofs_made_by_python_verify_and_tampered_ones_do_not(page: Page) -> None:
    entries = [canonical_bytes({"v": 1, "seq": i, "type": "ballot", "n": i}) for i in range(21)]
    tree = MerkleTree(leaf_hash(e) for e in entries)
    cases = []
    for size in range(1, 22):
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            cases.append(
                {
                    "entry": b64(entries[index]),
                    "index": index,
                    "size": size,
                    "proof": [b64(h) for h in proof],
                    "root": b64(tree.root(size)),
                }
            )
    verdicts = run(
        page,
        "merkle",
        """
        const { fromBase64 } = await import("/static/tablet/bytes.js");
        const check = async (c, proof, index, size, root) => {
            try {
                const leaf = await m.leafHash(fromBase64(c.entry));
                await m.verifyInclusion(leaf, index, size, proof, root);
                return "ok";
            } catch (e) {
                return e.name;
            }
        };
        const out = [];
        for (const c of arg) {
            const proof = c.proof.map(fromBase64);
            const root = fromBase64(c.root);
            const row = [await check(c, proof, c.index, c.size, root)];
            const flipped = fromBase64(c.root);
            flipped[0] ^= 1;
            row.push(await check(c, proof, c.index, c.size, flipped));
            if (proof.length) {
                const bad = proof.map((h) => h.slice());
                bad[bad.length - 1][31] ^= 0x80;
                row.push(await check(c, bad, c.index, c.size, root));
                row.push(await check(c, proof.slice(1), c.index, c.size, root));
                row.push(await check(c, proof, c.index ^ 1, c.size, root));
            }
            out.push(row);
        }
        return out;
        """,
        cases,
    )
    for case, row in zip(cases, verdicts, strict=True):
        where = f"leaf {case['index']} of {case['size']}"
        assert row[0] == "ok", where
        assert all(v == "ProofError" for v in row[1:]), (where, row)


def test_the_tlog_inclusion_vectors(page: Page) -> None:
    files = vector_files("inclusion")
    assert len(files) == 98
    vectors = []
    for path in files:
        vector = read_vector(path)
        vectors.append(
            {
                "name": str(path),
                "index": vector["leafIdx"],
                "size": vector["treeSize"],
                "leaf": b64(vector["leafHash"]),
                "root": b64(vector["root"]),
                "proof": [b64(h) for h in vector["proof"]],
                "wantErr": vector["wantErr"],
            }
        )
    verdicts = run(
        page,
        "merkle",
        """
        const { fromBase64 } = await import("/static/tablet/bytes.js");
        const out = [];
        for (const v of arg) {
            try {
                await m.verifyInclusion(fromBase64(v.leaf), v.index, v.size,
                                        v.proof.map(fromBase64), fromBase64(v.root));
                out.push(false);
            } catch (e) {
                out.push(e.name === "ProofError");
            }
        }
        return out;
        """,
        vectors,
    )
    assert {v["name"]: failed for v, failed in zip(vectors, verdicts, strict=True)} == {
        v["name"]: v["wantErr"] for v in vectors
    }


def test_the_tlog_consistency_vectors(page: Page) -> None:
    """merkle.js verifyConsistency (the tablet as a witness) against every consistency case."""
    files = vector_files("consistency")
    assert len(files) == 98
    vectors = []
    for path in files:
        vector = read_vector(path)
        vectors.append(
            {
                "name": str(path),
                "size1": vector["size1"],
                "size2": vector["size2"],
                "root1": b64(vector["root1"]),
                "root2": b64(vector["root2"]),
                "proof": [b64(h) for h in vector["proof"] or []],
                "wantErr": vector["wantErr"],
            }
        )
    verdicts = run(
        page,
        "merkle",
        """
        const { fromBase64 } = await import("/static/tablet/bytes.js");
        const out = [];
        for (const v of arg) {
            try {
                await m.verifyConsistency(v.size1, v.size2, v.proof.map(fromBase64),
                                          fromBase64(v.root1), fromBase64(v.root2));
                out.push(false);
            } catch (e) {
                out.push(e.name === "ProofError");
            }
        }
        return out;
        """,
        vectors,
    )
    assert {v["name"]: failed for v, failed in zip(vectors, verdicts, strict=True)} == {
        v["name"]: v["wantErr"] for v in vectors
    }


# Signed notes and checkpoints -------------------------------------------------------------------

OPEN_CHECKPOINT = """
    const results = [];
    for (const [note, vkeys, origin] of arg) {
        try {
            const verifiers = [];
            for (const vkey of vkeys) verifiers.push(await m.parseVkey(vkey));
            const c = await m.openCheckpoint(note, verifiers, origin);
            const { toHex } = await import("/static/tablet/bytes.js");
            results.push({origin: c.origin, size: c.size, root: toHex(c.root)});
        } catch (e) {
            results.push(e.name + ": " + e.message);
        }
    }
    return results;
"""


def test_checkpoints_signed_by_python_verify_in_the_page(page: Page) -> None:
    origin = "xinzhou.congress.local/17-3"
    signer = NoteSigner.generate(origin)
    other = NoteSigner.generate(origin)
    stranger = NoteSigner.generate("somebody.else/log")
    root = hashlib.sha256(b"root").digest()
    note = sign_checkpoint(Checkpoint(origin, 123, root), signer)
    text, signature_line = note.split("\n\n")
    cosigned = f"{text}\n\n{stranger.sign(text + chr(10)).split(chr(10) * 2)[1]}{signature_line}"
    tampered = note.replace("\n123\n", "\n124\n")
    cases = [
        (note, [signer.vkey()], origin),
        (cosigned, [signer.vkey()], origin),  # an unknown signer's line is ignored
        (tampered, [signer.vkey()], origin),
        (note, [other.vkey()], origin),  # same name, another key: not known
        (note, [signer.vkey()], "another.origin/1"),
        (sign_checkpoint(Checkpoint(origin, 5, root), other), [signer.vkey()], origin),
    ]
    results = run(page, "note", OPEN_CHECKPOINT, cases)
    expected = {"origin": origin, "size": 123, "root": root.hex()}
    assert results[0] == expected
    assert results[1] == expected
    assert results[2].startswith("NoteError: note signature line 1: signature does not verify")
    assert results[3] == "NoteError: note has no signature from a known key"
    assert results[4] == f"NoteError: checkpoint is for origin {origin}, expected another.origin/1"
    assert results[5] == "NoteError: note has no signature from a known key"


def test_the_c2sp_signed_note_known_answer(page: Page) -> None:
    result = run(
        page,
        "note",
        """
        const key = await m.parseVkey(arg.vkey);
        const opened = await m.openNote(arg.note, [key]);
        const bad = arg.note.replace("example message", "example massage");
        let tampered;
        try { await m.openNote(bad, [key]); tampered = "accepted"; }
        catch (e) { tampered = e.name; }
        return [opened.text, opened.verifiedBy, tampered];
        """,
        {"vkey": C2SP_VKEY, "note": C2SP_NOTE},
    )
    assert result == ["This is an example message.\n", ["example.com/foo"], "NoteError"]


def test_the_server_acknowledgement_of_an_encrypted_ballot_is_checked(page: Page) -> None:
    """``checkEncryptedAck``: the tracking code and hash are the ballot's, and the log key
    signed the hash; anything else is refused."""
    signer = NoteSigner.generate("xinzhou.congress.local/17-3")
    digest = hashlib.sha256(b"an encrypted ballot's canonical bytes").digest()
    sent = {"trackingCode": "ABCD-EFGH", "ballotHash": digest.hex()}
    ack = {
        "tracking_code": "ABCD-EFGH",
        "ballot_hash": b64(digest),
        "signature": b64(signer.sign_bytes(digest)),
    }
    result = run(
        page,
        "ballot-encrypted",
        """
        const { parseVkey } = await import("/static/tablet/note.js");
        const key = await parseVkey(arg.vkey);
        return [await m.checkEncryptedAck(key, arg.sent, arg.ack),
                await m.checkEncryptedAck(key, arg.sent, {...arg.ack, tracking_code: "X"}),
                await m.checkEncryptedAck(key, {...arg.sent, ballotHash: "00".repeat(32)}, arg.ack),
                await m.checkEncryptedAck(key, arg.sent, {...arg.ack, signature: arg.bad})];
        """,
        {
            "vkey": signer.vkey(),
            "sent": sent,
            "ack": ack,
            "bad": b64(signer.sign_bytes(b"something else")),
        },
    )
    assert result == [True, False, False, False]


def test_tablet_signatures_verify_in_python(page: Page) -> None:
    from audit.tablet import verify_tablet_signature

    body = {
        "type": "vote",
        "origin": "xinzhou.congress.local/17-3",
        "deputy": "d01",
        "device": "t-0011223344556677",
        "n": 7,
        "poll": "p2",
        "choice": {"marks": {"c1": "for"}, "write_ins": ["王五"]},
    }
    signed = run(
        page,
        "keys",
        """
        const out = [];
        for (const alg of ["Ed25519", "P-256"]) {
            let key;
            if (alg === "Ed25519") {
                key = await m.makeDeviceKey();
            } else {
                const original = crypto.subtle.generateKey;
                crypto.subtle.generateKey = (a, ...rest) => a === "Ed25519" || a?.name === "Ed25519"
                    ? Promise.reject(new DOMException("no", "NotSupportedError"))
                    : original.call(crypto.subtle, a, ...rest);
                try { key = await m.makeDeviceKey(); }
                finally { crypto.subtle.generateKey = original; }
            }
            out.push([key.alg, key.publicKey, await m.signBody(key.alg, key.privateKey, arg)]);
        }
        return out;
        """,
        body,
    )
    assert [alg for alg, _, _ in signed] == ["ed25519", "p256"]
    for alg, public_key, sig in signed:
        verify_tablet_signature(alg, public_key, body, sig)


# Election ballot: write-ins keyed by the candidate they replace ---------------------------------

ELECTION = {
    "kind": "election",
    "seats": 2,
    "candidates": [
        {"id": "c1", "name": "黄丽华"},
        {"id": "c2", "name": "周志强"},
        {"id": "c3", "name": "吴海燕"},
    ],
}
MARKS = {"c1": "for", "c2": "against", "c3": "abstain"}


def ballot(page: Page, definition: dict[str, Any], write_ins: dict[str, str]) -> Any:
    body = """
        const draft = { marks: arg.marks, writeIns: arg.writeIns };
        const element = m.render(arg.def, draft, () => {});
        return {
            choice: m.choiceOf(arg.def, draft),
            problems: m.problems(arg.def, draft),
            again: m.draftFrom(arg.def, m.choiceOf(arg.def, draft)).writeIns,
            picks: [...element.querySelectorAll("select option")].map((o) => o.value),
        };
    """
    arg = {"def": definition, "marks": MARKS, "writeIns": write_ins}
    return run(page, "ballot-election", body, arg)


def test_a_write_in_is_sent_keyed_by_the_candidate_it_replaces(page: Page) -> None:
    got = ballot(page, ELECTION, {"c2": " 王五 ", "c3": "赵六"})
    assert got["choice"] == {"marks": MARKS, "write_ins": {"c2": "王五"}}
    assert got["problems"] == []
    assert got["again"] == {"c2": "王五"}
    assert got["picks"] == []


def test_a_write_in_that_is_no_name_is_a_problem_before_sending(page: Page) -> None:
    hidden = ballot(page, ELECTION, {"c2": "王\u200b五"})
    assert hidden["problems"] == ["另选人姓名“王五”含有不可见字符或控制字符，请重新填写"]
    long = ballot(page, ELECTION, {"c2": "王" * 33})
    assert long["problems"] == ["另选人姓名不能超过32个字"]
    assert ballot(page, ELECTION, {"c2": "王" * 32})["problems"] == []


def test_a_runoff_takes_no_write_ins(page: Page) -> None:
    runoff = dict(ELECTION, round={"type": "runoff", "follows": "p1"})
    assert ballot(page, runoff, {"c2": "王五"})["choice"] == {"marks": MARKS}


def test_the_chair_s_write_ins_are_picked_from_the_deputies(page: Page) -> None:
    chair = dict(ELECTION, write_in_eligible=["代表01", "代表02"])
    got = ballot(page, chair, {"c2": "代表02"})
    assert got["picks"] == ["", "代表01", "代表02"] * 3
    assert got["choice"] == {"marks": MARKS, "write_ins": {"c2": "代表02"}}
