"""docs/installed-window.png: the app in a Chromium --app window (no tabs, no address bar; display-mode: standalone),
with the simulator ringing after a demo day. Run under a display: `xvfb-run -a .venv/bin/python tests/tools/shoot_app_window.py docs/installed-window.png`."""
import shutil
import sys
import tempfile

sys.path.insert(0, "/work/main")
from playwright.sync_api import sync_playwright

from tests.e2e.site import free_port, start_server, stop_server

port = free_port()
server = start_server([sys.executable, "serve.py", "--port", str(port)], port)
url = f"http://localhost:{port}/?phone=simulator"
try:
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(tempfile.mkdtemp(), executable_path=shutil.which("chromium"), headless=False,
                                                        args=[f"--app={url}", "--window-size=1280,860", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"], no_viewport=True)
        page = context.pages[0]
        page.wait_for_function("document.body.dataset.ready === 'true'", timeout=120_000)
        print("standalone:", page.evaluate("matchMedia('(display-mode: standalone)').matches"),
              "size:", page.evaluate("[innerWidth, innerHeight]"))
        phone = page.frame_locator("#phone")
        page.frame_locator("#phone").locator("body[data-ready=true]").wait_for()
        phone.locator("#dev-toggle").click()
        phone.locator("#speed").select_option("0")
        phone.locator("#dev-toggle").click()
        phone.locator("#dev-toggle").click()
        phone.locator("#demo-day").click()
        page.wait_for_function("document.querySelectorAll('li.call[data-state=\"ended\"]').length === 10", timeout=90_000)
        phone.locator("#simulate-incoming").click()
        phone.locator("#dev-toggle").click()
        page.wait_for_function("!document.getElementById('incoming').hidden")
        page.wait_for_timeout(600)  # the ring banner's entrance animation, for the picture only
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=sys.argv[1])
        context.close()
finally:
    stop_server(server)
