"""The browser modules every page shares (voting/static/common/), run in Chromium: the result
words served from ballots/words.py, the DOM helper, and the reconnecting socket against the real
watcher WebSocket (welcome, refusal, silence, the browser's offline and online events, several
addresses tried in turn)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute

from ballots.definition import DEFAULT_LEVELS
from ballots.words import WORDS
from tests.e2e.conftest import MEETING, DemoServer


@pytest.fixture(scope="module")
def page(demo_server: DemoServer, browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo_server.base}/static/common/words.js")
    yield page
    context.close()


def run(page: Page, module: str, body: str, arg: Any = None) -> Any:
    """Run ``body`` (an async function body with ``m`` the module and ``arg``) in the page."""
    script = f"""async (arg) => {{
        const m = await import("/static/common/{module}.js");
        {body}
    }}"""
    return page.evaluate(script, arg)


def test_the_served_words_are_those_of_ballots_words(page: Page) -> None:
    served = run(page, "words", "return [m.WORDS, m.DEFAULT_LEVELS];")
    assert served == [WORDS, list(DEFAULT_LEVELS)]
    assert run(page, "results", 'return m.word("zh", "not_voted");') == "未表决"


def test_the_dom_helper_sets_properties_attributes_and_text(page: Page) -> None:
    built = run(
        page,
        "dom",
        """const el = m.h("button", {class: "a", disabled: false, hidden: true,
                "aria-label": "名", dataset: {x: "1"}, title: null}, "<b>", ["x", null, 2]);
           return [el.outerHTML, el.disabled, el.hidden, m.clock(3725), m.clock(59.2)];""",
    )
    assert built == [
        '<button class="a" hidden="" aria-label="名" data-x="1">&lt;b&gt;x2</button>',
        False,
        True,
        "1:02:05",
        "01:00",
    ]


def test_backoff_grows_to_its_ceiling_with_bounded_jitter(page: Page) -> None:
    delays = run(
        page,
        "socket",
        """return [0, 1, 2, 3, 4, 9].flatMap((n) =>
               [m.backoffDelay(n, m.DEFAULTS, () => 0), m.backoffDelay(n, m.DEFAULTS, () => 1)]);""",
    )
    assert delays == [500, 650, 1000, 1300, 2000, 2600, 4000, 5200, 8000, 10400, 8000, 10400]


SOCKET = """
    const statuses = [];
    const messages = [];
    const refused = [];
    const socket = new m.ReconnectingSocket(
        m.socketUrl(`/ws/meetings/${arg.meeting}/watch`),
        {
            hello: () => ({type: "hello", token: arg.token}),
            onMessage: (message) => messages.push(message.type),
            onStatus: (status) => statuses.push(status),
            onRefused: (error) => refused.push(error.error),
            ...arg.options,
        },
    );
    const until = async (test) => {
        for (let i = 0; i < 200 && !test(); i += 1) await new Promise((r) => setTimeout(r, 25));
    };
    socket.start();
"""


def test_the_socket_is_welcomed_and_reconnects_after_offline_and_silence(
    page: Page, demo_server: DemoServer
) -> None:
    token = demo_server.credentials()["display_token"]
    found = run(
        page,
        "socket",
        SOCKET
        + """
        await until(() => statuses.includes("online"));
        window.dispatchEvent(new Event("offline"));
        const afterOffline = [...statuses];
        window.dispatchEvent(new Event("online"));
        await until(() => statuses.length === 4);
        const afterOnline = [...statuses];
        socket.options.silenceMs = -1;  // nothing is ever recent enough: the next ping drops it
        socket.heartbeat();
        const afterSilence = [...statuses];
        socket.options.silenceMs = 60000;
        await until(() => statuses.length === 6);
        socket.stop();
        return [afterOffline, afterOnline, afterSilence, statuses, messages[0], refused];""",
        {"meeting": MEETING, "token": token, "options": {"backoffMs": [10]}},
    )
    assert found == [
        ["connecting", "online", "offline"],
        ["connecting", "online", "offline", "online"],
        ["connecting", "online", "offline", "online", "offline"],
        ["connecting", "online", "offline", "online", "offline", "online"],
        "welcome",
        [],
    ]


def test_a_refused_hello_stops_the_socket(page: Page) -> None:
    found = run(
        page,
        "socket",
        SOCKET
        + """
        await until(() => refused.length > 0);
        await new Promise((r) => setTimeout(r, 300));  // no further attempt
        return [statuses, refused, messages];""",
        {"meeting": MEETING, "token": "not-a-token", "options": {"backoffMs": [10]}},
    )
    assert found == [["connecting", "refused"], ["bad-token"], []]


def test_a_socket_with_several_addresses_passes_over_dead_silent_and_standby_servers(
    demo_server: DemoServer, browser: Browser
) -> None:
    """Addresses tried in turn: a closed port, a server that never answers (given up after
    `connectMs`), a standby (error `standby`: not a refusal), then the live server, kept."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo_server.base}/static/common/words.js")
    seen: list[str] = []

    def silent(ws: WebSocketRoute) -> None:
        seen.append("silent")

    def standby(ws: WebSocketRoute) -> None:
        seen.append("standby")
        error = {"type": "error", "id": None, "error": "standby", "message": "备用服务器待命中"}
        ws.send(json.dumps(error, ensure_ascii=False))
        ws.close(code=1013)

    page.route_web_socket(re.compile(r"^ws://silent\.invalid/"), silent)
    page.route_web_socket(re.compile(r"^ws://standby\.invalid/"), standby)
    path = f"/ws/meetings/{MEETING}/watch"
    live = demo_server.base.replace("http://", "ws://") + path
    urls = [
        f"ws://127.0.0.1:9{path}",
        f"ws://silent.invalid{path}",
        f"ws://standby.invalid{path}",
        live,
    ]
    token = demo_server.credentials()["display_token"]
    found = run(
        page,
        "socket",
        SOCKET.replace("m.socketUrl(`/ws/meetings/${arg.meeting}/watch`)", "arg.urls")
        + """
        await until(() => statuses.includes("online"));
        const kept = socket.url;
        socket.stop();
        return [statuses.at(-1), refused, messages[0], kept,
                m.socketUrl("/ws/x", "https://10.0.0.2:8443")];""",
        {"urls": urls, "token": token, "options": {"backoffMs": [10], "connectMs": 500}},
    )
    assert found == ["online", [], "welcome", live, "wss://10.0.0.2:8443/ws/x"]
    assert seen == ["silent", "standby"]
    context.close()
