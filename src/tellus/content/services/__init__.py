"""Every write of the content hub, as a named action, by section.

The sections are modules of their own; their actions are imported here so that
callers write ``from tellus.content.services import content_submit_media``.
"""

from tellus.content.services.errors import ContentError
from tellus.content.services.items import (
    ITEM_PURPOSES,
    ItemDetails,
    content_count_view,
    content_delete,
    content_refresh_public_position,
    content_set_consents,
    content_submit_media,
    content_submit_text,
    content_update,
)
from tellus.content.services.moderation import (
    content_dismiss_reports,
    content_moderate,
    content_report,
    moderation_actions_for,
)
from tellus.content.services.rights import (
    campaign_pick,
    rights_request_answer,
    rights_request_create,
)
from tellus.content.services.shares import share_click, share_create

__all__ = [
    "ITEM_PURPOSES",
    "ContentError",
    "ItemDetails",
    "campaign_pick",
    "content_count_view",
    "content_delete",
    "content_dismiss_reports",
    "content_moderate",
    "content_refresh_public_position",
    "content_report",
    "content_set_consents",
    "content_submit_media",
    "content_submit_text",
    "content_update",
    "moderation_actions_for",
    "rights_request_answer",
    "rights_request_create",
    "share_click",
    "share_create",
]
