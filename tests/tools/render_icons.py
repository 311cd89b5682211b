"""Render icons/icon.svg to the PNGs app.webmanifest lists: `.venv/bin/python tests/tools/render_icons.py icons` after editing the SVG.

Chromium draws them (Playwright), so the PNGs match what browsers show for the SVG; they are committed, and
`serve.py` needs nothing to build them."""
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(sys.argv[1])
svg = (ICONS / "icon.svg").read_text()
# The maskable icon: full bleed, the drawing inside the 80% safe zone.
maskable = svg.replace('<rect width="512" height="512" rx="112" fill="#1f6feb"/>',
                       '<rect width="512" height="512" fill="#1f6feb"/><g transform="translate(51.2 51.2) scale(0.8)">', 1)
maskable = maskable.replace("</svg>", "</g></svg>")
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--force-color-profile=srgb"])
    for name, source, size in (("icon-192.png", svg, 192), ("icon-512.png", svg, 512), ("icon-maskable-512.png", maskable, 512)):
        page = browser.new_page(viewport={"width": size, "height": size})
        page.set_content(f"<style>html,body{{margin:0;background:transparent}}svg{{display:block;width:{size}px;height:{size}px}}</style>{source}")
        page.screenshot(path=str(ICONS / name), omit_background=True)
        page.close()
    browser.close()
