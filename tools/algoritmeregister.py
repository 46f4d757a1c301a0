"""Write ``docs/algoritmeregister.md``: the assistant described as an entry in the
Algoritmeregister van de Nederlandse overheid, generated from the real sources so it cannot
drift: the NLU pipeline and policies in ``config.yml``, the retention period of
``bot.services.contact``, the measured accuracy in ``reports/nlu.json`` (``make eval``), the
topic registry and the dated facts.

    python -m tools.algoritmeregister           # (re)write docs/algoritmeregister.md
    python -m tools.algoritmeregister --check   # exit 1 when the committed file is out of date

``tests/tools/test_algoritmeregister.py`` fails when the committed file differs from the
generated one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "algoritmeregister.md"
REPORT = ROOT / "reports" / "nlu.json"
CONFIG = ROOT / "config.yml"

COMPONENTS_NL = {
    "SpacyNLP": "SpacyNLP: Nederlandse taalkennis van spaCy (woorden en hun stam)",
    "SpacyTokenizer": "SpacyTokenizer: knipt de zin in woorden",
    "RegexFeaturizer": "RegexFeaturizer: herkent vaste patronen en woorden uit de woordenlijst",
    "LexicalSyntacticFeaturizer": "LexicalSyntacticFeaturizer: kenmerken van woorden (hoofdletters, begin en eind van de zin)",
    "CountVectorsFeaturizer": "CountVectorsFeaturizer: telt woorden",
    "DIETClassifier": "DIETClassifier: een klein neuraal netwerk dat het onderwerp (intent) en begrippen herkent",
    "EntitySynonymMapper": "EntitySynonymMapper: zet een ander woord om naar de officiële term",
    "RegexEntityExtractor": "RegexEntityExtractor: vindt begrippen uit de woordenlijst en namen van "
    "gemeenten in de zin (vaste lijsten, geen gok)",
    "bot.plugins.linear_nlu.LinearIntentClassifier": "LinearIntentClassifier: twee eenvoudige "
    "rekenmodellen (lineaire modellen, geen neuraal netwerk) die het onderwerp (intent) en het "
    "deelantwoord kiezen, op stukjes van 1 tot 4 letters en op woorden; het zegt ook hoe zeker het is",
    "ResponseSelector": "ResponseSelector: kiest het deelantwoord binnen een onderwerp",
    "bot.plugins.known_examples.KnownExampleClassifier": "KnownExampleClassifier: een zin die "
    "letterlijk in de trainingsvoorbeelden staat (ook een vraag die een redacteur in de inbox koppelde), "
    "krijgt het antwoord waarvoor hij geschreven is",
    "FallbackClassifier": "FallbackClassifier: bij twijfel vraagt de assistent wat je bedoelt",
    "MemoizationPolicy": "MemoizationPolicy: volgt gesprekken die precies zo in de voorbeelden staan",
    "RulePolicy": "RulePolicy: vaste regels (vraag, antwoord, contactkaart)",
}


def _component(comp: dict[str, Any]) -> str:
    name = comp["name"]
    text = COMPONENTS_NL.get(name, name)
    if name == "CountVectorsFeaturizer" and comp.get("analyzer") == "char_wb":
        text = (
            f"CountVectorsFeaturizer: telt stukjes van {comp.get('min_ngram')} tot "
            f"{comp.get('max_ngram')} letters (helpt bij tikfouten)"
        )
    if "epochs" in comp:
        text += f" ({comp['epochs']} trainingsrondes)"
    if name == "FallbackClassifier":
        text += f" (drempel {comp.get('threshold')}, twijfelmarge {comp.get('ambiguity_threshold')})"
    return text


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.1f}%".replace(".", ",")


def accuracy_section(report: dict[str, Any] | None) -> list[str]:
    if not report:
        return ["Nog niet gemeten: draai `make eval` (schrijft `reports/nlu.json`)."]
    meta, targets = report["meta"], report["targets"]
    chosen_name = next(iter(report["pipelines"]))
    chosen = report["pipelines"][chosen_name]
    sets = chosen["sets"]
    base = next((p for n, p in report["pipelines"].items() if n.startswith("baseline")), None)
    lines = [
        f"Gemeten met `make eval` op een eindtoets van {meta['final_examples']} nieuwe zinnen "
        "(`tests/nlu/final_set.yml`), geschreven zonder de trainingsvoorbeelden te zien en nooit "
        f"gebruikt om keuzes te maken (tot nu toe {meta['final_set_runs']} keer gemeten). "
        f"Getraind op {meta['train_examples']} voorbeeldzinnen.",
        "",
        "| Wat | Gemeten | Doel | Standaard-pijplijn van Rasa |",
        "|---|---|---|---|",
    ]
    labels = {
        "final_accuracy": "Onderwerp goed herkend",
        "final_typos_accuracy": "Onderwerp goed herkend, met een tikfout per zin",
        "final_oos_recall": "Vraag buiten de taak herkend (of doorgevraagd)",
    }
    for key, label in labels.items():
        t = targets[key]
        lines.append(f"| {label} | {_pct(t['value'])} | {_pct(t['target'])} | {_pct(t['baseline'])} |")
    sub = (chosen.get("subanswers") or {}).get("final")
    if sub:
        lines.append(f"| Juiste deelantwoord binnen het onderwerp | {_pct(sub['accuracy'])} | - | - |")
    fb = sets["final"]["deployed"]["fallback_rate"]
    lines += [
        "",
        f"Bij {_pct(fb)} van de zinnen van de eindtoets twijfelde de assistent en vroeg hij wat je "
        "bedoelt. Ter vergelijking: op de selectieset (gebruikt om de pijplijn te kiezen) was de "
        f"herkenning {_pct(sets['selection']['accuracy'])}."
    ]
    if base:
        own = base["sets"]["final"]["oos_recall_at"].get("own", {})
        lines.append(
            f"De standaard-pijplijn van Rasa herkent vragen buiten de taak bij zijn eigen drempel "
            f"({own.get('threshold')}) in {_pct(own.get('recall'))} van de gevallen."
        )
    lines += ["", "Alle cijfers: `reports/nlu.md` en `reports/nlu.json`."]
    return lines


def render(root: Path = ROOT) -> str:
    from bot.services import facts, topics
    from bot.services.contact import DEFAULT_RETENTION_DAYS
    from glossary.io import read_entries

    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))
    report_path = root / "reports" / "nlu.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else None
    entries = read_entries(root / "glossary" / "terms")
    dated = facts.collect(root).facts
    topic_labels = ", ".join(t.label for t in topics.TOPICS.values())
    pipeline = "\n".join(f"{i}. {_component(c)}" for i, c in enumerate(config["pipeline"], start=1))
    policies = "\n".join(f"- {_component(c)}" for c in config.get("policies") or [])
    lines = [
        "# Algoritmeregister: Gemeentetolk",
        "",
        "<!-- GENERATED by `python -m tools.algoritmeregister` from config.yml, bot/services/contact.py, "
        "reports/nlu.json, bot/services/topics.py, glossary/terms and the dated facts. Do not edit by "
        "hand: change the sources and run the command again. -->",
        "",
        "Deze beschrijving volgt de opbouw van het Algoritmeregister van de Nederlandse overheid. "
        "Een gemeente die Gemeentetolk gebruikt, kan haar eigen registratie hierop baseren.",
        "",
        "## Algemene informatie",
        "",
        "- **Naam:** Gemeentetolk",
        "- **Korte omschrijving:** een chatassistent op de website van de gemeente. Hij legt "
        "(sociaal) ondernemers in gewone woorden uit hoe de gemeente werkt en vertelt bij wie "
        "ze terechtkunnen. Het hart is een woordenlijst tussen ambtelijke taal en ondernemerstaal.",
        f"- **Onderwerpen:** {topic_labels}.",
        "- **Soort algoritme:** regels en een getrainde taalherkenner (Rasa Open Source). "
        "**Geen generatief model**: de assistent schrijft zelf geen teksten. Elk antwoord is "
        "vooraf geschreven en gecontroleerd door mensen.",
        "- **Status:** in ontwikkeling. De voorbeeldgemeenten Dijkstede en Vlietmonde zijn verzonnen.",
        "",
        "## Doel en impact",
        "",
        "Ondernemers vinden sneller de juiste uitleg en de juiste afdeling. Medewerkers krijgen "
        "betere vragen binnen. De assistent neemt geen besluiten over mensen of aanvragen.",
        "",
        "**Wat het wel doet**",
        "",
        "- het onderwerp van een vraag herkennen en een vooraf geschreven antwoord geven, met de bron;",
        "- één ambtelijk woord per antwoord uitleggen, en een woord uitleggen als je erom vraagt;",
        "- een contactkaart tonen: welke afdeling, waarom, hoe je ze bereikt en wat je klaarlegt;",
        "- een contactverzoek doorgeven als je dat zelf wilt en toestemming geeft.",
        "",
        "**Wat het niet doet**",
        "",
        "- geen besluiten, geen advies over jouw persoonlijke situatie, geen beoordeling van aanvragen;",
        "- geen profilering: de assistent koppelt gesprekken niet aan personen of andere gegevens;",
        "- geen generatieve AI: hij verzint geen antwoorden;",
        "- geen verlopen bedragen als actueel noemen: een bedrag of regel heeft een geldigheid. "
        "Is die voorbij, dan zegt de assistent tot wanneer het gold en waar je het actuele vindt.",
        "",
        "## Menselijke tussenkomst",
        "",
        "Je kunt altijd een medewerker bereiken. Typ bijvoorbeeld \"ik wil iemand spreken\". Je "
        "krijgt dan de contactgegevens van de juiste afdeling (telefoon, e-mail, openingstijden) of "
        "je laat een contactverzoek achter. Weet de assistent het niet zeker, dan vraagt hij wat je "
        "bedoelt of verwijst hij je door. Medewerkers controleren de antwoorden met "
        "`gemeentetolk review` voordat een wijziging live gaat.",
        "",
        "## Gegevens",
        "",
        "- **Gesprekken** (wat je typt en wat de assistent antwoordt) in de gespreksdatabase van Rasa;",
        "- **contactverzoeken**: naam, e-mailadres, eventueel telefoonnummer, je vraag in het kort "
        "en het moment van je toestemming (alleen als je zelf een verzoek doet);",
        "- **woorden die de woordenlijst nog niet kent** (alleen het woord en hoe vaak het werd "
        "gevraagd), zodat redacteuren ze kunnen toevoegen.",
        "",
        f"**Bewaartermijn:** gesprekken en contactverzoeken worden na {DEFAULT_RETENTION_DAYS} dagen "
        f"verwijderd (`gemeentetolk purge --older-than {DEFAULT_RETENTION_DAYS}`, dagelijks). "
        "De gegevens blijven bij de gemeente: de assistent stuurt niets naar andere partijen.",
        "",
        "## Technische werking",
        "",
        "Elke zin gaat door deze stappen (`config.yml`):",
        "",
        pipeline,
        "",
        "Daarna kiest de dialoog de volgende stap met:",
        "",
        policies,
        "",
        "De antwoorden staan in `bot/domain/`, de woordenlijst in `glossary/terms/` "
        f"({len(entries)} begrippen), de gemeenten in `data/municipalities/`. "
        f"{len(dated)} bedragen, termijnen en regels hebben een geldigheid, een bron en een "
        "datum van laatste controle (`gemeentetolk facts`).",
        "",
        "## Gemeten nauwkeurigheid",
        "",
        *accuracy_section(report),
        "",
        "## Wie onderhoudt de kennis",
        "",
        "- **Redacteuren** (communicatie) beheren de woordenlijst en de teksten in de werkplek (Beheer).",
        "- **Vakinhoudelijke medewerkers** (inkoop, subsidies, werk en inkomen, vergunningen) "
        "controleren de feiten en hun bronnen. `gemeentetolk facts` toont wat binnen 90 dagen "
        "verloopt; een verlopen of meer dan een jaar niet gecontroleerd feit laat de tests falen.",
        "- **Elke gemeente** houdt haar eigen profiel bij: afdelingen, contactgegevens, eigen "
        "regelingen en eigen teksten bij een landelijk antwoord.",
        "",
        "## Bronnen",
        "",
        "- Antwoorden: wetten en landelijke bronnen, per antwoord genoemd (bijvoorbeeld "
        "Aanbestedingswet 2012, Algemene wet bestuursrecht, PIANOo, UWV, KVK); overzicht in "
        "`docs/fact-sources.md`.",
        "- Woordenlijst: NL-SBB (het Nederlandse profiel van SKOS) voor begrippen.",
        "- Software: Rasa Open Source 3.6, spaCy 3.4.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.algoritmeregister",
        description="Schrijft docs/algoritmeregister.md uit config.yml, de bewaartermijn en reports/nlu.json.",
        epilog="Voorbeeld: python -m tools.algoritmeregister --check",
    )
    parser.add_argument("--check", action="store_true", help="alleen controleren of het bestand actueel is")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print("docs/algoritmeregister.md is niet actueel: draai python -m tools.algoritmeregister")
            return 1
        print("docs/algoritmeregister.md is actueel.")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"Geschreven: {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
