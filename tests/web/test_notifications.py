from marketplace.extensions import db
from marketplace.services.notifications import notify

from ..factories import CreatorFactory
from ..helpers import login


def test_bell_counts_unread_and_marks_them_read(client):
    user = CreatorFactory().user
    notify(user, "application_rejected", link="/creator/applications", campaign="Kawa", creator="Ania",
           reason="Za mało obserwujących")
    notify(user, "campaign_cancelled", link="/creator/applications", campaign="Góry", creator="Ania")
    db.session.flush()
    login(client, user)
    page = client.get("/creator/").get_data(as_text=True)
    assert '<span class="bell__count">2' in page
    listing = client.get("/notifications").get_data(as_text=True)
    assert "Your application to “Kawa” was not accepted" in listing
    assert "Za mało obserwujących" in listing
    client.post("/notifications/read")
    assert "bell__count" not in client.get("/creator/").get_data(as_text=True)


def test_notifications_are_private(client):
    owner, other = CreatorFactory().user, CreatorFactory().user
    notify(owner, "campaign_cancelled", campaign="Secret", creator="x")
    db.session.flush()
    login(client, other)
    assert "Secret" not in client.get("/notifications").get_data(as_text=True)
