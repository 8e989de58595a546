"""Every admin list of ours can be searched and filtered with any text, by whoever may open it."""

import pytest
from django.urls import reverse

from tests.test_permission_matrix import OUR_URLS

LISTS = sorted(
    {
        name
        for _route, name in OUR_URLS
        if name
        and name.startswith(("ksf_", "competencies_", "wagtailsnippets_"))
        and name.split(":")[-1] in {"index", "list", "index_results", "list_results"}
    }
)
MARKUP = "<b>q7</b>"
QUERIES = ["Cara", "a@b", "=SUM(A1)", MARKUP, "\x00", "x" * 300, "%_'\""]


def test_the_admin_lists_are_found():
    assert "ksf_staff:index" in LISTS
    assert "wagtailsnippets_competencies_framework:list" in LISTS


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("role", ["administrator", "educator"])
def test_admin_list_search_never_fails(client, world, name, role):
    client.force_login(world.user(role))
    for query in QUERIES:
        response = client.get(reverse(name), {"q": query})
        assert response.status_code < 500, (name, query)
        if response.status_code == 200:
            assert MARKUP not in response.content.decode(), (name, "unescaped")
