"""The one registry of the eight topics and their sub-answers.

Everything the assistant knows *per topic* lives here: the intent, the label used in a
sentence, the button title, the default sub-answer, what to have ready for the desk, the
keywords that detect the topic in free text, the glossary topics that belong to it, and per
sub-answer: which local details of the municipality profile it shows and which national
organisation (TenderNed, KVK, UWV, Omgevingsloket) or regional desk a contact card names.

Routing, profile validation, the clarifying question, default sub-answers and local details
all read from ``TOPICS``. The sub-answer keys are the retrieval keys that the NLU produces
(``ask_procurement/become_supplier`` in ``data/nlu/procurement.yml``) and the response names
in the domain (``utter_ask_procurement/become_supplier``); ``tests/bot/services/test_topics.py``
compares this registry with both, so a key cannot drift.

Pure Python: no Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Local details a sub-answer can show from the municipality profile (profile field names).
PROCUREMENT_BANDS = "procurement_bands"
SUBSIDY_SCHEMES = "subsidy_schemes"
NETWORKS = "networks"


@dataclass(frozen=True)
class SubAnswer:
    key: str
    # Profile field whose items are shown after the answer (None: no local details).
    local_details: str | None = None
    # National organisations that are *the* place to go (the card leads with them).
    national: tuple[str, ...] = ()
    # National organisations named on the card under "Ook handig".
    also_national: tuple[str, ...] = ()
    # The regional werkgeversservicepunt leads the card (hiring support).
    regional_desk_first: bool = False


@dataclass(frozen=True)
class Topic:
    key: str
    label: str  # used in a sentence: "... gaat over {label}"
    title: str  # a button title
    default_subanswer: str  # when NLU gives no sub-answer (e.g. after a topic button)
    prepare: tuple[str, ...]  # what to have ready, when the department gives nothing
    keywords: str  # regular expression: the topic is mentioned in free text
    glossary_topics: tuple[str, ...] = ()  # glossary entry topics that route to this topic
    subanswers: dict[str, SubAnswer] = field(default_factory=dict)

    @property
    def intent(self) -> str:
        return f"ask_{self.key}"

    @property
    def intent_payload(self) -> str:
        """The button payload that asks this topic (``/ask_procurement``)."""
        return f"/{self.intent}"

    def subanswer(self, key: str | None) -> SubAnswer | None:
        return self.subanswers.get(key or "")


def _subs(*items: SubAnswer) -> dict[str, SubAnswer]:
    return {s.key: s for s in items}


_TOPICS = (
    Topic(
        "procurement",
        label="opdrachten van de gemeente (inkoop en aanbesteden)",
        title="Opdrachten van de gemeente",
        default_subanswer="how_it_works",
        prepare=("je KVK-nummer", "de naam of het nummer van de opdracht"),
        keywords=r"aanbested|inkoop|inschrijv\w* op|offerte|tender|opdracht(en)? (van|voor|bij) |meedoen met (de |een )?opdracht|leverancier",
        glossary_topics=("procurement",),
        subanswers=_subs(
            SubAnswer("how_it_works", local_details=PROCUREMENT_BANDS),
            SubAnswer("thresholds", local_details=PROCUREMENT_BANDS),
            SubAnswer("become_supplier", local_details=PROCUREMENT_BANDS, also_national=("tenderned",)),
            SubAnswer("bidding", also_national=("tenderned",)),
            SubAnswer("after_award"),
            SubAnswer("reserved_contracts"),
        ),
    ),
    Topic(
        "social_return",
        label="social return",
        title="Social return",
        default_subanswer="what_is",
        prepare=("het nummer van de opdracht", "het bedrag van je social-returnverplichting"),
        keywords=r"social return|sroi|prestatieladder|\bpso\b|voorbehouden opdracht",
        subanswers=_subs(
            SubAnswer("what_is"),
            SubAnswer("percentage"),
            SubAnswer("fulfil"),
            SubAnswer("buy_social"),
            SubAnswer("pso"),
            SubAnswer("mvi"),
        ),
    ),
    Topic(
        "subsidy",
        label="subsidies",
        title="Subsidie",
        default_subanswer="find_scheme",
        prepare=("de naam van de regeling", "een begroting van je plan"),
        keywords=r"subsidie|\bfonds|bijdrage van de gemeente|regeling voor geld",
        glossary_topics=("subsidy",),
        subanswers=_subs(
            SubAnswer("find_scheme", local_details=SUBSIDY_SCHEMES),
            SubAnswer("apply", local_details=SUBSIDY_SCHEMES),
            SubAnswer("decision"),
            SubAnswer("payment"),
            SubAnswer("objection"),
            SubAnswer("de_minimis"),
        ),
    ),
    Topic(
        "hiring_support",
        label="mensen in dienst nemen met steun van de gemeente",
        title="Personeel met steun",
        default_subanswer="employer_desk",
        prepare=("wat voor werk je hebt en hoeveel uur per week", "je KVK-nummer"),
        keywords=r"personeel|in dienst|loonkostensubsidie|jobcoach|proefplaats|afstand tot (de )?(arbeidsmarkt|werk)|statushouder|werkzoekend|mensen aannemen|iemand aannemen|werkgever",
        glossary_topics=("social_domain",),
        subanswers=_subs(
            SubAnswer("wage_subsidy"),
            SubAnswer("jobcoach"),
            SubAnswer("trial_placement"),
            SubAnswer("no_risk", national=("uwv",)),
            SubAnswer("target_register", national=("uwv",)),
            SubAnswer("employer_desk", regional_desk_first=True),
            SubAnswer("refugees"),
        ),
    ),
    Topic(
        "permit",
        label="vergunningen",
        title="Vergunningen",
        default_subanswer="which_permit",
        prepare=("het adres van de plek", "een tekening of foto's van je plan"),
        keywords=r"vergunning|omgevings|bestemmingsplan|terras|evenement|verbouw|\bpand\b|locatie|bedrijfsruimte|milieu",
        glossary_topics=("permits",),
        subanswers=_subs(
            SubAnswer("which_permit", also_national=("omgevingsloket",)),
            SubAnswer("zoning"),
            SubAnswer("events"),
            SubAnswer("terrace"),
            SubAnswer("alcohol"),
        ),
    ),
    Topic(
        "starting_business",
        label="een bedrijf starten",
        title="Een bedrijf starten",
        default_subanswer="starter_help",
        prepare=("een korte beschrijving van je idee", "je KVK-nummer als je dat al hebt"),
        keywords=r"\bstarten\b|\bstart\b|beginnen|oprichten|\bkvk\b|inschrijven bij|rechtsvorm|ondernemingsplan|\bbbz\b",
        glossary_topics=("business",),
        subanswers=_subs(
            SubAnswer("register", national=("kvk",)),
            SubAnswer("legal_form", national=("kvk",)),
            SubAnswer("bbz", also_national=("kvk",)),
            SubAnswer("social_enterprise", local_details=NETWORKS, also_national=("kvk",)),
            SubAnswer("starter_help", local_details=NETWORKS, also_national=("kvk",)),
        ),
    ),
    Topic(
        "network",
        label="netwerken voor ondernemers",
        title="Netwerken en hulp",
        default_subanswer="find_network",
        prepare=("een korte beschrijving van je onderneming",),
        keywords=r"netwerk|incubator|broedplaats|mentor|meetup|bijeenkomst voor ondernemers",
        subanswers=_subs(
            SubAnswer("find_network", local_details=NETWORKS),
            SubAnswer("incubator", local_details=NETWORKS),
            SubAnswer("training", local_details=NETWORKS),
            SubAnswer("mentor", local_details=NETWORKS),
            SubAnswer("meetups", local_details=NETWORKS),
        ),
    ),
    Topic(
        "municipality_process",
        label="hoe de gemeente beslist",
        title="Hoe de gemeente beslist",
        default_subanswer="who_decides",
        prepare=("het onderwerp of het raadsvoorstel waar je vraag over gaat",),
        keywords=r"gemeenteraad|\braad\b|wethouder|college van|begroting|inspreken|raadsvoorstel",
        glossary_topics=("organisation",),
        subanswers=_subs(
            SubAnswer("who_decides"),
            SubAnswer("alderman"),
            SubAnswer("budget"),
            SubAnswer("why_slow"),
            SubAnswer("speak_up"),
            SubAnswer("right_to_challenge"),
        ),
    ),
)

TOPICS: dict[str, Topic] = {t.key: t for t in _TOPICS}
TOPIC_KEYS: tuple[str, ...] = tuple(TOPICS)
INTENTS: dict[str, str] = {t.intent: t.key for t in _TOPICS}


def topic_for_intent(intent: str | None) -> str | None:
    """``ask_procurement`` or ``ask_procurement/thresholds`` -> ``procurement``."""
    if not intent:
        return None
    return INTENTS.get(intent.split("/", 1)[0])


def topic_for_glossary(glossary_topic: str | None) -> str | None:
    """The conversation topic for a glossary entry's topic (``social_domain`` -> hiring_support)."""
    for topic in _TOPICS:
        if glossary_topic and glossary_topic in topic.glossary_topics:
            return topic.key
    return None


def subanswer_ids() -> list[str]:
    """Every ``topic/subkey`` the assistant can answer (profile validation, tests)."""
    return [f"{t.key}/{s}" for t in _TOPICS for s in t.subanswers]


def is_subanswer(topic: str, subkey: str) -> bool:
    return topic in TOPICS and subkey in TOPICS[topic].subanswers
