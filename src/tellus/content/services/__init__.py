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
    content_edit,
    content_refresh_public_position,
    content_set_consents,
    content_submit_media,
    content_submit_text,
    content_update,
)
from tellus.content.services.processing import content_processed, content_processing_failed
from tellus.content.services.rights import (
    campaign_pick,
    campaign_pick_check_download,
    rights_request_answer,
    rights_request_create,
)

__all__ = [
    "ITEM_PURPOSES",
    "ContentError",
    "ItemDetails",
    "campaign_pick",
    "campaign_pick_check_download",
    "content_count_view",
    "content_delete",
    "content_edit",
    "content_processed",
    "content_processing_failed",
    "content_refresh_public_position",
    "content_set_consents",
    "content_submit_media",
    "content_submit_text",
    "content_update",
    "rights_request_answer",
    "rights_request_create",
]
