from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.people.models import Person
from tellus.people.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a person and print it (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token.")
        create.add_argument("--email", required=True, help="The holder's email address.")
        create.add_argument("--name", default="Command line", help="A name to recognise it by.")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(email__iexact=options["email"].strip()).first()
        if person is None or not person.is_active:
            raise CommandError(f"No active person has the email address {options['email']!r}.")
        new = api_token_create(person=person, name=options["name"])
        self.stdout.write(new.secret)
