from bot.services.linear_nlu import Features, Sentence
from bot.services.spelling import Corrector
from glossary.text import known_words

TRAINING = ["ik wil subsidie aanvragen", "hoe werkt subsidie", "dank je wel", "onderneming starten"]


def test_an_unknown_word_one_edit_away_becomes_the_training_word():
    c = Corrector.fit(TRAINING)
    assert c.text("Sbusidie voor mijn ondenreming?") == "subsidie voor mijn onderneming?"


def test_known_short_numeric_and_dictionary_words_are_kept():
    c = Corrector.fit(TRAINING)
    # "denk" is one edit from the training word "dank", but it is Dutch: the lexicon keeps it.
    assert "denk" in known_words()
    assert c.text("ik denk 2025 wl") == "ik denk 2025 wl"


def test_without_a_lexicon_the_dictionary_word_would_be_changed():
    c = Corrector({"dank": 3}, lexicon=frozenset())
    assert c.word("denk") == "dank"


def test_the_most_frequent_candidate_wins():
    c = Corrector({"plan": 5, "plat": 1}, lexicon=frozenset())
    assert c.word("plam") == "plan"


def test_features_correct_typos_and_keep_the_vocabulary_through_json():
    f = Features()
    f.fit_transform([Sentence(t) for t in TRAINING])
    clean = f.transform([Sentence("subsidie aanvragen")]).toarray()
    typo = f.transform([Sentence("sbusidie aanvragen")]).toarray()
    assert (clean == typo).all()
    loaded = Features.from_json(f.to_json())
    assert (loaded.transform([Sentence("sbusidie aanvragen")]).toarray() == clean).all()
