"""A sample call in the phone's own messages: for warming the message path up at boot, and checking it after a snapshot.

    for raw in samples():
        app.receive(raw)
    assert app.log.get(SAMPLE_UUID) is not None
"""

from __future__ import annotations

import json

from .events import EVENT_NAMES

SAMPLE_UUID = "cloudtalk-app-sample"
_SAMPLE_CONTACT = {
    "id": 1, "name": "Sample", "company": "Sample Ltd", "contact_emails": ["a@example.com"],
    "contact_numbers": ["+1"], "tags": ["t"], "external_urls": [{"external_system": "x", "external_url": "https://example.com"}],
}  # fmt: skip
# The same contact as the phone might send it oddly: it reads back the same, so the sample call
# is unchanged, but it takes the correcting path.
_SAMPLE_ODDLY = {
    **_SAMPLE_CONTACT, "tags": [{"id": 1, "name": "t"}], "contact_numbers": "+1",
    "external_urls": [{"external_url": None}, *_SAMPLE_CONTACT["external_urls"]],
}  # fmt: skip


_SAMPLE_PROPERTIES = {"call_uuid": SAMPLE_UUID, "external_number": "+1", "internal_number": "+2", "contact": _SAMPLE_CONTACT}


def samples() -> list[str]:
    """One message of every event with every field filled, one that needs corrections, then one that is rejected."""
    return [
        *(json.dumps({"event": name, "properties": _SAMPLE_PROPERTIES}) for name in EVENT_NAMES),
        json.dumps({"event": "contact_info", "properties": {**_SAMPLE_PROPERTIES, "contact": _SAMPLE_ODDLY}}),
        '{"event": "sample"}',
    ]
