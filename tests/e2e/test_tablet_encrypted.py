"""Encrypted polls in Chromium on a live server: the key ceremony by three simulated stations
over HTTP; browser tablets encrypt and prove in the prover worker, show the tracking code before
and after casting; the server accepts their ballots, whose tracking codes are the SHA-256-based
codes Python computes from the logged entries and whose proofs verify in Python; the motion's
decrypted result is ``ballots.tally`` of the plaintexts chosen; the election with a write-in
waits for the write-in mix; a deputy picked on a closed list (主席) is written in by roster id
and counted by name after the mix. Every ``encrypted_ballot`` frame of a poll has the same
length."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Route, WebSocket, expect

import ballots
from ballots.crypto.ballot import BallotContext, verify_ballot
from ballots.crypto.encoding import ballot_bytes, ballot_from_json, tracking_code
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shape import Choice
from devices.scrutineer.mix import mix_step
from devices.tablet import ballot_shape
from tests.e2e.conftest import CHAIR, DemoServer
from tests.e2e.encrypted_sitting import (
    ELECTION,
    MEETING,
    TITLE,
    EncryptedSitting,
    create_sitting,
    open_encrypted,
    post_shares,
    run_ceremony,
)
from tests.e2e.tablet_pages import new_tablet, page_errors, stored
from tests.e2e.tablets import HallTablet

TRACKING = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")
PROVING_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def sitting(demo_server: DemoServer) -> EncryptedSitting:
    sitting = create_sitting(demo_server)
    run_ceremony(sitting)
    return sitting


@pytest.fixture(scope="module")
def hall(demo_server: DemoServer, sitting: EncryptedSitting) -> Iterator[list[HallTablet]]:
    found = [HallTablet(demo_server, d, sitting.token, meeting=MEETING) for d in ("d01", "d02")]
    try:
        yield found
    finally:
        for tablet in found:
            tablet.close()


class BrowserTablet:
    """A paired browser tablet and the ``encrypted_ballot`` frames it sends."""

    def __init__(self, browser: Browser, sitting: EncryptedSitting, deputy: str) -> None:
        self.context: BrowserContext
        self.context, self.page = new_tablet(browser)
        self.errors = page_errors(self.page)
        self.frames: list[str] = []
        self.page.on("websocket", self._watch)
        code = sitting.call("POST", f"/deputies/{deputy}/pairing-code")["code"]
        self.page.goto(f"{sitting.server.base}/tablet/{MEETING}#code={code}")
        expect(self.page.locator("#deputy-name")).to_contain_text("代表：")

    def _watch(self, socket: WebSocket) -> None:
        def sent(payload: str | bytes) -> None:
            if isinstance(payload, str) and '"encrypted_ballot"' in payload:
                self.frames.append(payload)

        socket.on("framesent", sent)

    def device(self) -> dict[str, Any]:
        (record,) = stored(self.page, "devices")
        return record

    def confirm_tracking_code(self) -> str:
        """Wait for the proving, check and confirm the code shown; the code."""
        shown = self.page.locator("#tracking-code")
        expect(shown).to_have_text(TRACKING, timeout=PROVING_TIMEOUT_MS)
        code = shown.inner_text()
        self.page.get_by_role("button", name="确认投票", exact=True).click()
        expect(self.page.locator("#tracking-code-cast")).to_have_text(code)
        expect(self.page.get_by_text("您的选票跟踪码", exact=True)).to_be_visible()
        return code


@pytest.fixture(scope="module")
def tablets(browser: Browser, sitting: EncryptedSitting) -> Iterator[list[BrowserTablet]]:
    found = [BrowserTablet(browser, sitting, d) for d in ("d04", "d05")]
    try:
        yield found
    finally:
        for tablet in found:
            tablet.context.close()


def encryption_of(sitting: EncryptedSitting) -> dict[str, Any]:
    found: dict[str, Any] = sitting.state()["poll"]["encryption"]
    return found


def logged_ballot(sitting: EncryptedSitting, poll: str, deputy: str) -> dict[str, Any]:
    return next(
        e
        for e in sitting.entries()
        if e["type"] == "encrypted_ballot" and e["poll"] == poll and e["deputy"] == deputy
    )


def check_logged(
    sitting: EncryptedSitting, poll: str, deputy: str, tablet: BrowserTablet, code: str
) -> None:
    """The logged ballot's tracking code is the one shown; its proofs verify in Python; the
    signed body names its SHA-256 in lowercase hex."""
    encryption = encryption_of(sitting)
    shape = ballot_shape(encryption)
    entry = logged_ballot(sitting, poll, deputy)
    ballot = ballot_from_json(shape, entry["ballot"])
    assert tracking_code(ballot) == code
    assert entry["body"]["ballot_hash"] == hashlib.sha256(ballot_bytes(ballot)).hexdigest()
    device = tablet.device()
    context = BallotContext(
        poll=Scalar.decode(bytes.fromhex(encryption["poll_context"]), "poll_context"),
        deputy_id=deputy,
        device_key=base64.b64decode(device["publicKey"]),
        key=Point.decode(bytes.fromhex(encryption["key"]), "key"),
    )
    verify_ballot(shape, ballot, context=context)


def cast_python(sitting: EncryptedSitting, tablet: HallTablet, poll: str, choice: Choice) -> None:
    encryption = encryption_of(sitting)
    reply = tablet._request(
        lambda ref: tablet.tablet.encrypted_ballot(poll, encryption, choice, ref)
    )
    assert reply["type"] == "ballot_ack"
    assert reply["tracking_code"] == tablet.tablet.encrypted[poll].tracking_code


def test_browser_tablets_cast_an_encrypted_motion_and_the_result_is_the_tally(
    sitting: EncryptedSitting, hall: list[HallTablet], tablets: list[BrowserTablet]
) -> None:
    poll = open_encrypted(sitting, "budget", {"kind": "motion"})
    codes = {}
    for tablet, deputy, choice in zip(tablets, ("d04", "d05"), ("反对", "赞成"), strict=True):
        page = tablet.page
        expect(page.get_by_text("无记名投票（加密）", exact=True)).to_be_visible()
        page.get_by_role("button", name=choice, exact=True).click()
        page.get_by_role("button", name="确认", exact=True).click()
        codes[deputy] = tablet.confirm_tracking_code()
        check_logged(sitting, poll, deputy, tablet, codes[deputy])
    for tablet, choice in zip(hall, ("for", "abstain"), strict=True):
        cast_python(sitting, tablet, poll, Choice.stances([choice]))
    stored_codes = [
        next(b for b in stored(t.page, "ballots") if b["poll"] == poll) for t in tablets
    ]
    assert [(b["trackingCode"], b["status"], b["ackValid"]) for b in stored_codes] == [
        (codes["d04"], "acknowledged", True),
        (codes["d05"], "acknowledged", True),
    ]

    # One length for every encrypted_ballot frame of the poll, whatever the choice.
    lengths = {len(frame.encode()) for t in tablets for frame in t.frames}
    assert len(tablets[0].frames) == 1 and len(tablets[1].frames) == 1
    assert len(lengths) == 1

    # The second tablet's log answers are altered on the way: its ballot's signature differs.
    tablets[1].page.route(ENCRYPTED_ENTRY, altered_signature)
    assert sitting.call("POST", f"/polls/{poll}/close")["result"] is None
    post_shares(sitting, poll, 1)
    post_shares(sitting, poll, 3)
    view = sitting.state()["poll"]
    expected = ballots.tally(
        {
            "poll": dict(view["definition"], issued=4),
            "ballots": ["against", "for", "for", "abstain"],
        }
    )
    assert view["result"] == expected

    # Each tablet checks its own encrypted ballot in the log under the closing checkpoint.
    seq = logged_ballot(sitting, poll, "d04")["seq"]
    inclusion = tablets[0].page.locator("#inclusion")
    expect(inclusion).to_contain_text("已核对：您的选票已记入公开日志")
    expect(inclusion).to_contain_text(f"序号为 {seq} 的记录")
    expect(tablets[0].page.locator("#tracking-code-closed")).to_have_text(codes["d04"])
    alarm = tablets[1].page.locator("#inclusion")
    expect(alarm).to_contain_text("警告：无法核对您的加密选票已记入公开日志，请联系监票人")
    expect(alarm).to_contain_text("原因：审计日志中的选票与您提交的不一致")
    expect(alarm).to_contain_text("its sig differs from the one sent")
    tablets[1].page.unroute(ENCRYPTED_ENTRY)
    alarm.get_by_role("button", name="重新核对").click()
    expect(alarm).to_contain_text("已核对：您的选票已记入公开日志")
    assert [t.errors for t in tablets] == [[], []]


ENCRYPTED_ENTRY = "**/log/encrypted-ballots/**"


def altered_signature(route: Route) -> None:
    """Answer with the real entry, its signature's first character changed."""
    answer = route.fetch().json()
    sig = answer["entry"]["sig"]
    answer["entry"]["sig"] = ("B" if sig[0] == "A" else "A") + sig[1:]
    route.fulfill(json=answer)


