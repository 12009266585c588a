from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Application, Campaign, Creator, User


def test_create_admin(app):
    result = app.test_cli_runner().invoke(args=["marketplace", "create-admin", "--email", "Boss@Example.com",
                                                "--password", "a strong password"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "boss@example.com"))
    assert admin.role == "admin"


def test_create_admin_explains_a_refusal(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["marketplace", "create-admin", "--email", "a@b.c", "--password", "a strong password"])
    result = runner.invoke(args=["marketplace", "create-admin", "--email", "a@b.c", "--password", "a strong password"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    result = runner.invoke(args=["marketplace", "create-admin", "--email", "x@b.c", "--password", "short"])
    assert result.exit_code == 1 and "at least 10 characters" in result.output


def test_seed_demo_is_idempotent_and_prints_credentials(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["marketplace", "seed-demo"])
    assert first.exit_code == 0, first.output
    assert "brand@demo.example.com" in first.output and "password:" in first.output
    users = db.session.scalar(select(func.count()).select_from(User))
    campaigns = db.session.scalar(select(func.count()).select_from(Campaign))
    assert users == 4 and campaigns == 3
    statuses = sorted(db.session.scalars(select(Campaign.status)).all())
    assert statuses == ["draft", "open", "open"]
    accepted = db.session.execute(select(Creator.display_name, Campaign.title).join(Application.creator)
                                  .join(Application.campaign).where(Application.status == "accepted")).all()
    assert accepted == [("Ania Creates", "Autumn coffee with Palarnia Kraków")]

    second = runner.invoke(args=["marketplace", "seed-demo"])
    assert second.exit_code == 0
    assert "already there" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == campaigns
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_seeded_accounts_can_log_in(app, client):
    app.test_cli_runner().invoke(args=["marketplace", "seed-demo"])
    response = client.post("/login", data={"email": "brand@demo.example.com", "password": "hashmark-demo-2026"})
    assert response.status_code == 302
    page = client.get("/brand/").get_data(as_text=True)
    assert "Autumn coffee with Palarnia Kraków" in page
