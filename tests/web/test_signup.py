from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, User

BRAND = {
    "company_name": "Palarnia Kraków",
    "email": "Owner@Palarnia.PL",
    "password": "a long enough password",
    "country": "PL",
    "default_currency": "PLN",
}
CREATOR = {
    "display_name": "Nok Eats",
    "email": "nok@example.th",
    "password": "a long enough password",
    "country": "TH",
    "niches": ["food", "travel"],
}


def test_signup_choice_offers_both_roles(client):
    page = client.get("/signup").get_data(as_text=True)
    assert "/signup/brand" in page and "/signup/creator" in page


def test_brand_signs_up_and_lands_on_dashboard(client):
    response = client.post("/signup/brand", data=BRAND)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/brand/")
    user = db.session.scalar(select(User).where(User.email == "owner@palarnia.pl"))
    assert user.role == "brand"
    assert user.brand.company_name == "Palarnia Kraków"
    assert user.brand.default_currency == "PLN"
    assert user.password_hash.startswith("$argon2id$")
    dashboard = client.get("/brand/")
    assert dashboard.status_code == 200
    assert "Palarnia Kraków" in dashboard.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity_id == user.id,
                                                      AuditEvent.action == "signed_up"))


def test_creator_signs_up_with_niches(client):
    response = client.post("/signup/creator", data=CREATOR)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/creator/")
    user = db.session.scalar(select(User).where(User.email == "nok@example.th"))
    assert user.creator.niches == ["food", "travel"]
    assert user.creator.country == "TH"
    page = client.get("/creator/").get_data(as_text=True)
    assert "Nok Eats" in page


def test_duplicate_email_rerenders_with_field_error_and_keeps_input(client, app):
    client.post("/signup/brand", data=BRAND)
    client.post("/logout")
    again = dict(BRAND, company_name="Second Company", email="owner@palarnia.pl")
    response = client.post("/signup/brand", data=again)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "already exists" in page
    assert 'value="Second Company"' in page
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_creator_must_pick_a_niche(client):
    response = client.post("/signup/creator", data=dict(CREATOR, niches=[]))
    assert response.status_code == 200
    assert "Pick at least one niche" in response.get_data(as_text=True)
    assert 'value="Nok Eats"' in response.get_data(as_text=True)


def test_short_password_is_refused_with_a_reason(client):
    response = client.post("/signup/brand", data=dict(BRAND, password="short"))
    assert response.status_code == 200
    assert "at least 10 characters" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_unknown_country_is_refused(client):
    response = client.post("/signup/brand", data=dict(BRAND, country="XX"))
    assert response.status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_country_names_follow_the_page_language(client):
    page = client.get("/signup/creator", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Polska" in page and "Tajlandia" in page
    page = client.get("/signup/creator", headers={"Accept-Language": "th"}).get_data(as_text=True)
    assert "ไทย" in page
