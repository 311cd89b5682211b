"""The contact card: who is on the line (or was), with safe links into the CRM.

    card = ContactCard(by_id("contact-card"), partner="mycrm")
    card.show(call, pop_href="https://crm.example/search?q=%2B4420")
"""

from __future__ import annotations

from typing import Any

from ..calls import Call
from ..present import tel_href
from .dom import clear, el, safe_url


def _link(text: str, href: str, **attrs: str) -> Any:
    return el("a", text, href=href, **attrs)


class ContactCard:
    def __init__(self, root: Any, partner: str) -> None:
        self.root = root
        self.partner = partner
        self.shown: Call | None = None
        self._badge: Any = None
        self._pop: str | None = None
        self.show(None)

    @property
    def shown_uuid(self) -> str | None:
        return self.shown.uuid if self.shown else None

    def show(self, call: Call | None, pop_href: str | None = None) -> None:
        """Show a call; `pop_href` is its screen-pop link (Settings' template, already checked)."""
        old = self.shown
        self.shown = call
        if call is not None and old is not None and _same_card(old, call) and pop_href == self._pop:
            self._set_badge(call)  # only the state moved: touch one element, not the whole card
            return
        self._pop = pop_href
        clear(self.root)
        if call is None:
            self.root.append(el("p", "No call yet. The caller's details appear here when the phone rings.", class_="muted"))
            return
        contact = call.contact
        self.root.dataset.uuid = call.uuid
        header = el("div", None, class_="card-head")
        header.append(el("h2", call.display_name, class_="contact-name"))
        self._badge = el("span")
        self._set_badge(call)
        header.append(self._badge)
        self.root.append(header)
        if contact and contact.company:
            self.root.append(el("p", contact.company, class_="company"))
        self.root.append(_facts(call))
        if contact and contact.tags:
            tags = el("ul", None, class_="chips", aria_label="Tags")
            for tag in contact.tags:
                tags.append(el("li", tag, class_="chip"))
            self.root.append(tags)
        links = self._links(call, pop_href)
        if links.childElementCount:
            self.root.append(links)
        if contact is None or not contact.name:
            self.root.append(el("p", "This number is not in your contacts.", class_="muted"))

    def _links(self, call: Call, pop_href: str | None) -> Any:
        """The screen pop first, then the contact's own links, the partner's own system before the others."""
        contact = call.contact
        links = el("div", None, class_="links")
        for entry in contact.external_urls if contact else []:
            href = safe_url(entry.external_url)
            if href is None:
                continue
            system = entry.external_system or "link"
            prominent = entry.external_system == self.partner
            text = f"Open in {system}" if prominent else system
            style = "button primary" if prominent else "button"
            link = _link(text, href, target="_blank", rel="noopener noreferrer", class_=style)
            if prominent:
                links.prepend(link)
            else:
                links.append(link)
        if pop_href is not None:  # the team's own screen pop comes first
            links.prepend(_link("Open in CRM", pop_href, target="cloudtalk-screen-pop", rel="noopener noreferrer",
                                class_="button primary screen-pop"))
        return links

    def _set_badge(self, call: Call) -> None:
        self._badge.textContent = call.outcome.value if call.outcome else call.state.label
        self._badge.className = f"badge state-{call.state.value}"


def _same_card(old: Call, new: Call) -> bool:
    return old.uuid == new.uuid and old.contact == new.contact and old.external_number == new.external_number


def _facts(call: Call) -> Any:
    """Phone numbers (the call's own first) and e-mail addresses, each a link."""
    contact = call.contact
    numbers = list(contact.contact_numbers) if contact else []
    if call.external_number and call.external_number not in numbers:
        numbers.insert(0, call.external_number)
    facts = el("dl", None, class_="facts")
    if numbers:
        facts.append(el("dt", "Phone"))
        dd = el("dd")
        for number in numbers:
            dd.append(_link(number, tel_href(number)))
        facts.append(dd)
    if contact and contact.contact_emails:
        facts.append(el("dt", "E-mail"))
        dd = el("dd")
        for address in contact.contact_emails:
            dd.append(_link(address, "mailto:" + address))
        facts.append(dd)
    return facts
