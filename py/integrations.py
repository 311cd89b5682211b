"""Your handlers: the place to connect CloudTalk calls to your own app.

Every function decorated with `@on(...)` gets the validated event and the call
as it is after that event. A handler that raises is recorded in Diagnostics and
never stops the app. See the README's "Handlers" section for more.

    @on("ringing")
    def open_crm(event, call):
        ...
"""

from __future__ import annotations

from cloudtalk import Call, on
from cloudtalk.browser.ffi import js  # the app's one way to JavaScript (docs/architecture.md)


@on("ended")
def log_finished_call(event, call: Call) -> None:
    # An example you can replace: one console line per finished call.
    outcome = call.outcome.value if call.outcome else "?"
    js.console.info(f"[cloudtalk] call {call.uuid} with {call.display_name} ended: {outcome}")
