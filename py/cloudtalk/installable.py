"""The installed app's words and decisions: the update offer, the install offer, the offline copy.

Pure: the browser layer (cloudtalk.browser.installable) observes the service worker, the browser's
install offer and the call state, and draws what these functions return.

    update_offer(waiting=True, in_call=False)  # -> UpdateOffer("A new version is ready.", ...)
    install_offer("firefox", installed=False, can_prompt=False, secure=True)
"""

from __future__ import annotations

from dataclasses import dataclass

# How to install where the browser makes no offer of its own (no `beforeinstallprompt`).
INSTALL_HOW = {
    "chromium": "In Chrome or Edge: the install button at the right of the address bar, or the browser's menu → "
                "“Cast, save and share” → “Install page as app…” (Edge: Apps → “Install this site as an app”).",
    "safari": "In Safari on a Mac: File → “Add to Dock…”. On an iPhone or iPad: Share → “Add to Home Screen”.",
    "firefox": "Firefox does not install web apps on the desktop. Open this address in Chrome, Edge or Safari to "
               "install it, or pin this tab (right-click the tab → “Pin Tab”) so it is not closed by mistake.",
    "other": "Look for “Install app” or “Add to Home Screen” in the browser's menu.",
}
WHY_INSTALL = ("Installed, the phone has a window of its own, starts even with the network down, keeps its history "
               "safe from the browser's clean-ups, and shows the calls to return on its icon.")


@dataclass(frozen=True)
class InstallOffer:
    text: str
    button: bool  # show "Install as an app" (the browser's own prompt)


def install_offer(family: str, *, installed: bool, can_prompt: bool, secure: bool) -> InstallOffer:
    """What Settings says about installing, in this browser, now."""
    if installed:
        return InstallOffer("Running as an installed app. To remove it, use the app window's menu → “Uninstall”, "
                            "or your system's list of apps.", button=False)
    if not secure:
        return InstallOffer("Installing needs HTTPS (or this computer, as localhost): see the README, “Hosting”.",
                            button=False)
    if can_prompt:
        return InstallOffer(WHY_INSTALL, button=True)
    return InstallOffer(f"{WHY_INSTALL} {INSTALL_HOW.get(family, INSTALL_HOW['other'])}", button=False)


@dataclass(frozen=True)
class UpdateOffer:
    text: str
    enabled: bool  # whether "Reload to update" may be pressed now


# (a new version is waiting, a call is in progress) -> the offer; no entry: nothing to offer.
UPDATE_OFFERS = {
    (True, False): UpdateOffer("A new version is ready.", enabled=True),
    (True, True): UpdateOffer("A new version is ready. It can load when this call ends.", enabled=False),
}
UPDATED_ELSEWHERE = "A new version was loaded in another tab. Reload this one when convenient."


def update_offer(*, waiting: bool, in_call: bool) -> UpdateOffer | None:
    """The banner for a new version of the app, or None. The page reloads only on the agent's click, never in a call."""
    return UPDATE_OFFERS.get((waiting, in_call))


def offline_copy_text(version: str, *, controlled: bool, files: int) -> str:
    """Diagnostics' start-up line about the service worker's copy of the app."""
    if controlled:
        return f"Started from this browser's copy of the app (version {version}, {files} files): it starts offline too"
    return (f"Stored a copy of the app for offline starts (version {version}, {files} files): "
            "it is used from the next start")