def test_an_encrypted_election_with_a_write_in_waits_for_the_mix(
    sitting: EncryptedSitting, hall: list[HallTablet], tablets: list[BrowserTablet]
) -> None:
    poll = open_encrypted(sitting, "vice", ELECTION)
    page = tablets[0].page
    page.get_by_label("王建国：赞成").check()
    page.get_by_label("李秀英：反对").check()
    page.get_by_label("张伟：弃权").check()
    page.get_by_label("另选他人（代替李秀英）").fill("赵六")
    page.get_by_role("button", name="检查并提交").click()
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("正在加密选票…")).to_have_count(0, timeout=PROVING_TIMEOUT_MS)
    code = tablets[0].confirm_tracking_code()
    check_logged(sitting, poll, "d04", tablets[0], code)
    cast_python(sitting, hall[0], poll, Choice.stances(["for", "for", "against"]))

    sitting.call("POST", f"/polls/{poll}/close")
    post_shares(sitting, poll, 2)
    post_shares(sitting, poll, 3)
    decryption = sitting.state()["poll"]["decryption"]
    # The marks are decrypted; ΣU > 0, so the result waits for the write-in mix.
    assert (decryption["awaiting"], decryption["decrypted"]) == ("write-in-mix", True)
    assert sitting.state()["poll"].get("result") is None
    status, refused = sitting.refused("POST", f"/polls/{poll}/announce")
    assert (status, refused["error"]) == (409, "result-pending")


