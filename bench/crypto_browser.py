"""How long the tablet takes to encrypt and prove a ballot in Chromium, with the CPU throttled.

Serves ``devices/static/`` on a loopback port, opens a blank page of that origin in the system
Chromium and, with the CPU slowed ``--throttle`` times by DevTools
(``Emulation.setCPUThrottlingRate`` on a CDP session of the page), prints, beside a bare
scalar multiplication measured in the same page (so figures from a busy machine can be read
against it):

- the time to encrypt and prove a 3-candidate, 2-seat election with open write-ins (two names
  written) and a 12-project choose-10 selection, on the page's own thread and in the prover
  worker (``devices/static/crypto/worker.js``, the round trip the tablet waits for);
- the same without throttling.

The goal is 1 s or less per ballot at 4× throttling; it is printed, not asserted.

    .venv/bin/python bench/crypto_browser.py [--throttle 4] [--repeats 5] [--json]
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

STATIC = Path(__file__).resolve().parents[1] / "devices" / "static"
CHROMIUM = "/usr/bin/chromium"

#: Runs in the page: times (ms) of each run of each measurement, after one warm-up run.
MEASURE = """async ({ repeats }) => {
    const group = await import("/crypto/group.js");
    const shape = await import("/crypto/shape.js");
    const ballot = await import("/crypto/ballot.js");
    const rand = await import("/crypto/random.js");
    const hashing = await import("/crypto/hashing.js");
    const prover = await import("/crypto/prover.js");
    const random = rand.systemRandom();
    const key = group.baseMul(random.scalar());
    const poll = hashing.hashToScalar("cv1/bench", new Uint8Array(0));
    const context = { poll, deputyId: "d-1", deviceKey: new Uint8Array(32), key };
    const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    const message = { poll: hex(group.encodeScalar(poll)), deputyId: "d-1",
                      deviceKey: hex(new Uint8Array(32)), key: hex(key.toBytes()) };
    const election = shape.shapes.election(3, 2, { writeIns: true });
    const electionChoice = shape.stancesChoice(["abstain", "against", "against"], ["王小明", "李四"]);
    const selection = shape.shapes.selectionChoose(12, 10);
    const selectionChoice = shape.chosenChoice(selection, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const worker = prover.startProver();
    const time = async (f) => {
        await f();
        const out = [];
        for (let i = 0; i < repeats; i++) {
            const start = performance.now();
            await f();
            out.push(performance.now() - start);
        }
        return out;
    };
    const scalars = Array.from({ length: 20 }, () => random.scalar());
    const result = {
        "scalar multiplication, variable base (ms)": await time(() => {
            for (const s of scalars) group.secretMul(key, s);
        }),
        "election 3 candidates, 2 seats, write-ins: page (ms)": await time(() =>
            ballot.makeBallot(election, electionChoice, { context, random })),
        "election 3 candidates, 2 seats, write-ins: worker (ms)": await time(() =>
            worker.make(election, electionChoice, message)),
        "selection choose 10 of 12: page (ms)": await time(() =>
            ballot.makeBallot(selection, selectionChoice, { context, random })),
        "selection choose 10 of 12: worker (ms)": await time(() =>
            worker.make(selection, selectionChoice, message)),
    };
    worker.stop();
    const k = "scalar multiplication, variable base (ms)";
    result[k] = result[k].map((t) => t / scalars.length);
    return result;
}"""


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: the figures are the output."""


def serve() -> tuple[ThreadingHTTPServer, str]:
    """``devices/static`` on a loopback port the system picks (the page itself is routed)."""
    handler = functools.partial(QuietHandler, directory=str(STATIC))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def measure(page: Page, repeats: int) -> dict[str, float]:
    runs: dict[str, list[float]] = page.evaluate(MEASURE, {"repeats": repeats})
    return {name: statistics.median(times) for name, times in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--throttle", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    server, base = serve()
    results: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.route(
                f"{base}/bench.html",
                lambda route: route.fulfill(content_type="text/html", body="<!doctype html>"),
            )
            page.goto(f"{base}/bench.html")
            results["unthrottled"] = measure(page, args.repeats)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.throttle})
            results[f"CPU throttled {args.throttle:g}x"] = measure(page, args.repeats)
            browser.close()
    finally:
        server.shutdown()
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print_table(results)


def print_table(results: dict[str, dict[str, Any]]) -> None:
    columns = list(results)
    rows = list(results[columns[0]])
    width = max(len(row) for row in rows)
    print(f"{'median of the runs':<{width}}  " + "  ".join(f"{c:>20}" for c in columns))
    for row in rows:
        cells = "  ".join(f"{results[c][row]:>20.2f}" for c in columns)
        print(f"{row:<{width}}  {cells}")
    print("goal: encrypt and prove in 1000 ms or less per ballot at 4x throttling", file=sys.stderr)


if __name__ == "__main__":
    main()
