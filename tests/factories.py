from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from tellus.engagement.models import Initiative, Trip
from tellus.people.models import Person

PASSWORD = "correct horse battery staple"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Traveller {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    name = factory.Sequence(lambda n: f"Hidden beaches {n}")
    slug = factory.Sequence(lambda n: f"hidden-beaches-{n}")
    kind = Initiative.Kind.TASK_BASED
    interaction = Initiative.Interaction.CONTINUOUS
    tools = Initiative.Tools.LEAN
    initiated_by = Initiative.InitiatedBy.FIRM


class TripFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trip

    member = factory.SubFactory(PersonFactory)
    arrival = dt.date(2026, 5, 1)
    departure = dt.date(2026, 5, 8)
    spend = Decimal("1250.00")
    source = Trip.Source.SURVEY
