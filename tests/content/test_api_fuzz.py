"""Whatever a caller sends, the content API answers with a clear 4xx, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

text = st.text(min_size=0, max_size=300)
params = st.dictionaries(
    st.sampled_from(
        [
            "kind",
            "tag",
            "place",
            "initiative",
            "contributor",
            "order",
            "cursor",
            "limit",
            "bbox",
            "zoom",
        ]
    ),
    text,
    max_size=6,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=params,
    path=st.sampled_from(
        [
            "/api/v1/content",
            "/api/v1/map/clusters",
            "/api/v1/content/1",
            "/gallery/",
            "/widgets/gallery.json",
        ]
    ),
)
def test_reads_never_fail_with_a_server_error(client, query, path):
    response = client.get(path, query)
    assert response.status_code < 500


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(
        st.sampled_from(
            [
                "kind",
                "title",
                "caption",
                "body",
                "tags",
                "language",
                "taken_on",
                "latitude",
                "longitude",
                "place",
                "initiative",
                "consents",
            ]
        ),
        text,
        max_size=8,
    )
)
def test_submissions_never_fail_with_a_server_error(client, member, form):
    client.force_login(member)
    response = client.post("/api/v1/content", form)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert "detail" in response.json()
