"""For the host page's own JavaScript: every accepted phone event as a DOM event on `window`.

    window.addEventListener("cloudtalk:ringing", (e) => crm.lookUp(e.detail.properties.external_number));

`detail` is the event as validated (corrections applied), never the raw message.

    app.views.append(redispatch)
"""

from __future__ import annotations

import json

from ..events import PhoneEvent
from ..log import Change
from .ffi import js, to_js


def redispatch(event: PhoneEvent, _change: Change) -> None:
    """A PhoneApp view: `cloudtalk:<event>` on window, with the validated event in `detail`."""
    init = to_js({"detail": json.loads(event.to_json())})
    js.window.dispatchEvent(js.CustomEvent.new(f"cloudtalk:{event.name}", init))
