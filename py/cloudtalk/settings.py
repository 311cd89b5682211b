"""User settings: a validated model, read from and written to storage as JSON.

    settings = Settings.load(storage, default_partner="mycrm")
    settings.save(storage)
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import config, screen_pop
from .calls import DISPOSITION_CHARS
from .ports import Storage

DEFAULT_DISPOSITIONS = ["Interested", "Follow up", "Not interested", "Wrong number"]
MAX_DISPOSITIONS = 12


class Settings(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    partner: str = "mycrm"
    phone: Literal["cloudtalk", "simulator"] = "cloudtalk"
    show_contact_on_ring: bool = True
    maximise_on_ring: bool = True
    desktop_notifications: bool = False
    log_ignored_messages: bool = True
    record_session: bool = False
    stale_after_minutes: int = Field(default=120, ge=1, le=24 * 60)
    dispositions: list[str] = Field(default_factory=lambda: list(DEFAULT_DISPOSITIONS))
    screen_pop_template: str = ""
    screen_pop_auto: bool = False

    @field_validator("partner")
    @classmethod
    def _partner(cls, value: str) -> str:
        if not config.valid_partner(value):
            raise ValueError("use 1-64 letters, digits, _ or -")
        return value

    @field_validator("dispositions")
    @classmethod
    def _dispositions(cls, value: list[str]) -> list[str]:
        kept: list[str] = []
        for item in value:
            text = item.strip()
            if len(text) > DISPOSITION_CHARS:
                raise ValueError(f"each disposition is at most {DISPOSITION_CHARS} characters")
            if text and text not in kept:
                kept.append(text)
        if len(kept) > MAX_DISPOSITIONS:
            raise ValueError(f"at most {MAX_DISPOSITIONS} dispositions")
        return kept

    @field_validator("screen_pop_template")
    @classmethod
    def _template(cls, value: str) -> str:
        value = value.strip()
        reason = screen_pop.problem(value)
        if reason:
            raise ValueError(reason)
        return value

    @classmethod
    def load(cls, storage: Storage, default_partner: str) -> Settings:
        """Stored settings, falling back field by field to the defaults when unreadable."""
        text = storage.get(config.SETTINGS_KEY)
        base = cls(partner=default_partner if config.valid_partner(default_partner) else "mycrm")
        if not text:
            return base
        try:
            return cls.model_validate_json(text)
        except ValidationError as error:
            good = base.model_dump()
            try:
                stored = json.loads(text)
            except ValueError:
                return base
            bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
            if isinstance(stored, dict):
                good.update({k: v for k, v in stored.items() if k in good and k not in bad})
            return cls.model_validate(good)

    def save(self, storage: Storage) -> None:
        storage.set(config.SETTINGS_KEY, self.model_dump_json())
