"""``gemeentetolk municipality validate|load|list``: manage the municipality profiles."""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLES = {
    "municipality": "gemeentetolk municipality list",
    "validate": "gemeentetolk municipality validate data/municipalities/dijkstede.yml",
    "load": "gemeentetolk municipality load",
    "list": "gemeentetolk municipality list",
}


def _settings():
    from bot.cli.core import _settings

    return _settings()


def cmd_validate(args: argparse.Namespace) -> int:
    from bot.services.municipalities import validate_file

    settings = _settings()
    paths = [Path(p) for p in args.files] or sorted(settings.municipalities_dir.glob("*.yml"))
    if not paths:
        print(f"Geen profielen gevonden in {settings.municipalities_dir}.")
        return 1
    failed = 0
    for path in paths:
        if not path.is_file():
            print(f"{path}: bestand bestaat niet.")
            failed += 1
            continue
        profile, issues = validate_file(path)
        if issues:
            failed += 1
            for issue in issues:
                print(issue)
        else:
            assert profile is not None
            print(f"{path.name}: in orde ({profile.display_name}, {len(profile.departments)} afdelingen).")
    return 1 if failed else 0


def cmd_load(args: argparse.Namespace) -> int:
    from bot.cli import CommandError
    from bot.services import schema
    from bot.services.db import make_engine, session_factory
    from bot.services.municipalities import ProfileError, load_profiles, sync_profiles

    settings = _settings()
    directory = Path(args.directory) if args.directory else settings.municipalities_dir
    try:
        profiles = load_profiles(directory)
    except ProfileError as err:
        raise CommandError(f"er is niets geladen, want de profielen zijn niet geldig:\n{err}") from err
    engine = make_engine(settings.db_url)
    try:
        schema.upgrade(engine)
        result = sync_profiles(session_factory(engine), profiles)
    finally:
        engine.dispose()
    for slug, state in sorted(result.items()):
        print(f"{slug}: {state}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.services import schema
    from bot.services.db import make_engine, session_factory, unit_of_work
    from bot.services.models import Municipality

    settings = _settings()
    engine = make_engine(settings.db_url)
    try:
        schema.upgrade(engine)
        with unit_of_work(session_factory(engine)) as session:
            rows = session.scalars(select(Municipality).order_by(Municipality.slug)).all()
            if not rows:
                print("Er zijn nog geen gemeenten geladen. Doe eerst: gemeentetolk municipality load")
                return 0
            for m in rows:
                marks = []
                if m.fictional:
                    marks.append("fictief")
                marks.append("één contactpunt" if m.has_single_contact_point else "geen apart contactpunt")
                print(f"{m.slug}\t{m.name}\t{len(m.departments)} afdelingen\t{', '.join(marks)}")
    finally:
        engine.dispose()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser(
        "municipality",
        help="gemeenteprofielen controleren, laden en tonen",
        description="Beheer de gemeenteprofielen in data/municipalities/<slug>.yml.",
        epilog=f"Voorbeeld: {EXAMPLES['municipality']}",
        formatter_class=fmt,
    )
    actions = p.add_subparsers(dest="municipality_command", metavar="ACTIE")
    actions.required = True

    v = actions.add_parser(
        "validate", help="profielen controleren (zonder iets op te slaan)",
        description="Controleert profielen en noemt bij elke fout het bestand, de regel en het veld.",
        epilog=f"Voorbeeld: {EXAMPLES['validate']}", formatter_class=fmt,
    )
    v.add_argument("files", nargs="*", help="profielbestanden (standaard: alle in data/municipalities/)")
    v.set_defaults(func=cmd_validate)

    ld = actions.add_parser(
        "load", help="alle profielen controleren en in de database zetten",
        description="Laadt alle profielen in de database. Bij één fout wordt niets geladen.",
        epilog=f"Voorbeeld: {EXAMPLES['load']}", formatter_class=fmt,
    )
    ld.add_argument("--directory", help="map met profielen (standaard: data/municipalities)")
    ld.set_defaults(func=cmd_load)

    ls = actions.add_parser(
        "list", help="de geladen gemeenten tonen",
        description="Toont de gemeenten in de database.",
        epilog=f"Voorbeeld: {EXAMPLES['list']}", formatter_class=fmt,
    )
    ls.set_defaults(func=cmd_list)


__all__ = ["register"]
