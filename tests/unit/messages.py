"""Builders for CloudTalk-shaped messages, and the guide's sample payload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLE_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "guide_sample_payload.json"


def sample_text() -> str:
    return SAMPLE_PATH.read_text()


def message(event: str, uuid: str = "call-1", contact: dict[str, Any] | None = None, **properties: Any) -> str:
    props: dict[str, Any] = {"call_uuid": uuid, "external_number": "+44 20 3868 0167", **properties}
    if contact is not None:
        props["contact"] = contact
    return json.dumps({"event": event, "properties": props})


def event(name: str, uuid: str = "call-1", **kw: Any):
    from cloudtalk.events import parse

    result = parse(message(name, uuid, **kw))
    assert not hasattr(result, "reason"), result
    return result
