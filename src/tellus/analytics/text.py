"""Insight from free text: topics and sentiment of survey answers, comments and ideas.

Topics: TF-IDF with non-negative matrix factorisation (scikit-learn), which
gives additive, readable topics (a list of terms and the texts that weigh
most on each) and runs in seconds on a DMO's yearly answers.

Sentiment: a lexicon of our own for English and Spanish (``data/``), with
negation and intensifiers. Nothing is downloaded at run time, a self-hosted
instance needs no network, and every score can be explained by the words that
produced it (``positive_terms``, ``negative_terms``), which staff can check
and the DMO can extend. A model fitted on the DMO's data would need labelled
answers that DMOs do not have.

Language detection counts function words that belong to one language only:
survey answers are short and, for a DMO, in a handful of known languages, so
this is reliable for a sentence or more, says ``"und"`` (undetermined) when
unsure, and needs no model.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import polars as pl
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from tellus.analytics.validation import AnalyticsInputError, require_columns, require_parameter

__all__ = [
    "LANGUAGES",
    "TopicModel",
    "detect_language",
    "sentiment",
    "sentiment_summary",
    "topics",
]

LANGUAGES = ("en", "es")
MAX_TEXT_CHARS = 20_000
MAX_DOCUMENTS = 5_000_000
POSITIVE_AT = 0.2

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_NEGATORS = {
    "en": {"not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without",
           "hardly", "barely", "cannot"},
    "es": {"no", "nunca", "jamas", "ni", "sin", "tampoco", "nada", "nadie", "ningun",
           "ninguno", "ninguna"},
}  # fmt: skip
_INTENSIFIERS = {
    "en": {"very", "really", "so", "extremely", "incredibly", "super", "truly", "absolutely",
           "too", "totally"},
    "es": {"muy", "super", "realmente", "tan", "demasiado", "bastante", "extremadamente",
           "totalmente", "sumamente"},
}  # fmt: skip
NEGATION_REACH = 3
INTENSITY = 1.5


def _fold(word: str) -> str:
    """Lower case without accents, so that "Increíble" and "increible" match."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(text: str) -> list[str]:
    return [_fold(t) for t in _WORD.findall(text.replace("’", "'"))]


