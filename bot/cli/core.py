"""Core commands: setup, nlp prepare, run, shell."""

from __future__ import annotations

import argparse
import subprocess

from bot.services.settings import load_settings

EXAMPLES = {
    "setup": "gemeentetolk setup",
    "nlp": "gemeentetolk nlp prepare",
    "run": "gemeentetolk run",
    "shell": "gemeentetolk shell",
}


def _settings():
    from bot.cli import CommandError

    try:
        return load_settings()
    except ValueError as err:
        raise CommandError(str(err)) from err


def cmd_setup(args: argparse.Namespace) -> int:
    from bot.services.bootstrap import run_setup
    from bot.services.db import make_engine

    settings = _settings()
    engine = make_engine(settings.db_url)
    try:
        for line in run_setup(engine, settings):
            print(line)
    finally:
        engine.dispose()
    return 0


def cmd_nlp_prepare(args: argparse.Namespace) -> int:
    from bot.services.nlp import prepare_pipeline

    settings = _settings()
    choice = prepare_pipeline(settings.spacy_path, force=args.force)
    print(choice.message)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.cli import CommandError
    from bot.cli.stack import PortInUse, Stack
    from bot.cli.supervisor import StopRequested, Supervisor, stop_signals

    settings = _settings()
    # The API (token-protected, on localhost) lets the workspace switch to a published model.
    stack = Stack(settings, with_web=True, with_workspace=True, enable_api=True, report=_print,
                  die_with_parent=True)
    print("Gemeentetolk start op (dit duurt ongeveer een halve minuut)...", flush=True)
    try:
        with stop_signals():
            seconds = stack.start(timeout=300)
    except PortInUse as err:
        raise CommandError(str(err)) from None
    except (RuntimeError, TimeoutError) as err:
        raise CommandError(f"{err} De onderdelen die al draaiden zijn weer gestopt.") from None
    except StopRequested:
        print("Gemeentetolk stopt.", flush=True)
        return 0
    print(f"Klaar in {seconds:.0f} s.")
    print(f"- Website met chatwidget: {settings.web_url}")
    print(f"- Werkruimte (Beheer):    {settings.workspace_url} "
          "(account maken: gemeentetolk users add NAAM --rol redacteur)")
    print(f"- Rasa-server:   {settings.rasa_url} (REST: /webhooks/rest/webhook)")
    print(f"- Actie-server:  http://{settings.action_host}:{settings.action_port} "
          "(alleen voor de Rasa-server, met het gedeelde geheim)")
    print("Praat met de assistent, bijvoorbeeld:")
    print(
        f"  curl -s {settings.rasa_url}/webhooks/rest/webhook "
        "-H 'Content-Type: application/json' "
        '-d \'{"sender": "test", "message": "hallo"}\''
    )
    print("Stopt een onderdeel, dan start ik het opnieuw. Alles stoppen: Ctrl-C", flush=True)
    return Supervisor(stack).run_forever()


def _print(line: str) -> None:
    print(line, flush=True)


def cmd_shell(args: argparse.Namespace) -> int:
    from bot.cli import CommandError
    from bot.cli.stack import RASA_FILES, PortInUse, Stack, rasa_env, rasa_server_command
    from bot.cli.supervisor import stop_signals

    settings = _settings()
    stack = Stack(settings, report=_print, die_with_parent=True)
    shell: subprocess.Popen | None = None
    try:
        with stop_signals():
            stack.start_actions()
            stack.wait_ready(timeout=120)
            cmd = [*rasa_server_command(), "shell", "--model", str(settings.model_dir), *RASA_FILES]
            shell = subprocess.Popen(cmd, cwd=settings.root, env=rasa_env(settings))
            return shell.wait()
    except PortInUse as err:
        raise CommandError(str(err)) from None
    except (RuntimeError, TimeoutError) as err:
        raise CommandError(str(err)) from None
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM/SIGHUP (StopRequested)
        return 0
    finally:
        if shell is not None and shell.poll() is None:
            shell.terminate()
            try:
                shell.wait(timeout=5)
            except subprocess.TimeoutExpired:
                shell.kill()
                shell.wait()
        stack.stop()


def register(sub: argparse._SubParsersAction) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser(
        "setup",
        help="database klaarzetten en de begrippenlijst en gemeenten laden",
        description="Maakt de database en laadt de begrippenlijst en gemeenteprofielen.",
        epilog=f"Voorbeeld: {EXAMPLES['setup']}",
        formatter_class=fmt,
    )
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser(
        "nlp",
        help="de Nederlandse spaCy-pipeline klaarzetten",
        description="Kiest nl_core_news_sm als die er is, anders een lokale Nederlandse pipeline.",
        epilog=f"Voorbeeld: {EXAMPLES['nlp']}",
        formatter_class=fmt,
    )
    nlp_sub = p.add_subparsers(dest="nlp_command", metavar="ACTIE")
    nlp_sub.required = True
    prep = nlp_sub.add_parser(
        "prepare",
        help="pipeline kiezen en wegschrijven naar var/spacy/nl",
        epilog=f"Voorbeeld: {EXAMPLES['nlp']}",
    )
    prep.add_argument("--force", action="store_true", help="ook opnieuw bouwen als hij er al is")
    prep.set_defaults(func=cmd_nlp_prepare)

    p = sub.add_parser(
        "run",
        help="de assistent starten: actie-server, Rasa-server, demopagina en werkruimte (Ctrl-C stopt alles)",
        description=(
            "Start de actie-server (5055), de Rasa-server (5005), de demopagina met "
            "de chatwidget (http://localhost:8080/) en de werkruimte (http://localhost:8081/)."
        ),
        epilog=f"Voorbeeld: {EXAMPLES['run']}",
        formatter_class=fmt,
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "shell",
        help="met de assistent praten in de terminal (met actie-server)",
        description="Start de actie-server en Rasa's shell, om antwoorden te testen.",
        epilog=f"Voorbeeld: {EXAMPLES['shell']}",
        formatter_class=fmt,
    )
    p.set_defaults(func=cmd_shell)


__all__ = ["register"]
