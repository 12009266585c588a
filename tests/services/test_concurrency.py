"""Two brand sessions accept the last slot at the same moment, on two real connections."""
import threading
from datetime import timedelta

from sqlalchemy import func, select

from marketplace import db as tx
from marketplace.errors import NotAllowed
from marketplace.extensions import db
from marketplace.models import Application, Brand, Campaign, Creator, CreatorNiche, User, utcnow
from marketplace.money import Money
from marketplace.services import applications, campaigns, ledger



def _setup(app) -> tuple[int, list[int]]:
    """One open campaign with one slot left, two pending applications; returns ids."""
    with app.app_context():
        brand_user = User(email="brand@race.test", password_hash="x", role="brand")
        brand_user.brand = Brand(company_name="Race", country="PL", default_currency="PLN")
        now = utcnow()
        campaign = Campaign(brand=brand_user.brand, title="Last slot", payout_minor=10_000, fee_per_post_minor=1_500,
                            currency="PLN", slots=2, status="awaiting_funding",
                            application_deadline=now + timedelta(days=5), posting_starts_at=now,
                            posting_ends_at=now + timedelta(days=9))
        db.session.add_all([brand_user, campaign])
        creators = []
        for n in range(3):
            user = User(email=f"c{n}@race.test", password_hash="x", role="creator")
            user.creator = Creator(display_name=f"C{n}", country="PL", niche_rows=[CreatorNiche(niche="food")])
            db.session.add(user)
            creators.append(user.creator)
        db.session.flush()
        campaigns.record_funding(campaign, campaign.total_budget, "race-funding")
        apps = [Application(campaign_id=campaign.id, creator_id=c.id) for c in creators]
        db.session.add_all(apps)
        db.session.flush()
        applications.accept(apps[0], actor=brand_user)  # one of two slots taken
        tx.commit()
        return campaign.id, [apps[1].id, apps[2].id]


def test_two_concurrent_acceptances_of_the_last_slot_commit_exactly_one(own_app):
    campaign_id, racing = _setup(own_app)
    barrier = threading.Barrier(2, timeout=20)
    outcomes: dict[int, str] = {}

    def accept(application_id: int) -> None:
        barrier.wait()  # both threads start their transactions at the same moment
        with own_app.app_context():
            application = db.session.get(Application, application_id)
            brand_user = application.campaign.brand.user
            try:
                applications.accept(application, actor=brand_user)
                tx.commit()
                outcomes[application_id] = "accepted"
            except NotAllowed as error:
                tx.rollback()
                outcomes[application_id] = f"refused: {error.message}"

    threads = [threading.Thread(target=accept, args=(app_id,)) for app_id in racing]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["accepted", "refused"]
    with own_app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        accepted = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.campaign_id == campaign_id, Application.status == "accepted"))
        assert accepted == 2
        assert ledger.balance(ledger.reserved(campaign_id), "PLN") == campaign.cost_per_post * 2
        assert ledger.balance(ledger.escrow(campaign_id), "PLN") == Money(0, "PLN")
        assert ledger.imbalances() == []
