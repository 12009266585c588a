"""The creator's profile: the page, and the service behind it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace.errors import NotAllowed, PermissionDenied
from marketplace.extensions import db
from marketplace.models import AuditEvent
from marketplace.services.profiles import update_creator_profile

from .conftest import make_creator

URL = "/creator/profile"
VALID = {
    "display_name": "Kasia Gotuje",
    "country": "PL",
    "niches": ["food", "travel"],
    "bio": "Polish home cooking.\r\nNew recipe every Sunday.",
    "instagram_handle": "@Kasia.Gotuje",
    "tiktok_handle": "kasia_gotuje",
    "followers": "12 500",
}


def _post(client, **changes):
    return client.post(URL, data={**VALID, **changes})


def test_page_shows_the_current_profile_and_the_self_reported_note(client, creator):
    html = client.get(URL).get_data(as_text=True)
    assert 'value="kasia.gotuje"' in html and 'value="5000"' in html
    assert re.search(r'<input checked id="niches-\d+" name="niches" type="checkbox" value="food">', html)
    assert re.search(r'<input id="niches-\d+" name="niches" type="checkbox" value="travel">', html)
    assert "takes the username and follower count from the platform" in html


def test_saving_the_profile(client, creator):
    response = _post(client)
    assert response.status_code == 302
    assert creator.display_name == "Kasia Gotuje"
    assert creator.instagram_handle == "kasia.gotuje"  # @ stripped, lower-cased like Instagram does
    assert creator.tiktok_handle == "kasia_gotuje"
    assert creator.followers == 12_500
    assert creator.niches == ["food", "travel"]
    assert creator.bio == "Polish home cooking.\nNew recipe every Sunday."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "creators",
                                                       AuditEvent.entity_id == creator.id))
    assert event.action == "profile_updated" and event.actor_id == creator.user.id
    assert "followers" in event.data["changed"] and "niches" in event.data["changed"]
    assert "Your profile is saved." in client.get(URL).get_data(as_text=True)


def test_empty_handles_are_cleared(client, creator):
    assert _post(client, instagram_handle="", tiktok_handle="  ").status_code == 302
    assert creator.instagram_handle is None and creator.tiktok_handle is None


@pytest.mark.parametrize("changes, message", [
    ({"instagram_handle": "kasia gotuje"}, "An Instagram username has 1 to 30 characters"),
    ({"instagram_handle": "kasia-gotuje"}, "An Instagram username has 1 to 30 characters"),
    ({"instagram_handle": "k" * 31}, "An Instagram username has 1 to 30 characters"),
    ({"instagram_handle": "k" * 32}, "Use at most 31 characters."),
    ({"tiktok_handle": "k"}, "A TikTok username has 2 to 24 characters"),
    ({"tiktok_handle": "żaba"}, "A TikTok username has 2 to 24 characters"),
    ({"followers": "lots"}, "Enter a whole number, like 12000."),
    ({"followers": "-5"}, "Enter a whole number, like 12000."),
    ({"followers": "1.5"}, "Enter a whole number, like 12000."),
    ({"followers": "2000000000"}, "between 0 and 1,000,000,000"),
    ({"followers": ""}, "Enter your follower count"),
    ({"niches": []}, "Pick at least one niche"),
    ({"niches": ["knitting"]}, "not a valid choice"),
    ({"country": "ZZ"}, "Not a valid choice"),
    ({"display_name": "   "}, "Enter the name brands will see."),
    ({"bio": "b" * 1001}, "Use at most 1000 characters."),
])
def test_invalid_input_is_explained_and_kept(client, creator, changes, message):
    response = _post(client, **{**changes, "display_name": changes.get("display_name", "Kept Name")})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    if "display_name" not in changes:
        assert 'value="Kept Name"' in html  # what was typed survives
    db.session.expire_all()
    assert creator.display_name != "Kept Name" and creator.instagram_handle == "kasia.gotuje"


# The service on its own ------------------------------------------------------------------

def _update(creator, actor=None, **changes):
    values = dict(display_name="K", country="PL", niches=["food"], bio="", instagram_handle=None,
                  tiktok_handle=None, followers=0)
    values.update(changes)
    return update_creator_profile(creator, actor=actor or creator.user, **values)


@pytest.mark.parametrize("handle, stored", [
    ("a", "a"), ("@a", "a"), ("A.B_c", "a.b_c"), ("x" * 30, "x" * 30), ("  @kasia  ", "kasia")])
def test_valid_instagram_handles(handle, stored):
    creator = make_creator()
    assert _update(creator, instagram_handle=handle).instagram_handle == stored


@pytest.mark.parametrize("handle", ["x" * 31, "a b", "kasia!", "@@kasia", "kąsia", "kasia/1"])
def test_invalid_instagram_handles(handle):
    with pytest.raises(NotAllowed) as caught:
        _update(make_creator(), instagram_handle=handle)
    assert caught.value.field == "instagram_handle"


@pytest.mark.parametrize("handle, ok", [("ab", True), ("@ab", True), ("x" * 24, True), ("a", False),
                                         ("x" * 25, False), ("a-b", False)])
def test_tiktok_handles(handle, ok):
    creator = make_creator()
    if ok:
        assert _update(creator, tiktok_handle=handle).tiktok_handle == handle.lstrip("@")
    else:
        with pytest.raises(NotAllowed) as caught:
            _update(creator, tiktok_handle=handle)
        assert caught.value.field == "tiktok_handle"


@pytest.mark.parametrize("followers, ok", [(0, True), (1_000_000_000, True), (-1, False), (1_000_000_001, False)])
def test_followers_range(followers, ok):
    creator = make_creator()
    if ok:
        assert _update(creator, followers=followers).followers == followers
    else:
        with pytest.raises(NotAllowed) as caught:
            _update(creator, followers=followers)
        assert caught.value.field == "followers"


def test_bio_limit():
    creator = make_creator()
    assert _update(creator, bio="b" * 1000).bio == "b" * 1000
    with pytest.raises(NotAllowed) as caught:
        _update(creator, bio="b" * 1001)
    assert caught.value.field == "bio"


def test_nothing_is_saved_when_one_field_is_refused():
    creator = make_creator(followers=10)
    with pytest.raises(NotAllowed):
        _update(creator, display_name="New", followers=-1)
    assert creator.display_name != "New" and creator.followers == 10


def test_only_the_creator_edits_their_profile():
    creator, other = make_creator(), make_creator()
    with pytest.raises(PermissionDenied):
        _update(creator, actor=other.user, display_name="Hijacked")


def test_niche_change_keeps_existing_rows():
    creator = make_creator(niches=("food", "travel"))
    _update(creator, niches=["travel", "beauty"])
    db.session.expire_all()
    assert creator.niches == ["beauty", "travel"]


def test_unchanged_profile_writes_no_audit_event():
    creator = make_creator(display_name="K")
    _update(creator, followers=100)
    _update(creator, followers=100)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "creators",
                                                         AuditEvent.entity_id == creator.id)).all()
    assert len(events) == 1


def test_a_linked_account_s_handle_and_followers_beat_typed_ones(client, creator):
    from marketplace.models import LinkedAccount, utcnow

    db.session.add(LinkedAccount(creator_id=creator.id, platform="instagram", platform_user_id="1784",
                                 username="Kasia.Real", followers=12_345, access_token_encrypted="sealed",
                                 token_expires_at=utcnow()))
    db.session.flush()
    assert _post(client, instagram_handle="someone.else", followers="999999").status_code == 302
    assert (creator.instagram_handle, creator.followers) == ("kasia.real", 12_345)
    assert creator.tiktok_handle == "kasia_gotuje"   # not linked: the typed handle stands
