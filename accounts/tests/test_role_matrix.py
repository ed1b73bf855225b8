"""Every URL of the site x every role -> the expected status (data in role_matrix.py, how to extend it there)."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from accounts.testing import sign_in
from config import urls as site_urls

from .role_matrix import MATRIX, NOT_REQUESTED, ROLES, build_world


def _url_names(patterns=None, namespace: str = "", prefix: str = ""):
    """Yield (namespace, name, route) for every pattern; name is None for unnamed ones."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern.name, route


def _skipped(name: str) -> bool:
    return name in NOT_REQUESTED or any(name.startswith(p) for p in NOT_REQUESTED if p.endswith(":"))


def _unlisted() -> tuple[list[str], list[str]]:
    """Routes without a name, and names missing from MATRIX (NOT_REQUESTED aside)."""
    found = [(namespace + name if name else None, namespace, route) for namespace, name, route in _url_names()]
    unnamed = [route for name, namespace, route in found if name is None and not _skipped(namespace)]
    missing = sorted({name for name, _, _ in found if name and name not in MATRIX and not _skipped(name)})
    return unnamed, missing


def test_every_url_pattern_is_in_the_matrix():
    unnamed, missing = _unlisted()
    assert not unnamed, f"name these URL patterns so the role matrix can list them: {unnamed}"
    assert not missing, f"add these URLs to accounts/tests/role_matrix.py MATRIX: {missing}"


def _page(request):
    return HttpResponse()


urlpatterns = [*site_urls.urlpatterns, path("brand-new/", _page, name="brand_new"), path("anonymous/", _page)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_url_missing_from_the_matrix_fails_the_check():
    assert _unlisted() == (["anonymous/"], ["brand_new"])


def test_the_matrix_lists_no_url_that_is_gone():
    names = {namespace + name for namespace, name, _ in _url_names() if name}
    assert sorted(set(MATRIX) - names) == []


def test_every_case_names_every_role():
    cases = [(name, case) for name, c in MATRIX.items() for case in (c if isinstance(c, list) else [c])]
    assert [name for name, case in cases if set(case.expect) != set(ROLES)] == []


def _client_for(role: str, world) -> Client:
    client = Client()
    if role != "anonymous":
        sign_in(client, world.users[role], verified=role != "coordinator_by_code")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_each_role_gets_the_expected_status(url_name):
    world = build_world()
    cases = MATRIX[url_name] if isinstance(MATRIX[url_name], list) else [MATRIX[url_name]]
    for case in cases:
        kwargs = case.kwargs(world) if callable(case.kwargs) else case.kwargs
        data = case.data(world) if callable(case.data) else case.data
        url = reverse(url_name, kwargs=kwargs)
        actual = {role: getattr(_client_for(role, world), case.method)(url, data).status_code for role in ROLES}
        assert actual == case.expect, f"{case.method.upper()} {url}"
