import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import transaction
from django.forms import BaseForm
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permission_matrix import (
    EXTRA_CASES,
    EXTRA_POSTS,
    FRAMEWORK_SAMPLES,
    OUR_APPS,
    OUR_ROUTE_PREFIXES,
    REFUSALS,
    ROLES,
    RULES,
)


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
            module = getattr(p.callback, "__module__", "") or ""
            yield prefix + str(p.pattern), name, module


def all_urls():
    return list(_walk(get_resolver().url_patterns))


def is_ours(route: str, name: str | None, module: str) -> bool:
    namespace_words = set((name or "").split(":")[0].split("_"))
    return (
        module.split(".")[0] in OUR_APPS
        or bool(namespace_words & set(OUR_APPS))
        or route.startswith(OUR_ROUTE_PREFIXES)
    )


OUR_URLS = [(route, name) for route, name, module in all_urls() if is_ours(route, name, module)]


def test_every_url_of_ours_is_named_and_classified_by_exactly_one_rule():
    unclassified = []
    for route, name in OUR_URLS:
        matching = [r for r in RULES if name and r.matches(name)]
        if len(matching) != 1:
            unclassified.append((route, name, len(matching)))
    assert unclassified == [], f"URLs without exactly one permission rule: {unclassified}"


def test_every_other_url_belongs_to_wagtail_or_django():
    foreign = [
        (route, name, module)
        for route, name, module in all_urls()
        if not is_ours(route, name, module) and not module.startswith(("wagtail", "django"))
    ]
    assert foreign == []


def _outcome(response, signed_in: bool) -> str:
    code = response.status_code
    if code == 200:
        return "ok"
    if code == 405:
        return "method"
    if code in (403, 404):
        return "denied"
    if code in (301, 302):
        location = response["Location"]
        if not signed_in and "login" in location:
            return "login"
        if signed_in and (location.startswith("/admin/login/") or location == "/admin/"):
            return "denied"
        return "redirect"
    return f"status {code}"


def _outcomes(client, world, url: str) -> dict[str, str]:
    """What each role gets at this URL, signing in as each in turn."""
    seen = {}
    for role in ROLES:
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        seen[role] = _outcome(client.get(url), user is not None)
    return seen


@pytest.mark.parametrize("name", [name for _, name in OUR_URLS if name])
def test_url_gives_each_role_the_classified_outcome(client, world, name):
    (rule,) = [r for r in RULES if r.matches(name)]
    url = reverse(name, kwargs=rule.kwargs(world, name))
    assert _outcomes(client, world, url) == rule.expect, url


@pytest.mark.parametrize("index", range(len(EXTRA_CASES)))
def test_second_objects_are_refused_to_the_wrong_people(client, world, index):
    name, kwargs, expect = EXTRA_CASES[index]
    assert _outcomes(client, world, reverse(name, kwargs=kwargs(world))) == expect


@pytest.mark.parametrize("url", [url for url, _ in FRAMEWORK_SAMPLES])
def test_framework_urls_sampled(client, world, url):
    assert _outcomes(client, world, url) == dict(FRAMEWORK_SAMPLES)[url]


# --- Writes -----------------------------------------------------------------------------------


def _form_errors(response) -> bool:
    """Whether the page re-shows a submitted form with errors."""
    contexts = response.context
    if contexts is None:
        return False
    if not isinstance(contexts, list):
        contexts = [contexts]
    for context in contexts:
        values = context.flatten().values() if hasattr(context, "flatten") else context.values()
        if any(isinstance(v, BaseForm) and v.is_bound and v.errors for v in values):
            return True
    return False


def _post_outcome(response, signed_in: bool) -> str:
    outcome = _outcome(response, signed_in)
    if response.status_code == 409 or (outcome == "ok" and _form_errors(response)):
        return "refused"
    if outcome == "redirect" and any(
        m.level >= message_levels.ERROR for m in get_messages(response.wsgi_request)
    ):
        return "refused"
    return outcome


def _post_outcomes(client, world, name, kwargs, data=None, state=None, writes=True):
    """What each role gets from a POST, each in a rolled-back savepoint; and any wrong writes."""
    url = reverse(name, kwargs=kwargs)
    seen, wrong = {}, []
    for role in ROLES:
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            before = state(world, name, kwargs) if state else None
            body = data(world, name, kwargs) if data else {}
            seen[role] = outcome = _post_outcome(client.post(url, body), user is not None)
            if state is not None:
                changed = state(world, name, kwargs) != before
                if changed and (outcome in REFUSALS or not writes):
                    wrong.append(f"{role} ({outcome}) changed it")
                elif not changed and writes and outcome not in REFUSALS:
                    wrong.append(f"{role} ({outcome}) changed nothing")
            transaction.set_rollback(True)
    return seen, wrong


def _rule(name: str):
    (rule,) = [r for r in RULES if r.matches(name)]
    return rule


@pytest.mark.parametrize("name", [name for _, name in OUR_URLS if name])
def test_post_gives_each_role_the_classified_outcome(client, world, name):
    rule = _rule(name)
    kwargs = rule.kwargs(world, name)
    url = reverse(name, kwargs=kwargs)
    if rule.post is None:
        seen, _ = _post_outcomes(client, world, name, kwargs)
        # GET only: 405 for whoever reaches the view, the same refusal as a GET for the rest.
        accepted = {
            role: outcome
            for role, outcome in seen.items()
            if outcome != "method"
            and not (outcome == rule.expect[role] and outcome in ("login", "denied"))
        }
        assert "method" in seen.values() and not accepted, (
            f"{url} takes a POST ({seen}): give its rule a post= classification"
        )
        return
    seen, wrong = _post_outcomes(
        client, world, name, kwargs, rule.post_data, rule.state, rule.writes
    )
    assert seen == rule.post, url
    assert wrong == [], url


@pytest.mark.parametrize("index", range(len(EXTRA_POSTS)))
def test_second_object_posts_are_refused_to_the_wrong_people(client, world, index):
    case = EXTRA_POSTS[index]
    kwargs = case.kwargs(world)
    seen, wrong = _post_outcomes(
        client, world, case.name, kwargs, case.post_data, case.state, case.writes
    )
    url = reverse(case.name, kwargs=kwargs)
    assert seen == case.post, url
    assert wrong == [], url


def test_post_details_come_with_a_post_classification():
    loose = [r.names for r in RULES if r.post is None and (r.post_data or r.state)]
    assert loose == []
