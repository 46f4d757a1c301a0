"""The workspace's areas: one Flask blueprint per area and ONE navigation list.

Adding a page (for example an inbox of misunderstood questions):

1. write ``bot/workspace/pages/<area>.py`` with ``bp = Blueprint("<area>", __name__,
   url_prefix="/<dutch-path>")`` and its views (protect them with ``@requires(...)``);
2. add the module name to ``AREAS`` and a ``NavItem`` to ``NAVIGATION`` below;
3. put its templates in ``bot/workspace/templates/<area>/`` (they extend ``layout.html``).

Login, CSRF, the layout, the error pages and the security headers then apply by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

# Blueprint modules under bot.workspace.pages, registered in this order.
AREAS: list[str] = [
    "home",
    "begrippen",
    "gemeenten",
    "contactverzoeken",
    "publiceren",
    "beheer",
    # The learning loop (issue 15); "afmelden" is the public withdrawal page (no menu item).
    "inbox",
    "woorden",
    "register",
    "rapport",
    "afmelden",
]


@dataclass(frozen=True)
class NavItem:
    endpoint: str  # Flask endpoint of the page the menu links to
    label: str  # Dutch menu text
    roles: tuple[str, ...]  # who sees it (any of these roles)
    prefix: str  # URL prefix that marks the item as the current page


NAVIGATION: list[NavItem] = [
    NavItem("home.index", "Start", ("redacteur", "beoordelaar", "medewerker", "beheerder"), "/start"),
    NavItem("begrippen.index", "Begrippen", ("redacteur", "beoordelaar"), "/begrippen"),
    NavItem("gemeenten.index", "Antwoorden en feiten", ("redacteur", "beoordelaar"), "/gemeenten"),
    NavItem("publiceren.index", "Publiceren", ("redacteur", "beoordelaar"), "/publiceren"),
    NavItem("contactverzoeken.index", "Contactverzoeken", ("medewerker",), "/contactverzoeken"),
    NavItem("inbox.index", "Inbox", ("redacteur", "beoordelaar"), "/inbox"),
    NavItem("woorden.index", "Ontbrekende woorden", ("redacteur", "beoordelaar"), "/woorden"),
    NavItem("register.index", "Register", ("medewerker",), "/register"),
    NavItem("rapport.index", "Rapport", ("redacteur", "beoordelaar", "medewerker", "beheerder"), "/rapport"),
    NavItem("beheer.accounts", "Accounts", ("beheerder",), "/beheer/accounts"),
    NavItem("beheer.logboek", "Logboek", ("beheerder",), "/beheer/logboek"),
]


def items_for(account) -> list[NavItem]:
    if account is None:
        return []
    return [item for item in NAVIGATION if account.has(*item.roles)]
