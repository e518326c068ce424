"""The private link a visitor without an account follows to their conversation.

A token is the conversation's id and its random ``access_key``, signed with
the site's secret and a timestamp: it cannot be guessed (the key), forged
(the signature) or used forever (``TELLUS_CONVERSATION_LINK_DAYS``). Asking
for a fresh link mails one to the conversation's own address, so a leaked
expired link gives nobody else access.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "tellus.conversations.link"


def link_days() -> int:
    return int(getattr(settings, "TELLUS_CONVERSATION_LINK_DAYS", 90))


def make_token(conversation_id: int, access_key: str) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{conversation_id}.{access_key}")


@dataclass(frozen=True)
class Unsigned:
    conversation_id: int
    access_key: str
    expired: bool


def read_token(token: str) -> Unsigned | None:
    """What a token names, or None for one that was tampered with or cannot be read.

    An expired token is still read (``expired`` true), so that the page can
    offer to mail a fresh link to the conversation's address.
    """
    signer = signing.TimestampSigner(salt=SALT)
    if len(token) > 200:
        return None
    expired = False
    try:
        value = signer.unsign(token, max_age=dt.timedelta(days=link_days()))
    except signing.SignatureExpired:
        expired = True
        try:
            value = signer.unsign(token)
        except signing.BadSignature:
            return None
    except signing.BadSignature:
        return None
    number, _sep, key = value.partition(".")
    if not number.isdigit() or not key:
        return None
    return Unsigned(conversation_id=int(number), access_key=key, expired=expired)
