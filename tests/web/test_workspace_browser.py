"""The workspace with the real assistant, in Chromium (marked ``integration``):

- a redacteur edits a term, cannot approve it with the same account (four eyes), a
  beoordelaar approves it, publishes (real training: fine-tuning of the current model, and
  ``PUT /model`` on the running Rasa server), and the chat widget explains the term with the
  new text;
- a medewerker handles a contact request made in the widget.

The training works on a copy of the training data in a temporary folder, so the repository's
``data/nlu/glossary.yml`` and ``models/`` stay as they are.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import time

import pytest

from tests.support.testing import free_port, settings_on_free_ports
from tests.support.workspace import PASSWORD, ROOT

pytestmark = pytest.mark.integration
NEW_PLAIN = "een klus waarvoor meerdere bedrijven een prijs mogen geven"
NEW_WORD = "klusjesbon"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from bot.cli.stack import Stack
    from bot.services import accounts, profiles
    from bot.services.bootstrap import run_setup
    from bot.services.db import make_engine, session_factory
    from bot.services.publish import Publisher
    from bot.workspace.app import create_app
    from bot.workspace.server import serve_in_thread

    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("Geen getraind model in models/. Draai eerst 'make train'.")
    tmp = tmp_path_factory.mktemp("workspace-live")
    train_root = tmp / "project"
    (train_root / "bot").mkdir(parents=True)
    shutil.copy(ROOT / "config.yml", train_root / "config.yml")
    shutil.copytree(ROOT / "bot" / "domain", train_root / "bot" / "domain")
    shutil.copytree(ROOT / "data", train_root / "data")
    (train_root / "var").mkdir()
    (train_root / "var" / "spacy").symlink_to(ROOT / "var" / "spacy")
    (train_root / "models").mkdir()
    shutil.copy(models[-1], train_root / "models" / models[-1].name)

    base = settings_on_free_ports()
    settings = dataclasses.replace(
        base, db_url=f"sqlite:///{tmp / 'gemeentetolk.db'}", tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}",
        workspace=dataclasses.replace(base.workspace, port=free_port(), secret_env="w" * 40))
    engine = make_engine(settings.db_url)
    run_setup(engine, settings)
    factory = session_factory(engine)
    accounts.create_user(factory, "a.jansen", PASSWORD, ["redacteur", "beoordelaar"], "A. Jansen")
    accounts.create_user(factory, "p.devries", PASSWORD, ["beoordelaar"], "P. de Vries")

    stack = Stack(settings, enable_api=True, with_web=True, log_dir=tmp / "logs")
    server = None
    try:  # whatever fails in the set-up, no process of this stack outlives the tests
        stack.start(timeout=300)
        publisher = Publisher(rasa_urls=[settings.rasa_url], token=stack.api_token, root=train_root,
                              nlu_path=train_root / "data" / "nlu" / "glossary.yml", models_dir=train_root / "models",
                              finetune=True, epoch_fraction=0.1)
        app = create_app(settings, publisher=publisher, engine=engine)
        server = serve_in_thread(app, "127.0.0.1", settings.workspace.port)
        live = type("Live", (), {})()
        live.settings, live.factory, live.stack = settings, factory, stack
        live.ws = f"http://127.0.0.1:{settings.workspace.port}"
        live.web = f"http://localhost:{settings.web_port}/"
        yield live
    finally:
        if server is not None:
            server.close()
        stack.stop()
        engine.dispose()
    profiles.clear_cache()


def login(page, live, username: str) -> None:
    page.goto(live.ws + "/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/start")


def logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login")


def ask(page, text: str) -> str:
    before = page.locator(".gt-msg-bot").count()
    page.locator("#gt-input").fill(text)
    page.keyboard.press("Enter")
    page.locator(".gt-msg-bot").nth(before).wait_for(timeout=90_000)
    page.locator(".gt-typing-text").wait_for(state="detached", timeout=90_000)
    return page.locator(".gt-msg-bot").last.inner_text()


def open_widget(page, live) -> None:
    page.goto(live.web)
    page.wait_for_selector(".gt-root[data-ready]", state="attached")
    page.get_by_role("button", name="Vraag het Gemeentetolk").click()


def test_edit_four_eyes_approve_publish_and_the_widget_uses_it(browser, live) -> None:
    from bot.services import publish

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    try:
        login(page, live, "a.jansen")
        page.goto(live.ws + "/begrippen?zoek=aanbesteding")
        page.get_by_role("link", name="aanbesteding", exact=True).click()
        page.get_by_role("link", name="Bewerken").click()
        page.get_by_label("Korte uitleg (plain)").fill(NEW_PLAIN)
        alt = page.get_by_label("Andere termen (altLabel)")
        alt.fill(alt.input_value() + "\n" + NEW_WORD)  # a new word: the NLU is trained again
        page.get_by_role("button", name="Opslaan").click()
        page.wait_for_url("**/begrippen/aanbesteding")
        assert "voorgesteld" in page.locator("main").inner_text()
        # the same account may not approve its own change: no button, the reason instead
        assert page.get_by_role("button", name="Vaststellen").count() == 0
        assert "vier ogen" in page.locator("main").inner_text()
        logout(page)

        login(page, live, "p.devries")
        page.goto(live.ws + "/begrippen/aanbesteding")
        page.get_by_role("button", name="Vaststellen").click()
        page.wait_for_url("**/begrippen/aanbesteding")
        assert "De status is nu vastgesteld" in page.locator("main").inner_text()

        # a conversation in the widget before the switch (another tab) continues after it
        chat = context.new_page()
        open_widget(chat, live)
        ask(chat, "hallo")

        page.get_by_role("link", name="Publiceren").first.click()
        page.get_by_role("button", name="Publiceren").click()
        page.wait_for_url(re.compile(r".*/publiceren/\d+$"))
        job_id = int(page.url.rsplit("/", 1)[-1])
        deadline = time.monotonic() + 1500
        while publish.get_job(live.factory, job_id).running and time.monotonic() < deadline:
            time.sleep(3)
        page.reload()
        text = page.locator("main").inner_text()
        job = publish.get_job(live.factory, job_id)
        assert job.status == "klaar", (job.message, job.log_tail)
        assert "Klaar" in text and "seconden" in text
        assert publish.model_status(live.settings.rasa_url, live.stack.api_token).endswith(job.model_file.rsplit("/", 1)[-1])

        assert "Training klaar" in job.log_tail  # it really trained (a new word), then switched
        answer = ask(chat, f"wat betekent {NEW_WORD}?")
        assert NEW_PLAIN in answer and "aanbesteding" in answer, answer
        chat.reload()  # the conversation is still there: the history comes from the tracker store
        chat.wait_for_selector(".gt-root[data-ready]", state="attached")
        users = chat.locator(".gt-msg-user .gt-text").all_inner_texts()
        assert users[:1] == ["hallo"] and users[-1] == f"wat betekent {NEW_WORD}?"
    finally:
        context.close()


def complete_contact_form(page) -> str:
    """Answer what the assistant asks until it gives a reference number."""
    page.get_by_role("button", name="Praat met een medewerker").click()
    page.locator(".gt-typing-text").wait_for(state="detached", timeout=90_000)
    for _ in range(12):
        question = page.locator(".gt-msg-bot").last.inner_text()
        if "referentienummer" in question.lower():
            break
        low = question.lower()
        quick = page.locator(".gt-quick-button:not([disabled])").filter(has_text=re.compile("^Ja"))
        if quick.count():
            before = page.locator(".gt-msg-bot").count()
            quick.first.click()
            page.locator(".gt-msg-bot").nth(before).wait_for(timeout=90_000)
            page.locator(".gt-typing-text").wait_for(state="detached", timeout=90_000)
        elif "telefoon" in low:
            ask(page, "06-12345678")
        elif "naam" in low:
            ask(page, "Test Persoon")
        elif "e-mail" in low:
            ask(page, "test@voorbeeld.example")
        elif "wanneer" in low:
            ask(page, "dinsdagochtend")
        else:
            ask(page, "Ik wil meedoen met een aanbesteding voor groenonderhoud")
    final = page.locator(".gt-msg-bot").last.inner_text()
    match = re.search(r"GT-[A-Z0-9]{4}-[A-Z0-9]{4}", final)
    assert match, final
    return match.group(0)


def test_medewerker_handles_a_contact_request_made_in_the_widget(browser, live) -> None:
    from bot.services import accounts, contact

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    try:
        open_widget(page, live)
        ask(page, "Hoe kan ik meedoen met een aanbesteding van de gemeente?")
        reference = complete_contact_form(page)
        request = contact.get_request(live.factory, reference)
        assert request.municipality == "dijkstede" and request.department
        accounts.create_user(live.factory, "m.bakker", PASSWORD, ["medewerker"], "M. Bakker",
                             request.municipality, request.department)

        login(page, live, "m.bakker")
        page.get_by_role("link", name="Contactverzoeken").click()
        page.get_by_role("link", name=reference).click()
        main = page.locator("main").inner_text()
        assert "Hoe kan ik meedoen met een aanbesteding van de gemeente?" in main  # the conversation
        assert "Test Persoon" in main and "06-12345678" in main
        page.get_by_label("Medewerker").select_option("m.bakker")
        page.get_by_role("button", name="Toewijzen").click()
        assert "Toegewezen aan m.bakker" in page.locator("main").inner_text()
        page.get_by_label("Notitie: wat heb je gedaan?").fill("Gebeld en uitgelegd hoe je inschrijft op TenderNed.")
        page.get_by_role("button", name="Afhandelen").click()
        page.wait_for_url("**/contactverzoeken")
        assert f"Verzoek {reference} is afgehandeld" in page.locator("main").inner_text()
        assert contact.get_request(live.factory, reference).status == "closed"
    finally:
        context.close()