HEAD = {"kind": "election", "seats": 1, "candidates": [{"id": "h1", "name": "周正"}]}


def test_a_deputy_picked_on_a_closed_list_is_written_in_by_roster_id_and_counted_by_name(
    sitting: EncryptedSitting, hall: list[HallTablet], tablets: list[BrowserTablet]
) -> None:
    """组织法 Art 18: the pick list offers the deputies; the browser encrypts the picked
    deputy's roster id with k = 1; after the mix the server counts that deputy's name."""
    poll = open_encrypted(sitting, "chair", HEAD)
    definition = sitting.state()["poll"]["definition"]
    assert definition["write_in_roster"][2] == {"id": "d03", "name": "陈卫东"}
    assert encryption_of(sitting)["shape"]["name_points"] == 1
    page = tablets[0].page
    page.get_by_label("周正：反对").check()
    page.get_by_label("从代表中另选（代替周正）").select_option("陈卫东")
    page.get_by_role("button", name="检查并提交").click()
    page.get_by_role("button", name="确认提交").click()
    code = tablets[0].confirm_tracking_code()
    check_logged(sitting, poll, "d04", tablets[0], code)
    cast_python(sitting, hall[0], poll, Choice.stances(["against"], ["d03"]))
    cast_python(sitting, hall[1], poll, Choice.stances(["against"], ["d99"]))

    sitting.call("POST", f"/polls/{poll}/close")
    post_shares(sitting, poll, 2)
    post_shares(sitting, poll, 3)
    mixing = sitting.stations[1:]
    assert [mix_step(station, poll) for station in mixing] == ["shuffles", "shuffles"]
    assert [mix_step(station, poll) for station in mixing] == ["write-in-shares"] * 2
    result = sitting.state()["poll"]["result"]
    assert (result["write_ins"], result["write_ins_ignored"]) == ({"陈卫东": 2}, 1)
    assert tablets[0].errors == []


def test_the_console_shows_the_ceremony_and_runs_an_encrypted_poll(
    browser: Browser, sitting: EncryptedSitting, hall: list[HallTablet]
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{sitting.server.base}/chair")
    page.get_by_label("用户名").fill(CHAIR[0])
    page.get_by_label("密码").fill(CHAIR[1])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name=re.compile(TITLE)).click()

    key_id = sitting.server.api("GET", f"/api/meetings/{MEETING}/ceremony")["key"]["key_id"]
    expect(page.locator("#ceremony-run")).to_have_text("key-1：已完成（门限 2 / 3）")
    expect(page.locator("#ceremony-key")).to_have_text(f"密钥编号：{key_id[:16]}…")
    poll = f"p{len(sitting.state()['polls']) + 1}"
    live = page.locator("#ceremony-live")
    expect(live).to_have_text(f"尚未为下一次表决 {poll} 发出在线确认")
    page.get_by_role("button", name="发出在线确认").click()
    expect(live).to_have_text(f"下一次表决 {poll} 在线确认：0 / 2")
    for station in sitting.stations[:2]:
        station.step()
    expect(live).to_have_text(f"下一次表决 {poll} 在线确认：2 / 2")

    row = page.locator('[data-item="roads"]')
    row.get_by_role("button", name="设为当前").click()
    row.get_by_role("button", name="发起表决").click()
    dialog = page.locator("dialog")
    dialog.get_by_label("表决方式").select_option("encrypted")
    dialog.get_by_role("button", name="开始表决").click()
    expect(dialog).not_to_be_visible()
    opened = sitting.state()["poll"]
    assert (opened["poll"], opened["mode"]) == (poll, "encrypted")

    cast_python(sitting, hall[0], poll, Choice.stances(["for"]))
    sitting.call("POST", f"/polls/{poll}/close")
    waiting = page.locator("#decryption")
    expect(waiting).to_have_text("等待监票人解密 (0/2)")
    post_shares(sitting, poll, 2)
    expect(waiting).to_have_text("等待监票人解密 (1/2)")
    post_shares(sitting, poll, 1)
    expect(waiting).to_have_count(0)
    expect(page.locator(".poll-closed")).to_contain_text("赞成")
    context.close()
    assert errors == []


