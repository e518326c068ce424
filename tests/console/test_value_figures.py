"""The DMO's own figures behind engagement value: who may change them, what is
refused, and that the next run uses them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tellus.engagement.models import EngagementValue, ScoringRun, ValueParameters
from tellus.engagement.queries import value_parameters
from tellus.engagement.services import score_members, value_settings
from tests.engagement.test_scoring import AS_OF, _destination

pytestmark = pytest.mark.django_db

PAGE = "/console/value/"
FIGURES = "/console/value/figures/"
VALID = {
    "annual_discount_rate": "8",
    "horizon_months": "24",
    "acquisition_cost": "40",
    "would_have_come_anyway": "25",
    "referral_incentive": "10",
    "sign_up_value": "5",
    "adopted_idea_value": "750",
    "survey_answer_value": "2.50",
}


def test_the_page_shows_the_figures_and_who_may_change_them(persona_client):
    page = persona_client("analyst").get(PAGE).content.decode()
    assert 'action="/console/value/figures/#figures"' in page
    assert 'name="annual_discount_rate" value="10' in page
    assert 'name="horizon_months" value="12"' in page
    assert "30 is a placeholder" in page


@pytest.mark.parametrize("persona", ["visitor", "member", "moderator", "marketer"])
def test_others_cannot_change_the_figures(persona_client, persona):
    response = persona_client(persona).post(FIGURES, VALID)
    assert response.status_code in (302, 403)
    assert value_parameters().horizon_months == 12


def test_saving_the_figures(persona_client, analyst):
    response = persona_client("analyst").post(FIGURES, VALID, follow=True)
    assert response.redirect_chain[-1][0].endswith("/console/value/#figures")
    assert "Your figures are saved; the next run uses them." in response.content.decode()
    figures = ValueParameters.objects.get()
    assert (figures.annual_discount_rate, figures.horizon_months) == (Decimal("8"), 24)
    assert figures.adopted_idea_value == Decimal("750") and figures.updated_by == analyst


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("annual_discount_rate", "-1", "greater than or equal to 0"),
        ("annual_discount_rate", "101", "less than or equal to 100"),
        ("would_have_come_anyway", "150", "less than or equal to 100"),
        ("horizon_months", "0", "greater than or equal to 1"),
        ("horizon_months", "121", "less than or equal to 120"),
        ("horizon_months", "1.5", "Enter a whole number"),
        ("acquisition_cost", "-5", "greater than or equal to 0"),
        ("sign_up_value", "abc", "Enter a number"),
        ("adopted_idea_value", "1e20", "no more than 12 digits"),
        ("referral_incentive", "<script>alert(1)</script>", "Enter a number"),
        ("survey_answer_value", "", "This field is required"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_saved(persona_client, field, value, message):
    response = persona_client("admin").post(FIGURES, {**VALID, field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "<script>alert(1)</script>" not in page
    assert ValueParameters.objects.get().horizon_months == 12  # the defaults, untouched


def test_the_figures_go_into_the_library_as_shares_and_one_horizon():
    figures = value_parameters()
    figures.annual_discount_rate = Decimal("8")
    figures.horizon_months = 24
    figures.would_have_come_anyway = Decimal("25")
    chosen = value_settings(figures)
    assert chosen.horizon.annual_discount_rate == pytest.approx(0.08)
    assert chosen.horizon.horizon_periods == 24
    assert chosen.crv.share_would_have_come_anyway == pytest.approx(0.25)
    assert chosen.clv_horizon_weeks == pytest.approx(24 * 365.25 / 12 / 7)


def test_the_next_run_uses_the_figures(persona_client):
    people = _destination()
    score_members(as_of=AS_OF)
    before = EngagementValue.objects.get(member=people["dev"]).crv
    persona_client("admin").post(FIGURES, {**VALID, "acquisition_cost": "400"})
    run = score_members(as_of=AS_OF + dt.timedelta(minutes=1))
    assert run.status == ScoringRun.Status.DONE
    assert run.parameters["acquisition_cost"] == 400.0
    assert run.parameters["horizon_months"] == 24
    # A referral now also saves the cost of acquiring the visitor.
    assert EngagementValue.objects.get(member=people["dev"]).crv > before
