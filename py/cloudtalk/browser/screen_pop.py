"""Screen pop in the page: the template from Settings as a checked link, and the named pop-up window.

    pop = ScreenPop(settings, partner="mycrm")
    href = pop.href(call)  # None when there is no template, or the result is not https:
    pop.open(call)         # False when the browser's pop-up blocker said no
"""

from __future__ import annotations

import contextlib
from typing import Any

from ..calls import Call
from ..screen_pop import expand
from ..settings import Settings
from .ffi import js, jsnull

WINDOW_NAME = "cloudtalk-screen-pop"  # one window, reused for each call


class ScreenPop:
    def __init__(self, settings: Settings, partner: str) -> None:
        self.settings = settings
        self.partner = partner

    def href(self, call: Call) -> str | None:
        url = expand(self.settings.screen_pop_template, call, self.partner)
        if url is None:
            return None
        try:
            parsed = js.URL.new(url)  # the browser's own parser decides, not a pattern of ours
        except Exception:  # noqa: BLE001 - unparsable after filling in: no link
            return None
        return str(parsed.href) if parsed.protocol == "https:" else None

    def open(self, call: Call) -> bool:
        href = self.href(call)
        if href is None:
            return False
        window: Any = js.window.open(href, WINDOW_NAME)
        if not window:  # blocked: the link on the card and the banner is still there
            return False
        # The CRM page gets no handle on this one (settable while the window is still about:blank;
        # once it has navigated cross-origin the browser refuses, and the CRM's own policy applies).
        with contextlib.suppress(Exception):
            window.opener = jsnull  # null, not undefined: only null disowns the opener
        return True
