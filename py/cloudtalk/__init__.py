"""CloudTalk phone events for Python: the pure core of the app.

Public names: `on` (register a handler), the event classes `Ringing`, `Dialing`,
`Calling`, `Hangup`, `Ended`, `ContactInfo`, plus `Call`, `Outcome` and `parse`.
Only `cloudtalk.browser` touches the browser; everything here runs on CPython too.

    from cloudtalk import on

    @on("ringing")
    def show_caller(event, call):
        print(call.display_name, call.number)
"""

from .calls import Call, Direction, HungUpBy, Outcome, State
from .events import Calling, Contact, ContactInfo, Dialing, Ended, Hangup, Rejection, Ringing, parse
from .handlers import HandlerError, on, registry

__all__ = [
    "Call",
    "Calling",
    "Contact",
    "ContactInfo",
    "Dialing",
    "Direction",
    "Ended",
    "HandlerError",
    "Hangup",
    "HungUpBy",
    "Outcome",
    "Rejection",
    "Ringing",
    "State",
    "on",
    "parse",
    "registry",
]
