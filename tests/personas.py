"""The one set of personas every endpoint and permission is tried with (fixtures in conftest.py)."""

PERSONAS = ("visitor", "member", "other_member", "moderator", "marketer", "analyst", "admin")
STAFF = ("moderator", "marketer", "analyst", "admin")
