"""``gemeentetolk users add|list|disable|enable|passwd``: accounts of the workspace (Beheer).

The password is asked twice with getpass, never on the command line; for scripts
``--wachtwoord-stdin`` reads it from standard input (one line).
"""

from __future__ import annotations

import argparse
import getpass
import sys

EXAMPLES = {
    "users": "gemeentetolk users add a.jansen --rol redacteur",
    "add": 'gemeentetolk users add p.devries --rol beoordelaar --naam "P. de Vries"',
    "list": "gemeentetolk users list",
    "disable": "gemeentetolk users disable a.jansen",
    "enable": "gemeentetolk users enable a.jansen",
    "passwd": "gemeentetolk users passwd a.jansen",
}


def _factory():
    from bot.cli.core import _settings
    from bot.services.contact import get_factory

    settings = _settings()
    return settings, get_factory(settings.db_url)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except Exception:  # noqa: BLE001 - no login name on this system
        return "cli"


def _password(args: argparse.Namespace) -> str:
    from bot.cli import CommandError

    if args.wachtwoord_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("Wachtwoord (minstens 12 tekens): ")
    second = getpass.getpass("Nog een keer: ")
    if first != second:
        raise CommandError("de twee wachtwoorden zijn niet gelijk. Er is niets veranderd.")
    return first


def _check_department(settings, municipality: str | None, department: str | None) -> None:
    from bot.cli import CommandError
    from bot.services.profiles import effective_profiles

    if not municipality and not department:
        return
    profiles = effective_profiles(settings)
    profile = profiles.get((municipality or "").strip().lower())
    if profile is None:
        raise CommandError(f"gemeente '{municipality}' bestaat niet. Kies uit: {', '.join(sorted(profiles))}.")
    if department and profile.department(department) is None:
        keys = [d.key for d in profile.departments]
        if profile.single_contact_point:
            keys.insert(0, profile.single_contact_point.key)
        raise CommandError(f"afdeling '{department}' bestaat niet bij {profile.name}. Kies uit: {', '.join(keys)}.")


def _safe(func):
    def run(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from bot.cli import CommandError

        try:
            return func(args)
        except (OperationalError, ProgrammingError) as err:
            raise CommandError("de database is niet klaar. Draai eerst: gemeentetolk setup") from err

    return run


def cmd_add(args: argparse.Namespace) -> int:
    from bot.services import accounts, audit

    settings, factory = _factory()
    _check_department(settings, args.gemeente, args.afdeling)
    accounts.clean_username(args.username)
    accounts.clean_roles(args.rol)
    password = _password(args)
    account = accounts.create_user(factory, args.username, password, args.rol, args.naam or "",
                                   args.gemeente, args.afdeling)
    audit.record(factory, _actor(), "account.aangemaakt", "account", account.username,
                 after={"roles": list(account.roles), "municipality": account.municipality,
                        "department": account.department})
    print(f"Account {account.username} gemaakt ({', '.join(account.roles)}). "
          f"Inloggen: {settings.workspace_url}login")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from bot.services import accounts

    _, factory = _factory()
    users = accounts.list_users(factory)
    if not users:
        print("Nog geen accounts. Maak er een met: gemeentetolk users add NAAM --rol redacteur")
        return 0
    for u in users:
        where = f"{u.municipality}/{u.department}" if u.municipality else "-"
        state = "actief" if u.active else "uitgezet"
        print(f"{u.username}\t{','.join(u.roles)}\t{where}\t{state}\t{u.display_name}")
    print(f"{len(users)} account(s).")
    return 0


def _set_active(args: argparse.Namespace, active: bool) -> int:
    from bot.services import accounts, audit

    _, factory = _factory()
    account = accounts.set_active(factory, args.username, active)
    audit.record(factory, _actor(), "account.aangezet" if active else "account.uitgezet",
                 "account", account.username, before={"active": not active}, after={"active": active})
    print(f"Account {account.username} is {'weer actief' if active else 'uitgezet (alle sessies zijn beëindigd)'}.")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from bot.services import accounts, audit

    _, factory = _factory()
    if accounts.get_user(factory, args.username) is None:
        from bot.cli import CommandError

        raise CommandError(f"er is geen account '{args.username}'.")
    account = accounts.set_password(factory, args.username, _password(args))
    audit.record(factory, _actor(), "account.wachtwoord", "account", account.username)
    print(f"Nieuw wachtwoord voor {account.username} ingesteld. Alle sessies zijn beëindigd.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from bot.services.accounts import ROLES

    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser(
        "users",
        help="accounts voor de werkruimte (Beheer) maken en beheren",
        description="Accounts voor de werkruimte. Rollen: "
        + "; ".join(f"{k}: {v}" for k, v in ROLES.items()) + ".",
        epilog=f"Voorbeeld: {EXAMPLES['users']}",
        formatter_class=fmt,
    )
    actions = p.add_subparsers(dest="users_command", metavar="ACTIE")
    actions.required = True

    add = actions.add_parser(
        "add", help="een account maken (het wachtwoord wordt gevraagd)",
        description="Maakt een account. Het wachtwoord wordt twee keer gevraagd en nooit op de "
        "opdrachtregel gezet. Een medewerker hoort bij een gemeente en een afdeling.",
        epilog=f"Voorbeeld: {EXAMPLES['add']}\n"
        "Voorbeeld: gemeentetolk users add m.bakker --rol medewerker --gemeente dijkstede --afdeling inkoop",
        formatter_class=fmt)
    add.add_argument("username", metavar="GEBRUIKERSNAAM", help="bijvoorbeeld a.jansen")
    add.add_argument("--rol", action="append", required=True, choices=list(ROLES),
                     help="rol (meer rollen: --rol herhalen)")
    add.add_argument("--naam", help="naam zoals die in de werkruimte staat")
    add.add_argument("--gemeente", help="medewerker: de gemeente (slug, bijvoorbeeld dijkstede)")
    add.add_argument("--afdeling", help="medewerker: de afdeling (sleutel, bijvoorbeeld inkoop)")
    add.add_argument("--wachtwoord-stdin", action="store_true",
                     help="het wachtwoord van standaardinvoer lezen (voor scripts)")
    add.set_defaults(func=_safe(cmd_add))

    ls = actions.add_parser("list", help="alle accounts tonen",
                            epilog=f"Voorbeeld: {EXAMPLES['list']}", formatter_class=fmt)
    ls.set_defaults(func=_safe(cmd_list))

    for name, active, text in (("disable", False, "een account uitzetten (sessies stoppen)"),
                               ("enable", True, "een uitgezet account weer aanzetten")):
        sp = actions.add_parser(name, help=text, epilog=f"Voorbeeld: {EXAMPLES[name]}",
                                formatter_class=fmt)
        sp.add_argument("username", metavar="GEBRUIKERSNAAM")
        sp.set_defaults(func=_safe(lambda a, active=active: _set_active(a, active)))

    pw = actions.add_parser("passwd", help="een nieuw wachtwoord instellen (wordt gevraagd)",
                            epilog=f"Voorbeeld: {EXAMPLES['passwd']}", formatter_class=fmt)
    pw.add_argument("username", metavar="GEBRUIKERSNAAM")
    pw.add_argument("--wachtwoord-stdin", action="store_true",
                    help="het wachtwoord van standaardinvoer lezen (voor scripts)")
    pw.set_defaults(func=_safe(cmd_passwd))


__all__ = ["register"]