def _data_lines(name: str) -> list[str]:
    text = (resources.files("tellus.analytics") / "data" / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def _lexicon(language: str) -> dict[str, float]:
    entries = {}
    for line in _data_lines(f"sentiment_{language}.tsv"):
        word, score = line.split("\t")
        entries[_fold(word)] = float(score)
    return entries


@cache
def _stop_words() -> dict[str, frozenset[str]]:
    english = frozenset(_fold(w) for w in ENGLISH_STOP_WORDS)
    spanish = frozenset(_fold(w) for w in _data_lines("stopwords_es.txt"))
    return {"en": english, "es": spanish}


@cache
def _distinctive() -> dict[str, frozenset[str]]:
    words = _stop_words()
    return {"en": words["en"] - words["es"], "es": words["es"] - words["en"]}


def _language_of(tokens: list[str]) -> str:
    marks = _distinctive()
    en = sum(t in marks["en"] for t in tokens)
    es = sum(t in marks["es"] for t in tokens)
    if en == es:
        return "und"
    return "en" if en > es else "es"


def _texts(frame: pl.DataFrame, text: str) -> list[str | None]:
    require_columns(frame, [text], what="texts")
    series = frame.get_column(text)
    if series.dtype not in (pl.String, pl.Null):
        raise AnalyticsInputError(f"texts: column {text!r} must hold text, not {series.dtype}")
    if frame.height > MAX_DOCUMENTS:
        raise AnalyticsInputError(
            f"texts: {frame.height:,} rows is more than the {MAX_DOCUMENTS:,} one call accepts"
        )
    lengths = series.str.len_chars() if series.dtype == pl.String else pl.Series([0])
    longest = int(lengths.fill_null(0).max() or 0)  # type: ignore[arg-type]
    if longest > MAX_TEXT_CHARS:
        raise AnalyticsInputError(
            f"texts: a text of {longest:,} characters is longer than the {MAX_TEXT_CHARS:,} "
            "accepted; split or trim it first"
        )
    return series.to_list()


def detect_language(frame: pl.DataFrame, *, text: str = "text") -> pl.Series:
    """``"en"``, ``"es"`` or ``"und"`` per row (null text: ``"und"``); see the module docstring."""
    return pl.Series(
        "language",
        [_language_of(_tokens(t)) if t else "und" for t in _texts(frame, text)],
        dtype=pl.String,
    )


def _score(tokens: list[str], language: str) -> tuple[float, list[str], list[str]]:
    lexicon = _lexicon(language)
    negators, intensifiers = _NEGATORS[language], _INTENSIFIERS[language]
    total = 0.0
    positive: list[str] = []
    negative: list[str] = []
    negated_until, negator, boost = -1, "", 1.0
    for i, token in enumerate(tokens):
        if token in negators or token.endswith("n't"):
            negated_until, negator = i + NEGATION_REACH, token
            continue
        if token in intensifiers:
            boost = INTENSITY
            continue
        worth = lexicon.get(token)
        if worth is None:
            boost = 1.0
            continue
        worth *= boost
        boost = 1.0
        if i <= negated_until:
            worth = -0.5 * worth  # "not bad" is mildly good, not as good as "good"
            token = f"{negator} {token}"
        total += worth
        (positive if worth > 0 else negative).append(token)
    return math.tanh(total / 4.0), positive, negative


def sentiment(
    frame: pl.DataFrame,
    *,
    text: str = "text",
    language: Literal["auto", "en", "es"] = "auto",
) -> pl.DataFrame:
    """Score the sentiment of each text, keeping the frame's other columns.

    Adds ``language`` (detected, or as given), ``sentiment`` in [-1, 1]
    (tanh of the summed word scores / 4, so one strong word gives about
    ±0.6), ``sentiment_label`` (positive from +0.2, negative from -0.2,
    neutral between) and the ``positive_terms`` / ``negative_terms`` that
    decided it (a negated word with its negator: "not bad"). A negator (not,
    no, never, nunca, sin ...) turns the next three words to half their
    opposite; an intensifier (very, muy ...)
    multiplies the next word by 1.5. Texts of undetermined language are
    scored with the English and Spanish lexicons together (the one that finds
    more words wins). Null or empty texts get null scores.
    """
    if language not in ("auto", *LANGUAGES):
        raise AnalyticsInputError(f"language must be 'auto', 'en' or 'es', not {language!r}")
    texts = _texts(frame, text)
    languages: list[str] = []
    scores: list[float | None] = []
    labels: list[str | None] = []
    positives: list[list[str]] = []
    negatives: list[list[str]] = []
    for value in texts:
        tokens = _tokens(value) if value else []
        lang = language if language != "auto" else _language_of(tokens) if tokens else "und"
        if not tokens:
            languages.append(lang)
            scores.append(None)
            labels.append(None)
            positives.append([])
            negatives.append([])
            continue
        if lang == "und":
            results = [_score(tokens, candidate) for candidate in LANGUAGES]
            score, pos, neg = max(results, key=lambda r: len(r[1]) + len(r[2]))
        else:
            score, pos, neg = _score(tokens, lang)
        languages.append(lang)
        scores.append(score)
        labels.append(
            "positive"
            if score >= POSITIVE_AT
            else "negative"
            if score <= -POSITIVE_AT
            else "neutral"
        )
        positives.append(pos)
        negatives.append(neg)
    return frame.with_columns(
        pl.Series("language", languages, dtype=pl.String),
        pl.Series("sentiment", scores, dtype=pl.Float64),
        pl.Series("sentiment_label", labels, dtype=pl.String),
        pl.Series("positive_terms", positives, dtype=pl.List(pl.String)),
        pl.Series("negative_terms", negatives, dtype=pl.List(pl.String)),
    )


def sentiment_summary(scored: pl.DataFrame, *, by: str | Sequence[str] = ()) -> pl.DataFrame:
    """Per group of a ``sentiment`` result: ``texts``, ``mean_sentiment`` and the shares
    (%) of ``positive``, ``neutral`` and ``negative`` texts (texts without words left out)."""
    columns = [by] if isinstance(by, str) else list(by)
    require_columns(scored, ["sentiment", "sentiment_label", *columns], what="scored texts")
    rows = scored.filter(pl.col("sentiment").is_not_null())
    if rows.height == 0:
        raise AnalyticsInputError("scored texts: no text had any words to score")
    share = {
        label: 100.0 * (pl.col("sentiment_label") == label).mean()
        for label in ("positive", "neutral", "negative")
    }
    grouped = rows.group_by(columns or pl.lit(0).alias("_all"), maintain_order=True).agg(
        texts=pl.len().cast(pl.Int64), mean_sentiment=pl.col("sentiment").mean(), **share
    )
    return grouped.sort(columns) if columns else grouped.drop("_all")


# --------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class TopicModel:
    """Topics found in a set of texts.

    ``topics``: ``topic`` (0-based), ``top_terms`` (most weighted first),
    ``documents`` (texts whose strongest topic it is), ``weight_share`` (its
    share of all topic weight) and ``examples`` (the texts that weigh most
    on it). ``assignments``: one row per input row: ``row``, ``topic`` (null
    for a text with no known term) and ``strength`` (its weight on it).
    """

    topics: pl.DataFrame
    assignments: pl.DataFrame
    reconstruction_error: float


def topics(
    frame: pl.DataFrame,
    *,
    text: str = "text",
    n_topics: int = 8,
    n_terms: int = 10,
    n_examples: int = 3,
    min_df: int = 2,
    max_features: int = 20_000,
    seed: int = 0,
) -> TopicModel:
    """Topics of a set of texts by TF-IDF and NMF (scikit-learn).

    Texts are lower-cased and stripped of accents; English and Spanish
    function words are removed together (answers of one survey mix the two);
    terms are words and two-word phrases found in at least ``min_df`` texts
    and in at most 95 % of them. NMF starts from NNDSVDa, so with the same
    ``seed`` the topics are the same. Null and empty texts get no topic.
    """
    require_parameter("n_topics", n_topics, low=1, high=200, integer=True)
    require_parameter("n_terms", n_terms, low=1, high=100, integer=True)
    require_parameter("n_examples", n_examples, low=0, high=100, integer=True)
    require_parameter("min_df", min_df, low=1, integer=True)
    require_parameter("max_features", max_features, low=10, high=1_000_000, integer=True)
    texts = _texts(frame, text)
    present = [i for i, t in enumerate(texts) if t and t.strip()]
    if len(present) < max(n_topics, 2):
        raise AnalyticsInputError(
            f"texts: {len(present)} non-empty text(s) cannot make {n_topics} topic(s)"
        )
    stop = sorted(_stop_words()["en"] | _stop_words()["es"])
    vectorizer = TfidfVectorizer(
        strip_accents="unicode",
        lowercase=True,
        stop_words=stop,
        token_pattern=r"(?u)\b[^\W\d_]{2,}\b",  # noqa: S106 (a pattern, not a password)
        ngram_range=(1, 2),
        min_df=min_df,
        max_df=0.95,
        max_features=max_features,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform([texts[i] for i in present])
    except ValueError as error:  # no term survives the document-frequency limits
        raise AnalyticsInputError(f"texts: no term appears in {min_df} or more texts") from error
    if matrix.shape[1] < n_topics:
        raise AnalyticsInputError(
            f"texts: {matrix.shape[1]} distinct term(s) cannot make {n_topics} topic(s)"
        )
    model = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    terms = vectorizer.get_feature_names_out()
    strongest = weights.argmax(axis=1)
    has_terms = weights.sum(axis=1) > 0
    totals = weights.sum(axis=0)
    grand = totals.sum() or 1.0
    rows = []
    for k in range(n_topics):
        order = np.argsort(model.components_[k])[::-1][:n_terms]
        best = np.argsort(weights[:, k])[::-1][:n_examples]
        rows.append(
            {
                "topic": k,
                "top_terms": [str(terms[j]) for j in order if model.components_[k, j] > 0],
                "documents": int(np.sum((strongest == k) & has_terms)),
                "weight_share": float(totals[k] / grand),
                "examples": [texts[present[i]] for i in best if weights[i, k] > 0],
            }
        )
    topic_of: list[int | None] = [None] * len(texts)
    strength: list[float | None] = [None] * len(texts)
    for position, i in enumerate(present):
        if has_terms[position]:
            topic_of[i] = int(strongest[position])
            strength[i] = float(weights[position, strongest[position]])
    assignments = pl.DataFrame(
        {"row": list(range(len(texts))), "topic": topic_of, "strength": strength},
        schema={"row": pl.Int64, "topic": pl.Int64, "strength": pl.Float64},
    )
    return TopicModel(
        topics=pl.DataFrame(
            rows,
            schema={
                "topic": pl.Int64,
                "top_terms": pl.List(pl.String),
                "documents": pl.Int64,
                "weight_share": pl.Float64,
                "examples": pl.List(pl.String),
            },
        ),
        assignments=assignments,
        reconstruction_error=float(model.reconstruction_err_),
    )
