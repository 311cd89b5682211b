"""Screen pop without code: a URL template from Settings, filled in for a call.

    url = expand("https://crm.example/search?q={number}", call, partner="mycrm")
    assert url == "https://crm.example/search?q=%2B442038680167"

Each placeholder is URL-encoded. Only https: results are allowed: `problem()` checks a template
when it is saved, and the browser layer parses every result with the browser's own URL parser.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .callers import normalized_number
from .calls import Call

PLACEHOLDERS = ("number", "name", "contact_id", "call_uuid", "partner")
TEMPLATE_CHARS = 500
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def problem(template: str) -> str | None:
    """Why a template cannot be used, or None (an empty template turns screen pop off)."""
    if not template:
        return None
    if len(template) > TEMPLATE_CHARS:
        return f"use at most {TEMPLATE_CHARS} characters"
    if not template.lower().startswith("https://"):
        return "the address must start with https://"
    unknown = [name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS]
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        return f"unknown placeholder {{{unknown[0]}}}; use {known}"
    return None


def values(call: Call, partner: str) -> dict[str, str]:
    contact = call.contact
    return {
        "number": normalized_number(call.number) or call.number or "",
        "name": contact.name if contact and contact.name else "",
        "contact_id": str(contact.id) if contact and contact.id is not None else "",
        "call_uuid": call.uuid,
        "partner": partner,
    }


def expand(template: str, call: Call, partner: str) -> str | None:
    """The template filled in for this call, each value URL-encoded; None when there is no usable template."""
    if not template or problem(template):
        return None
    filled = values(call, partner)
    return _PLACEHOLDER.sub(lambda match: quote(filled[match.group(1)], safe=""), template)
