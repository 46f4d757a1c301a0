"""`gemeentetolk users ...`: accounts from the command line; the password never on it."""

from __future__ import annotations

import io

import pytest

from bot.cli import main


@pytest.fixture
def cli_db(monkeypatch, ws_settings, ws_engine):
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", ws_settings.db_url)
    monkeypatch.setenv("GEMEENTETOLK_WORKSPACE_SECRET", "t" * 40)
    return ws_settings


def test_users_add_asks_the_password_twice_with_getpass(cli_db, monkeypatch, capsys, factory) -> None:
    from bot.services import accounts

    answers = iter(["een-lang-wachtwoord-1", "een-lang-wachtwoord-1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["users", "add", "a.jansen", "--rol", "redacteur", "--naam", "A. Jansen"]) == 0
    out = capsys.readouterr().out
    assert "a.jansen" in out and "een-lang-wachtwoord-1" not in out
    assert accounts.login(factory, "a.jansen", "een-lang-wachtwoord-1", "1.1.1.1").ok


def test_users_add_refuses_different_passwords_and_stores_nothing(cli_db, monkeypatch, capsys, factory) -> None:
    from bot.services import accounts

    answers = iter(["een-lang-wachtwoord-1", "een-ander-wachtwoord-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["users", "add", "a.jansen", "--rol", "redacteur"]) == 1
    assert "niet gelijk" in capsys.readouterr().err
    assert accounts.get_user(factory, "a.jansen") is None


def test_users_add_medewerker_needs_an_existing_department(cli_db, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord-1\n"))
    args = ["users", "add", "m.bakker", "--rol", "medewerker", "--wachtwoord-stdin"]
    assert main(args) == 1
    assert "gemeente" in capsys.readouterr().err
    assert main([*args, "--gemeente", "dijkstede", "--afdeling", "bestaatniet"]) == 1
    assert "inkoop" in capsys.readouterr().err  # the known keys are listed
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord-1\n"))
    assert main([*args, "--gemeente", "dijkstede", "--afdeling", "inkoop"]) == 0


def test_short_password_is_a_clean_error(cli_db, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main(["users", "add", "a.jansen", "--rol", "redacteur", "--wachtwoord-stdin"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout:") and "12 tekens" in err and "Traceback" not in err


def test_list_disable_enable_passwd(cli_db, monkeypatch, capsys, factory) -> None:
    from bot.services import accounts, audit

    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord-1\n"))
    assert main(["users", "add", "a.jansen", "--rol", "redacteur", "--rol", "beoordelaar",
                 "--wachtwoord-stdin"]) == 0
    assert main(["users", "list"]) == 0
    assert "a.jansen\tredacteur,beoordelaar" in capsys.readouterr().out
    assert main(["users", "disable", "a.jansen"]) == 0
    assert not accounts.login(factory, "a.jansen", "een-lang-wachtwoord-1", "1.1.1.1").ok
    assert main(["users", "enable", "a.jansen"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("nog-een-ander-wachtwoord\n"))
    assert main(["users", "passwd", "a.jansen", "--wachtwoord-stdin"]) == 0
    assert accounts.login(factory, "a.jansen", "nog-een-ander-wachtwoord", "1.1.1.2").ok
    actions = [r.action for r in audit.entries(factory)[0]]
    assert {"account.aangemaakt", "account.uitgezet", "account.aangezet", "account.wachtwoord"} <= set(actions)
