"""Partner id rules and the phone URL, shared with the MicroPython boot script."""

from __future__ import annotations

import pytest

from cloudtalk import config
from cloudtalk.ports import MemoryStorage
from cloudtalk.settings import Settings


@pytest.mark.parametrize("value", ["mycrm", "a", "A-b_9", "x" * 64])
def test_valid_partner_ids(value):
    assert config.valid_partner(value)


@pytest.mark.parametrize("value", ["", "x" * 65, "my crm", "crm/../x", "<b>", "é", None, 5])
def test_invalid_partner_ids(value):
    assert not config.valid_partner(value)


def test_the_url_parameter_wins_over_settings_and_default():
    assert config.resolve_partner("fromurl", "stored", "default") == ("fromurl", None)
    assert config.resolve_partner(None, "stored", "default") == ("stored", None)
    assert config.resolve_partner(None, None, "default") == ("default", None)


def test_a_bad_url_parameter_falls_back_with_a_visible_error():
    partner, error = config.resolve_partner("bad id!", "stored", "default")
    assert partner == "stored"
    assert "Ignored ?partner=" in error and "'stored'" in error


def test_phone_src_for_the_real_phone_and_the_simulator():
    assert config.phone_src("mycrm") == "https://phone.cloudtalk.io/?partner=mycrm"
    assert config.phone_src("mycrm", simulator=True) == "simulator/index.html?partner=mycrm"


def test_settings_round_trip_and_survive_bad_stored_fields():
    storage = MemoryStorage()
    settings = Settings.load(storage, default_partner="acme")
    assert settings.partner == "acme" and settings.show_contact_on_ring
    settings.desktop_notifications = True
    settings.save(storage)
    assert Settings.load(storage, default_partner="x").desktop_notifications is True
    storage.set(config.SETTINGS_KEY, '{"partner": "bad id!", "desktop_notifications": true}')
    recovered = Settings.load(storage, default_partner="acme")
    assert recovered.partner == "acme" and recovered.desktop_notifications is True
    storage.set(config.SETTINGS_KEY, "{{{")
    assert Settings.load(storage, default_partner="acme").partner == "acme"


def test_settings_reject_a_bad_partner_on_assignment():
    settings = Settings()
    with pytest.raises(ValueError):
        settings.partner = "no spaces"


def test_the_firewall_accepts_only_the_phone_origin_and_window():
    phone = "https://phone.cloudtalk.io"
    assert config.firewall(phone, phone, from_phone_window=True) is None
    assert config.firewall("https://evil.example", phone, True) == "origin https://evil.example is not the phone's"
    assert config.firewall(phone, phone, from_phone_window=False) == "sender is not the phone iframe"
    assert config.firewall("null", phone, True) is not None


@pytest.mark.parametrize(
    "origin",
    ["https://phone.cloudtalk.io.evil.example", "https://phone.cloudtalk.io:8443", "http://phone.cloudtalk.io",
     "https://evil.phone.cloudtalk.io", "https://phone.cloudtalk.i", "HTTPS://PHONE.CLOUDTALK.IO", ""],
)
def test_the_firewall_compares_whole_origins(origin):
    assert config.firewall(origin, "https://phone.cloudtalk.io", from_phone_window=True) == f"origin {origin} is not the phone's"


def test_excerpts_are_short_and_never_fail():
    assert config.excerpt_of("x" * 500) == "x" * 200
    assert config.excerpt_of({"a": 1}) == "(a non-string value)"


def test_a_bad_url_parameter_with_no_good_stored_partner_falls_back_to_the_default():
    partner, error = config.resolve_partner("bad id!", "also bad!", "default")
    assert partner == "default"
    assert error == "Ignored ?partner='bad id!': use 1-64 letters, digits, _ or -. Using 'default'."


def test_a_long_bad_url_parameter_is_quoted_cut_to_eighty_characters():
    _, error = config.resolve_partner("x" * 80 + "!", None, "mycrm")
    assert error.startswith("Ignored ?partner='" + "x" * 80 + "…'")
    _, error = config.resolve_partner("!" * 80, None, "mycrm")
    assert error.startswith("Ignored ?partner='" + "!" * 80 + "':")


def test_a_stored_settings_default_falls_back_to_mycrm_when_the_deployment_default_is_invalid():
    assert Settings.load(MemoryStorage(), default_partner="not valid!").partner == "mycrm"
    assert Settings.load(MemoryStorage(), default_partner="acme").partner == "acme"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("sched$4fzyo82mvyr$0", True),
        ("sched$k3$1234", True),
        ("sched$$1", False),
        ("sched$AB$1", False),
        ("sched$k3$", False),
        ("sched$k3$1x", False),
        ("sched$k3$1$2", False),
        ("sched$k3", False),
        ('{"event": "ringing"}', False),
        (None, False),
        (7, False),
    ],
)
def test_pyodides_scheduler_posts_are_recognised_by_their_exact_shape(data, expected):
    assert config.runtime_self_post(data) is expected


def test_dispositions_are_trimmed_deduplicated_and_bounded():
    settings = Settings(dispositions=["  Hot lead ", "", "Hot lead", "Callback"])
    assert settings.dispositions == ["Hot lead", "Callback"]
    assert Settings().dispositions == ["Interested", "Follow up", "Not interested", "Wrong number"]
    with pytest.raises(ValueError, match="at most 40 characters"):
        Settings(dispositions=["x" * 41])
    with pytest.raises(ValueError, match="at most 12 dispositions"):
        Settings(dispositions=[f"d{i}" for i in range(13)])


def test_a_screen_pop_template_is_checked_when_saved():
    assert Settings(screen_pop_template=" https://crm.example/{number} ").screen_pop_template == "https://crm.example/{number}"
    with pytest.raises(ValueError, match="must start with https://"):
        Settings(screen_pop_template="http://crm.example/{number}")
