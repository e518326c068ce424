"""``{% map_base_layer %}``: the base layer's settings as inert JSON for the map scripts.

A tag rather than a context variable, because the widget frames are rendered
without a request (no context processor runs there) and most pages have no map.
"""

from __future__ import annotations

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from tellus.core.basemap import base_layer

register = template.Library()

#: The id ``basemap.js`` reads the settings from.
ELEMENT_ID = "tellus-map-base"


@register.simple_tag
def map_base_layer() -> SafeString:
    return json_script(base_layer(), ELEMENT_ID)
