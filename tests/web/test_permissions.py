"""The permission matrix, built from the URL map so every future route is covered too."""
import pytest
from werkzeug.routing import Rule

from ..factories import AdminFactory, BrandFactory, CreatorFactory
from ..helpers import login, path_of

ROLES = ("brand", "creator", "admin")
MAKERS = {
    "brand": lambda: BrandFactory().user,
    "creator": lambda: CreatorFactory().user,
    "admin": lambda: AdminFactory(),
}


def _url(app, rule: Rule) -> str:
    values = {arg: 1 for arg in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _role_rules(app):
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".", 1)[0]
        if blueprint in ROLES:
            method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
            yield blueprint, rule, method


def test_every_role_blueprint_has_routes(app):
    assert {blueprint for blueprint, _rule, _method in _role_rules(app)} == set(ROLES)


def test_anonymous_visitors_are_sent_to_login(app, client):
    for _blueprint, rule, method in _role_rules(app):
        url = _url(app, rule)
        response = client.open(url, method=method)
        assert response.status_code == 302, url
        assert path_of(response.headers["Location"]) == "/login", url


@pytest.mark.parametrize("role", ROLES)
def test_other_roles_get_403_and_own_role_gets_in(app, client, role):
    login(client, MAKERS[role]())
    for blueprint, rule, method in _role_rules(app):
        url = _url(app, rule)
        response = client.open(url, method=method)
        if blueprint == role:
            assert response.status_code != 403, url
        else:
            assert response.status_code == 403, url