PROJECTS = [
    {"id": "p1", "name": "修路"},
    {"id": "p2", "name": "建校"},
    {"id": "p3", "name": "供水"},
]
SUBJECTS = [{"id": "s1", "name": "财政所"}, {"id": "s2", "name": "派出所"}]
#: A closed list (组织法 Art 18): the picked names are written in as their roster ids.
CLOSED_LIST = dict(
    ELECTION,
    write_in_eligible=["何金凤", "林永福"],
    write_in_roster=[{"id": "d01", "name": "何金凤"}, {"id": "d02", "name": "林永福"}],
)
#: A ballot screen's choice per poll kind, and the plaintext ballots/crypto/shape.py makes of it.
SCREEN_CHOICES: list[tuple[dict[str, Any], Any, Choice]] = [
    ({"kind": "motion", "definition": {}}, "abstain", Choice.stances(["abstain"])),
    (
        {"kind": "election", "definition": ELECTION},
        {"marks": {"c1": "for", "c2": "against", "c3": "against"}, "write_ins": {"c3": "赵六"}},
        Choice.stances(["for", "against", "against"], ["赵六"]),
    ),
    (
        {"kind": "election", "definition": ELECTION},
        {"marks": {"c2": "for"}},
        Choice.stances(["abstain", "for", "abstain"]),
    ),
    (
        {"kind": "election", "definition": CLOSED_LIST},
        {
            "marks": {"c1": "against", "c3": "against"},
            "write_ins": {"c1": " 林永福", "c3": "何金凤"},
        },
        Choice.stances(["against", "abstain", "against"], ["d02", "d01"]),
    ),
    (
        {"kind": "selection", "definition": {"form": "choose", "seats": 2, "candidates": PROJECTS}},
        {"chosen": ["p3", "p1"]},
        Choice((1, 0, 1)),
    ),
    (
        {"kind": "selection", "definition": {"form": "each", "candidates": PROJECTS}},
        {"marks": {"p1": "against", "p3": "for"}},
        Choice.stances(["against", "abstain", "for"]),
    ),
    (
        {"kind": "evaluation", "definition": {"subjects": SUBJECTS}},
        {"ratings": {"s2": "dissatisfied"}},
        Choice((0, 0, 0, 0, 0, 1)),
    ),
]


def test_every_ballot_screen_choice_becomes_the_plaintext_python_makes(
    tablets: list[BrowserTablet],
) -> None:
    made = tablets[1].page.evaluate(
        """async (cases) => {
            const { cryptoChoice } = await import("/static/tablet/ballot-encrypted.js");
            return cases.map(([poll, choice]) => cryptoChoice(poll, choice));
        }""",
        [[poll, choice] for poll, choice, _ in SCREEN_CHOICES],
    )
    assert made == [
        {"marks": list(c.marks), "writeIns": list(c.write_ins)} for _, _, c in SCREEN_CHOICES
    ]


def test_a_closed_list_name_outside_the_roster_pairs_is_not_encrypted(
    tablets: list[BrowserTablet],
) -> None:
    refused = tablets[1].page.evaluate(
        """async ([poll, choice]) => {
            const { cryptoChoice } = await import("/static/tablet/ballot-encrypted.js");
            try {
                return cryptoChoice(poll, choice);
            } catch (error) {
                return error.message;
            }
        }""",
        [
            {"kind": "election", "definition": CLOSED_LIST},
            {"marks": {"c1": "against"}, "write_ins": {"c1": "王五"}},
        ],
    )
    assert refused == "“王五”不在可另选的代表名单中 (not among the deputies who may be written in)"
