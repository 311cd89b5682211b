"""Where the phone lives and which partner id it gets: shared by both interpreters.

This module runs under MicroPython (the boot script) as well as CPython and
Pyodide, so it uses no typing, no regex and no third-party imports.

    partner, error = resolve_partner("my crm!", stored=None, default="mycrm")
    assert partner == "mycrm" and error
"""

PHONE_ORIGIN = "https://phone.cloudtalk.io"
SIMULATOR_PATH = "simulator/index.html"
SETTINGS_KEY = "cloudtalk:settings"
PARTNER_MAX = 64
_PARTNER_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"


def valid_partner(value):
    """1-64 characters of [A-Za-z0-9_-]."""
    if not isinstance(value, str) or not 1 <= len(value) <= PARTNER_MAX:
        return False
    return all(ch in _PARTNER_CHARS for ch in value)


def resolve_partner(query, stored, default):
    """(partner, error or None): the URL's ?partner= wins, then Settings, then the default."""
    if query is not None:
        if valid_partner(query):
            return query, None
        fallback = stored if valid_partner(stored) else default
        shown = query if len(query) <= 80 else query[:80] + "…"
        return fallback, "Ignored ?partner=" + repr(shown) + ": use 1-64 letters, digits, _ or -. Using " + repr(fallback) + "."
    if valid_partner(stored):
        return stored, None
    return default, None


def firewall(origin, phone_origin, from_phone_window):
    """Why a message must be ignored, or None to accept it: the phone's origin AND its iframe's window."""
    if origin != phone_origin:
        return "origin " + str(origin) + " is not the phone's"
    if not from_phone_window:
        return "sender is not the phone iframe"
    return None


_TOKEN_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"


def runtime_self_post(data):
    """Whether a message is Pyodide's scheduler talking to itself ("sched$<token>$<n>").

    In Safari and WebKit, Pyodide schedules callbacks by posting such strings to its own window.
    They are not from the phone and not from an intruder: the boot script drops them unlogged
    (still refused) when they come from the page's own window.
    """
    if not isinstance(data, str) or not data.startswith("sched$"):
        return False
    parts = data.split("$")
    return len(parts) == 3 and parts[1] != "" and all(ch in _TOKEN_CHARS for ch in parts[1]) and parts[2].isdigit()


def excerpt_of(data, limit=200):
    return data[:limit] if isinstance(data, str) else "(a non-string value)"


def phone_src(partner, simulator=False):
    """The iframe's src: the real phone, or the same-origin simulator."""
    if simulator:
        return SIMULATOR_PATH + "?partner=" + partner
    return PHONE_ORIGIN + "/?partner=" + partner
