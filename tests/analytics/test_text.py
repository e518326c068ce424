"""Sentiment, language and topics: scores worked by hand, properties and refusals."""

from __future__ import annotations

import math
from importlib import resources

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tellus.analytics.text import detect_language, sentiment, sentiment_summary, topics
from tellus.analytics.validation import AnalyticsInputError


def lexicon(language: str) -> dict[str, float]:
    path = resources.files("tellus.analytics") / "data" / f"sentiment_{language}.tsv"
    rows = [
        line.split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    return {word: float(score) for word, score in rows}


def score_of(text: str, **kwargs: str) -> dict:
    return sentiment(pl.DataFrame({"text": [text]}), **kwargs).row(0, named=True)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- sentiment


def test_sentiment_by_hand_with_an_intensifier() -> None:
    # beautiful (+3) + very friendly (+2 × 1.5) = 6 -> tanh(6 / 4)
    row = score_of("The beach was beautiful and the staff very friendly")
    assert row["sentiment"] == pytest.approx(math.tanh(1.5))
    assert row["sentiment_label"] == "positive"
    assert row["positive_terms"] == ["beautiful", "friendly"]
    assert row["language"] == "en"


def test_negation_turns_a_word_to_half_its_opposite() -> None:
    row = score_of("Honestly it was not bad at all")
    assert row["sentiment"] == pytest.approx(math.tanh(1.0 / 4))
    assert row["positive_terms"] == ["not bad"]
    row = score_of("The guide wasn't helpful")
    assert row["sentiment"] == pytest.approx(math.tanh(-1.0 / 4))
    assert row["sentiment_label"] == "negative"
    # beyond three words the negation no longer reaches
    far = score_of("No, the hotel room and the breakfast were lovely")
    assert far["sentiment"] == pytest.approx(math.tanh(3.0 / 4))


def test_spanish_with_or_without_accents() -> None:
    accented = score_of("El hotel estaba sucio y el servicio fue pésimo")
    plain = score_of("el hotel estaba sucio y el servicio fue pesimo")
    assert accented["language"] == plain["language"] == "es"
    assert accented["sentiment"] == plain["sentiment"] == pytest.approx(math.tanh(-5.0 / 4))
    assert score_of("No me gustó nada la comida")["negative_terms"] == ["no gusto"]


def test_nulls_and_texts_without_sentiment_words() -> None:
    frame = pl.DataFrame({"text": [None, "", "ok", "Great"], "stage": ["a", "a", "b", "b"]})
    scored = sentiment(frame)
    assert scored.get_column("stage").to_list() == ["a", "a", "b", "b"]  # other columns kept
    assert scored.get_column("sentiment").to_list()[:3] == [None, None, 0.0]
    assert scored.get_column("sentiment_label").to_list() == [None, None, "neutral", "positive"]
    summary = sentiment_summary(scored, by="stage")
    assert summary.rows() == [("b", 2, pytest.approx(math.tanh(0.5) / 2), 50.0, 50.0, 0.0)]


def test_language_can_be_forced() -> None:
    # "terrible" is in both lexicons; forcing Spanish reads the English text with Spanish words
    row = score_of("the hotel was lovely", language="es")
    assert row["language"] == "es"
    assert row["sentiment"] == 0.0


def test_language_detection() -> None:
    frame = pl.DataFrame(
        {
            "text": [
                "We loved the walk along the river and the food was great",
                "Nos encantó el paseo por el río y la comida estaba muy rica",
                "Gracias!",
                None,
            ]
        }
    )
    assert detect_language(frame).to_list() == ["en", "es", "und", "und"]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_text_of_plain_lexicon_words_scores_tanh_of_their_sum(data: st.DataObject) -> None:
    language = data.draw(st.sampled_from(["en", "es"]))
    words = lexicon(language)
    chosen = data.draw(st.lists(st.sampled_from(sorted(words)), min_size=1, max_size=8))
    row = score_of(" ".join(chosen), language=language)
    assert row["sentiment"] == pytest.approx(math.tanh(sum(words[w] for w in chosen) / 4))
    assert -1 < row["sentiment"] < 1


def test_the_lexicons_are_well_formed() -> None:
    for language in ("en", "es"):
        words = lexicon(language)
        assert len(words) > 100
        assert all(-3 <= s <= 3 and s != 0 for s in words.values())
        assert any(s > 0 for s in words.values()) and any(s < 0 for s in words.values())


def test_sentiment_refuses_what_it_cannot_read() -> None:
    with pytest.raises(AnalyticsInputError, match="missing column"):
        sentiment(pl.DataFrame({"answer": ["good"]}))
    with pytest.raises(AnalyticsInputError, match="must hold text"):
        sentiment(pl.DataFrame({"text": [1, 2]}))
    with pytest.raises(AnalyticsInputError, match="longer than"):
        sentiment(pl.DataFrame({"text": ["good " * 5000]}))
    with pytest.raises(AnalyticsInputError, match="language must be"):
        sentiment(pl.DataFrame({"text": ["bon"]}), language="fr")  # type: ignore[arg-type]
    with pytest.raises(AnalyticsInputError, match="no text had any words"):
        sentiment_summary(sentiment(pl.DataFrame({"text": [None, ""]})))


# --------------------------------------------------------------------------- topics


THEMES = {
    "en": {
        "beach": [
            "the beach sand was clean and the sea warm",
            "beach and sea perfect for swimming, soft sand",
            "lovely sand on the beach, calm sea",
            "sea too cold but the beach sand was fine",
        ],
        "museum": [
            "the museum history exhibits were fascinating",
            "history museum with exhibits about the old town",
            "museum guide explained the history of the exhibits",
            "exhibits in the museum cover local history",
        ],
        "bus": [
            "the bus timetable was confusing and the bus late",
            "bus late again, timetable wrong",
            "no bus timetable at the stop and the bus was late",
            "timetable says hourly but the bus came late",
        ],
    },
    "es": {
        "beach": [
            "la playa tiene arena fina y el mar tranquilo",
            "arena y mar de la playa, ideal para nadar",
            "playa limpia, arena blanca y mar azul",
            "el mar estaba frío pero la playa y la arena bien",
        ],
        "museum": [
            "museo de historia con exposiciones interesantes",
            "las exposiciones del museo explican la historia",
            "el museo cuenta la historia local con buenas exposiciones",
            "historia del pueblo en las exposiciones del museo",
        ],
        "bus": [
            "el autobús llegó tarde y el horario confuso",
            "horario del autobús tarde otra vez",
            "el autobús no respeta el horario, siempre tarde",
            "autobús tarde y sin horario en la parada",
        ],
    },
}
KEYWORDS = {"beach": ("beach", "playa"), "museum": ("museum", "museo"), "bus": ("bus", "autobus")}


def corpus(language: str) -> pl.DataFrame:
    rows = [(theme, text) for theme, texts in THEMES[language].items() for text in texts]
    return pl.DataFrame(rows, schema=["theme", "text"], orient="row")


@pytest.mark.parametrize("language", ["en", "es"])
def test_topics_find_the_themes(language: str) -> None:
    frame = corpus(language)
    model = topics(frame, n_topics=3, n_terms=6, n_examples=2)
    assert model.topics.height == 3
    assert model.topics.get_column("weight_share").sum() == pytest.approx(1.0)
    assert model.topics.get_column("documents").sum() == frame.height
    # every theme lands in a topic of its own, and that topic's terms and examples name it
    found = frame.with_columns(topic=model.assignments.get_column("topic"))
    by_theme = found.group_by("theme").agg(pl.col("topic").unique())
    assert all(len(t) == 1 for t in by_theme.get_column("topic").to_list())
    assert by_theme.get_column("topic").list.first().n_unique() == 3
    for theme, topic in by_theme.select("theme", pl.col("topic").list.first()).iter_rows():
        row = model.topics.filter(pl.col("topic") == topic).row(0, named=True)
        assert any(k in row["top_terms"] for k in KEYWORDS[theme])
        assert all(example in THEMES[language][theme] for example in row["examples"])
        assert len(row["examples"]) == 2


def test_topics_of_mixed_languages_leave_out_function_words_of_both() -> None:
    frame = pl.concat([corpus("en"), corpus("es")])
    model = topics(frame, n_topics=6, n_terms=10)
    terms = {t for ts in model.topics.get_column("top_terms").to_list() for t in ts}
    words = {w for t in terms for w in t.split()}
    assert not words & {"the", "and", "was", "el", "la", "del", "de", "y"}
    assert {"playa", "beach", "museo", "museum"} <= terms


def test_topics_are_reproducible_and_skip_empty_texts() -> None:
    frame = pl.concat([corpus("en").select("text"), pl.DataFrame({"text": [None, "  "]})])
    first = topics(frame, n_topics=3, seed=5)
    second = topics(frame, n_topics=3, seed=5)
    assert first.topics.equals(second.topics)
    assert first.assignments.get_column("topic").to_list()[-2:] == [None, None]


def test_topics_refuse_too_little_text_and_bad_parameters() -> None:
    with pytest.raises(AnalyticsInputError, match="cannot make 3 topic"):
        topics(pl.DataFrame({"text": ["beach", "museum"]}), n_topics=3)
    with pytest.raises(AnalyticsInputError, match="no term appears"):
        topics(pl.DataFrame({"text": ["beach one", "museum two", "bus three"]}), n_topics=2)
    with pytest.raises(AnalyticsInputError, match="n_topics"):
        topics(corpus("en"), n_topics=0)
    with pytest.raises(AnalyticsInputError, match="must hold text"):
        topics(pl.DataFrame({"text": [1.0, 2.0, 3.0]}), n_topics=2)
