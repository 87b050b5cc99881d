"""Co-signed proposals on the tablet: d01 drafts a bill, d02–d04 co-sign it from their own
tablets and the submission is refused (4 of 5 sponsors); d05 co-signs and it is tabled, as the
chair's list shows; on the console the presidium turns it into a suggestion, the answer is
recorded, and the drafter rates it on the tablet. Screenshots of the draft form, the co-sign
list, the deputy's own list and the console's list. A nomination (候选人提名) for the election of
the town head: more nominees than seats is refused, one nominee with ten sponsors is tabled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import SCREENSHOTS, DemoServer
from tests.e2e.console_login import log_in
from tests.e2e.tablet_pages import Chair, page_errors, paired_tablet, screenshot
from tests.e2e.tablets import HallTablet

TITLE = "关于修建镇南桥的议案"


@pytest.fixture(scope="module")
def chair(demo_server: DemoServer) -> Chair:
    return Chair(demo_server, demo_server.login())


@pytest.fixture
def contexts() -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def tablet(browser: Browser, chair: Chair, deputy: str, contexts: list[BrowserContext]) -> Page:
    context, page = paired_tablet(browser, chair, deputy)
    contexts.append(context)
    return page


def cosign(page: Page) -> None:
    drafts = page.locator(".proposal-block", has_text="待联名的草案")
    drafts.get_by_role("button", name="联名签名").click()
    expect(drafts.get_by_role("button", name="联名签名")).to_have_count(0)


def test_a_bill_is_drafted_co_signed_refused_with_four_and_tabled_with_five(
    chair: Chair, browser: Browser, contexts: list[BrowserContext]
) -> None:
    drafter = tablet(browser, chair, "d01", contexts)
    panel = drafter.locator("section.proposals")
    expect(panel.get_by_role("heading", level=3)).to_have_text("联名议案与建议")
    panel.get_by_label("类别").select_option("bill")
    panel.get_by_label("标题").fill(TITLE)
    panel.get_by_label("正文").fill("建议镇政府在镇南河上修建一座桥。")
    screenshot(drafter, "proposal-draft")
    panel.get_by_role("button", name="签名并发起联名").click()
    mine = drafter.locator(".proposal-block", has_text="我的议案")
    expect(mine.locator(".proposal")).to_contain_text("联名 1 人（需 5 人） · 征集联名中")

    sponsors = [tablet(browser, chair, f"d0{i}", contexts) for i in (2, 3, 4)]
    expect(sponsors[0].locator(".proposal-block", has_text="待联名的草案")).to_contain_text(TITLE)
    scroll_to_block(sponsors[0], "待联名的草案")
    screenshot(sponsors[0], "proposal-cosign")
    for page in sponsors:
        cosign(page)
    expect(mine.locator(".proposal")).to_contain_text("联名 4 人（需 5 人）")
    mine.get_by_role("button", name="提交", exact=True).click()
    expect(drafter.locator("#error-banner")).to_contain_text("联名代表 4 人，不足 5 人")

    cosign(tablet(browser, chair, "d05", contexts))
    expect(mine.locator(".proposal")).to_contain_text("联名 5 人（需 5 人）")
    mine.get_by_role("button", name="提交", exact=True).click()
    expect(mine.locator(".proposal")).to_contain_text("已提交，待主席团决定")
    scroll_to_block(drafter, "我的议案")
    screenshot(drafter, "proposals-mine")
    [listed] = chair.get("/proposals")["proposals"]
    assert (listed["title"], listed["status"], listed["sponsors"]) == (
        TITLE,
        "tabled",
        ["d01", "d02", "d03", "d04", "d05"],
    )

    console = console_page(browser, chair.server, contexts)
    proposals = console.locator("#proposals")
    expect(proposals).to_contain_text("联名 5 人（需 5 人） · 已提交，待主席团决定")
    proposals.get_by_role("button", name=f"作为建议：{TITLE}").click()
    dialog = console.locator("dialog")
    dialog.get_by_label("主席团决定文号").fill("主席团第二次会议决定")
    dialog.get_by_role("button", name="记录").click()
    expect(proposals).to_contain_text("作为建议办理，待答复")
    proposals.get_by_role("button", name=f"答复建议：{TITLE}").click()
    dialog.get_by_label("承办单位").fill("镇交通办")
    dialog.get_by_label("办理期限").fill("2026-06-30")
    dialog.get_by_label("答复内容").fill("已列入明年建设计划。")
    dialog.get_by_role("button", name="记录").click()
    expect(proposals).to_contain_text("镇交通办（2026-06-30）：已列入明年建设计划。")
    proposals.scroll_into_view_if_needed()
    console.evaluate("document.querySelector('#notice').replaceChildren()")
    console.screenshot(path=str(SCREENSHOTS / "console-proposals.png"))

    expect(mine.locator(".proposal")).to_contain_text("已答复")
    mine.get_by_role("button", name="满意", exact=True).click()
    expect(mine.locator(".proposal")).to_contain_text("已评价")
    expect(proposals).to_contain_text("代表已评价")
    [listed] = chair.get("/proposals")["proposals"]
    assert (listed["status"], listed["rating"]) == ("rated", "satisfied")
    assert page_errors(drafter) == []


def test_a_nomination_names_at_most_the_seats_and_is_tabled_with_ten_sponsors(
    chair: Chair, browser: Browser, contexts: list[BrowserContext]
) -> None:
    drafter = tablet(browser, chair, "d06", contexts)
    panel = drafter.locator("section.proposals")
    expect(panel.get_by_label("应选名额", exact=True)).to_be_hidden()
    panel.get_by_label("类别").select_option("nomination")
    panel.get_by_label("选举事项（职务）").select_option(label="选举镇长")
    expect(panel.get_by_label("标题")).to_have_value("选举镇长候选人提名")
    panel.get_by_label("应选名额", exact=True).fill("1")
    panel.get_by_label("被提名人（每行一名，不超过应选名额）").fill("周建国\n吴晓梅")
    panel.get_by_label("正文").fill("提名周建国为镇长候选人。")
    panel.get_by_role("button", name="签名并发起联名").click()
    expect(drafter.locator("#error-banner")).to_contain_text("被提名人 2 名，超过应选名额 1 名")

    panel.get_by_label("被提名人（每行一名，不超过应选名额）").fill("周建国")
    screenshot(drafter, "proposal-nomination")
    panel.get_by_role("button", name="签名并发起联名").click()
    mine = drafter.locator(".proposal-block", has_text="我的议案")
    nomination = mine.locator(".proposal", has_text="选举镇长候选人提名")
    expect(nomination).to_contain_text("被提名人：周建国（应选 1 名）")
    expect(nomination).to_contain_text("联名 1 人（需 10 人） · 征集联名中")
    listed = next(p for p in chair.get("/proposals")["proposals"] if p["kind"] == "nomination")
    assert (listed["nominees"], listed["seats"]) == (["周建国"], 1)

    for deputy in [f"d{i:02}" for i in range(7, 16)]:
        cosigner = HallTablet(chair.server, deputy, chair.token)
        try:
            assert cosigner.proposal_sign(listed["proposal"])["type"] == "ack"
        finally:
            cosigner.close()
    expect(nomination).to_contain_text("联名 10 人（需 10 人）")
    nomination.get_by_role("button", name="提交", exact=True).click()
    expect(nomination).to_contain_text("已提交，待主席团决定")
    tabled = next(p for p in chair.get("/proposals")["proposals"] if p["kind"] == "nomination")
    assert (tabled["status"], tabled["sponsors"]) == (
        "tabled",
        [f"d{i:02}" for i in range(6, 16)],
    )

    console = console_page(browser, chair.server, contexts)
    row = console.locator("#proposals .proposal", has_text="选举镇长候选人提名")
    expect(row).to_contain_text("被提名人：周建国（应选 1 名）")
    expect(row).to_contain_text("联名 10 人（需 10 人） · 已提交，待主席团决定")
    row.scroll_into_view_if_needed()
    console.evaluate("document.querySelector('#notice').replaceChildren()")
    console.screenshot(path=str(SCREENSHOTS / "console-proposal-nomination.png"))
    assert page_errors(drafter) == []


def scroll_to_block(page: Page, heading: str) -> None:
    """Scroll the tablet's proposal block holding ``heading`` into view, in one step in the
    page: a push can re-render the panel between finding a block and scrolling to it."""
    page.evaluate(
        """heading => [...document.querySelectorAll(".proposal-block")]
            .find(block => block.textContent.includes(heading))
            .scrollIntoView({ block: "center" })""",
        heading,
    )


def console_page(browser: Browser, server: DemoServer, contexts: list[BrowserContext]) -> Page:
    """The chair's console, logged in, on the demo meeting."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{server.base}/chair")
    log_in(page)
    expect(page.locator("#conn")).to_have_text("已连接")
    return page
