"""Shared pieces of the glossary commands: opening the store and printing an entry."""

from __future__ import annotations

from glossary.model import Entry, GlossaryError


def _store(args):
    from glossary.store import Store

    try:
        store = Store.from_url(args.db)
        ready = store.is_ready()
    except GlossaryError:
        raise
    except Exception as err:  # noqa: BLE001 - any driver error: a Dutch message
        raise GlossaryError(f"De database {args.db!r} kan niet geopend worden: {err}") from err
    if not ready:
        raise GlossaryError(
            f"De database {args.db!r} heeft nog geen woordenlijst. "
            "Maak hem eerst klaar met: gemeentetolk setup"
        )
    return store


def _print_entry(entry: Entry) -> None:
    print(
        f"{entry.pref_label}  [{entry.id}]  status: {entry.status}  onderwerp: {entry.topic or '-'}"
    )
    rows = [
        ("Andere termen", ", ".join(entry.alt_labels)),
        ("Zoektermen/spelfouten", ", ".join(entry.hidden_labels)),
        ("Definitie", entry.definition),
        ("Korte uitleg", entry.plain),
        ("Voorbeeld", entry.example),
        ("Toelichting", entry.scope_note),
        ("Bron", entry.source),
        ("Breder", ", ".join(entry.broader)),
        ("Verwant", ", ".join(entry.related)),
        ("Laatst gewijzigd", f"{entry.changed_at or '-'} door {entry.changed_by or '-'}"),
        ("Vastgesteld op", str(entry.reviewed_at or "-")),
    ]
    for name, value in rows:
        if value:
            print(f"  {name}: {value}")


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for v in values or [] if v and v.strip()]


