import pytest

from marketplace import create_app

from ..factories import CreatorFactory
from ..helpers import login


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<nav" in page and 'href="/"' in page


def test_wrong_role_sees_a_friendly_403(client):
    login(client, CreatorFactory().user)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert 'href="/"' in response.get_data(as_text=True)


@pytest.fixture
def crashing_app(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    return app


def test_unexpected_errors_show_a_friendly_500_without_details(crashing_app):
    with crashing_app.app_context():
        response = crashing_app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "kaboom" not in page and "Traceback" not in page
    assert 'href="/"' in page


def test_ids_beyond_the_database_range_are_404_everywhere(client):
    from ..factories import BrandFactory

    login(client, BrandFactory().user)
    assert client.get("/brand/campaigns/99999999999999999999").status_code == 404
