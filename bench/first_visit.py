"""The app's first visit with its service worker allowed and blocked, in ABBA order (issue #21's "first visit").

    .venv/bin/python bench/first_visit.py 3     # 3 rounds of allow, block, block, allow: 6 loads each

bench/run.py measures the same once per round; on a busy 2-core machine three cold loads a side are too
few to tell 2% apart, and the order of the two runs in a round counts. It prints the medians; it writes nothing.
"""

import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from playwright.sync_api import sync_playwright

from bench.run import PHONE_ORIGIN, FakePhone, mark
from tests.e2e.engines import CHROMIUM_ARGS
from tests.e2e.site import free_port, start_server, stop_server


def main(rounds: int) -> None:
    port = free_port()
    server = start_server([sys.executable, "serve.py", "--port", str(port)], port)
    site = f"http://127.0.0.1:{port}/"
    out = {"allow": {"phone": [], "ready": []}, "block": {"phone": [], "ready": []}}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            order = ["allow", "block", "block", "allow"] * rounds
            for mode in order:
                context = browser.new_context(service_workers=mode)
                context.route(f"{PHONE_ORIGIN}/**", FakePhone())
                page = context.new_page()
                page.goto(site)
                out[mode]["phone"].append(mark(page, "phone-in-dom"))
                out[mode]["ready"].append(mark(page, "app-ready"))
                context.close()
            browser.close()
    finally:
        stop_server(server)
    for mode, v in out.items():
        print(mode, {k: round(statistics.median(x)) for k, x in v.items()}, {k: [round(i) for i in x] for k, x in v.items()})
    r = statistics.median(out["allow"]["ready"]) / statistics.median(out["block"]["ready"])
    print(f"first visit ready, allowed/blocked: {r:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
