import pytest

from marketplace.errors import InvalidTransition, NotAllowed, PermissionDenied
from marketplace.passwords import hash_password
from marketplace.services import accounts

from ..factories import PASSWORD, AdminFactory, BrandFactory, CreatorFactory

BRAND = dict(email="a@b.pl", password="long enough pw", company_name="ACME", country="pl",
             default_currency="PLN")


def test_sign_up_normalises_email_and_country():
    user = accounts.sign_up_brand(**dict(BRAND, email="  Mixed@Case.PL "))
    assert user.email == "mixed@case.pl"
    assert user.brand.country == "PL"


@pytest.mark.parametrize("change, field", [
    ({"default_currency": "XYZ"}, "default_currency"),
    ({"country": "ZZ"}, "country"),
    ({"password": "short"}, "password"),
    ({"password": "x" * 129}, "password"),
])
def test_sign_up_refuses_bad_input_on_the_right_field(change, field):
    with pytest.raises(NotAllowed) as caught:
        accounts.sign_up_brand(**dict(BRAND, **change))
    assert caught.value.field == field


def test_duplicate_email_is_refused_whatever_the_case():
    accounts.sign_up_brand(**BRAND)
    with pytest.raises(NotAllowed) as caught:
        accounts.sign_up_creator(email="A@B.PL", password="long enough pw", display_name="x",
                                 country="PL", niches=["food"])
    assert caught.value.field == "email"


def test_unknown_niche_is_refused():
    with pytest.raises(NotAllowed, match="Unknown niche"):
        accounts.sign_up_creator(email="c@d.pl", password="long enough pw", display_name="x",
                                 country="PL", niches=["food", "astrology"])


def test_authenticate_upgrades_an_outdated_hash():
    from argon2 import PasswordHasher

    user = BrandFactory().user
    old = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1).hash(PASSWORD)
    user.password_hash = old
    assert accounts.authenticate(user.email, PASSWORD) is user
    assert user.password_hash != old
    assert accounts.authenticate(user.email, PASSWORD) is user


def test_authenticate_refuses_wrong_password_and_suspended_accounts():
    user = CreatorFactory().user
    with pytest.raises(NotAllowed):
        accounts.authenticate(user.email, "wrong password")
    user.status = "suspended"
    with pytest.raises(NotAllowed, match="suspended"):
        accounts.authenticate(user.email, PASSWORD)


def test_suspend_and_reinstate_follow_the_user_state_machine():
    admin = AdminFactory()
    user = CreatorFactory().user
    accounts.suspend_user(user, actor=admin, reason="spam")
    assert user.status == "suspended"
    with pytest.raises(InvalidTransition):
        accounts.transition(user, "deleted", transitions=accounts.TRANSITIONS, actor=admin)
    accounts.reinstate_user(user, actor=admin)
    assert user.status == "active"


def test_only_admins_change_account_status():
    user = CreatorFactory().user
    with pytest.raises(PermissionDenied):
        accounts.suspend_user(user, actor=BrandFactory().user, reason="spam")


def test_admin_cannot_suspend_self():
    admin = AdminFactory()
    with pytest.raises(PermissionDenied):
        accounts.suspend_user(admin, actor=admin, reason="test")


def test_reset_token_is_bound_to_the_current_password():
    user = CreatorFactory().user
    token = accounts.make_reset_token(user)
    assert accounts.user_for_reset_token(token) is user
    user.password_hash = hash_password("a different password")
    with pytest.raises(NotAllowed):
        accounts.user_for_reset_token(token)
