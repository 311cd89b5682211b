"""The installed app's decisions: when the update may load, what Settings says about installing, and
Diagnostics' line about the offline copy."""

from __future__ import annotations

import pytest

from cloudtalk.installable import (
    INSTALL_HOW,
    WHY_INSTALL,
    InstallOffer,
    UpdateOffer,
    install_offer,
    offline_copy_text,
    update_offer,
)


def test_no_new_version_offers_nothing_in_or_out_of_a_call():
    assert update_offer(waiting=False, in_call=False) is None
    assert update_offer(waiting=False, in_call=True) is None


def test_a_new_version_may_load_between_calls_only():
    assert update_offer(waiting=True, in_call=False) == UpdateOffer("A new version is ready.", enabled=True)
    during = update_offer(waiting=True, in_call=True)
    assert during == UpdateOffer("A new version is ready. It can load when this call ends.", enabled=False)


def test_an_installed_app_says_so_and_offers_nothing():
    for family in ("chromium", "firefox", "safari", "other"):
        offer = install_offer(family, installed=True, can_prompt=True, secure=True)
        assert offer.button is False
        assert offer.text == ("Running as an installed app. To remove it, use the app window's menu → “Uninstall”, "
                              "or your system's list of apps.")


def test_without_https_installing_is_explained_not_offered():
    offer = install_offer("chromium", installed=False, can_prompt=False, secure=False)
    assert offer == InstallOffer("Installing needs HTTPS (or this computer, as localhost): see the README, “Hosting”.",
                                 button=False)


def test_where_the_browser_can_be_asked_the_button_shows_with_the_reasons():
    assert install_offer("chromium", installed=False, can_prompt=True, secure=True) == InstallOffer(WHY_INSTALL, button=True)


@pytest.mark.parametrize(("family", "words"), [
    ("chromium", "install button at the right of the address bar"),
    ("safari", "File → “Add to Dock…”"),
    ("firefox", "Firefox does not install web apps on the desktop"),
    ("other", "Look for “Install app”"),
    ("a browser nobody knows", "Look for “Install app”"),
])
def test_elsewhere_each_browser_gets_its_own_way_to_install(family: str, words: str):
    offer = install_offer(family, installed=False, can_prompt=False, secure=True)
    assert offer.button is False
    assert offer.text.startswith(WHY_INSTALL + " ")
    assert words in offer.text
    assert offer.text.endswith(INSTALL_HOW.get(family, INSTALL_HOW["other"]))


def test_the_offline_copy_line_says_whether_this_start_came_from_it():
    assert offline_copy_text("0123abcd", controlled=True, files=57) == (
        "Started from this browser's copy of the app (version 0123abcd, 57 files): it starts offline too")
    assert offline_copy_text("0123abcd", controlled=False, files=57) == (
        "Stored a copy of the app for offline starts (version 0123abcd, 57 files): it is used from the next start")
