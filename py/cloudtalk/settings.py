"""User settings: a validated model, read from and written to storage as JSON.

    settings = Settings.load(storage, default_partner="mycrm")
    settings.save(storage)
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import config
from .persist import Storage


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

    @field_validator("partner")
    @classmethod
    def _partner(cls, value: str) -> str:
        if not config.valid_partner(value):
            raise ValueError("use 1-64 letters, digits, _ or -")
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
