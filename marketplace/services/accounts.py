"""Accounts: sign-up, sign-in, passwords, and the user status machine.

User status transitions:
    active    -> suspended
    suspended -> active
"""
from __future__ import annotations

from typing import Callable, Iterable

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..catalog import NICHES, LANGUAGES, country_codes
from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..mail import queue_email
from ..models import Brand, Creator, CreatorNiche, Role, User, UserStatus, utcnow
from ..money import SUPPORTED_CURRENCIES
from ..passwords import MAX_LENGTH, MIN_LENGTH, hash_password, needs_rehash, verify_password
from .audit import record_event
from .transitions import table, transition

TRANSITIONS = table(
    active={UserStatus.SUSPENDED},
    suspended={UserStatus.ACTIVE},
)

RESET_SALT = "hashmark.password-reset"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_new_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise NotAllowed(field, _l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise NotAllowed(field, _l("Use at most %(n)d characters.", n=MAX_LENGTH))


def _new_user(email: str, password: str, role: Role, locale: str | None) -> User:
    email = normalise_email(email)
    if find_user(email) is not None:
        raise NotAllowed("email", _l("An account with this e-mail address already exists. Log in instead, or reset your password."))
    check_new_password(password)
    user = User(email=email, password_hash=hash_password(password), role=role.value,
                status=UserStatus.ACTIVE.value, locale=locale if locale in LANGUAGES else None)
    try:
        with db.session.begin_nested():  # the UNIQUE e-mail decides when two sign-ups race
            db.session.add(user)
    except IntegrityError:
        raise NotAllowed("email", _l("An account with this e-mail address already exists. Log in instead, "
                                     "or reset your password.")) from None
    return user


def _check_country(country: str) -> str:
    country = country.upper()
    if country not in country_codes():
        raise NotAllowed("country", _l("Choose a country from the list."))
    return country


def sign_up_brand(*, email: str, password: str, company_name: str, country: str,
                  default_currency: str, locale: str | None = None) -> User:
    if default_currency not in SUPPORTED_CURRENCIES:
        raise NotAllowed("default_currency", _l("Choose a currency from the list."))
    country = _check_country(country)
    user = _new_user(email, password, Role.BRAND, locale)
    user.brand = Brand(company_name=company_name.strip(), country=country,
                       default_currency=default_currency)
    db.session.flush()
    record_event("users", user.id, "signed_up", actor=user, data={"role": Role.BRAND.value})
    return user


def sign_up_creator(*, email: str, password: str, display_name: str, country: str,
                    niches: Iterable[str], locale: str | None = None) -> User:
    niches = sorted(set(niches))
    unknown = [n for n in niches if n not in NICHES]
    if unknown:
        raise NotAllowed("niches", _l("Unknown niche: %(niche)s.", niche=", ".join(unknown)))
    if not niches:
        raise NotAllowed("niches", _l("Pick at least one niche so brands can find you."))
    country = _check_country(country)
    user = _new_user(email, password, Role.CREATOR, locale)
    user.creator = Creator(display_name=display_name.strip(), country=country,
                           niche_rows=[CreatorNiche(niche=n) for n in niches])
    db.session.flush()
    record_event("users", user.id, "signed_up", actor=user, data={"role": Role.CREATOR.value})
    return user


def create_admin(*, email: str, password: str, actor: User | None = None) -> User:
    user = _new_user(email, password, Role.ADMIN, None)
    db.session.flush()
    record_event("users", user.id, "admin_created", actor=actor)
    return user


def authenticate(email: str, password: str) -> User:
    """Return the user for these credentials or raise NotAllowed with a message safe to show."""
    user = find_user(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise NotAllowed(None, _l("That e-mail and password do not match an account."))
    if user.status != UserStatus.ACTIVE:
        raise NotAllowed(None, _l("This account is suspended. Contact support if you think this is a mistake."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def change_password(user: User, *, current: str, new: str, actor: User) -> None:
    if not verify_password(user.password_hash, current):
        raise NotAllowed("current_password", _l("Your current password is not right."))
    check_new_password(new, "new_password")
    user.password_hash = hash_password(new)
    record_event("users", user.id, "password_changed", actor=actor)


def set_locale(user: User, locale: str) -> None:
    if locale not in LANGUAGES:
        raise NotAllowed("locale", _l("Choose a language from the list."))
    user.locale = locale


# Password reset ---------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    """Changes whenever the password does, so a reset link works once."""
    return user.session_fingerprint


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    expired = NotAllowed(None, _l("This reset link has expired or was already used. Ask for a new one."))
    try:
        payload = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        raise expired from None
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or user.status != UserStatus.ACTIVE or payload.get("fp") != _fingerprint(user):
        raise expired
    return user


def request_password_reset(email: str, *, link_for: Callable[[str], str]) -> None:
    """E-mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = find_user(email)
    if user is None or user.status != UserStatus.ACTIVE:
        return
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    queue_email(user.email, _l("Reset your Hashmark password"), "password_reset",
                locale=user.locale, user=user, link=link_for(make_reset_token(user)), minutes=minutes)
    record_event("users", user.id, "password_reset_requested", actor=None)


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    check_new_password(new_password)
    user.password_hash = hash_password(new_password)
    record_event("users", user.id, "password_reset", actor=user)
    return user


# Status ------------------------------------------------------------------------------------

def _admin_only(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_l("Only admins change the status of accounts."))


def suspend_user(user: User, *, actor: User, reason: str) -> None:
    _admin_only(actor)
    if user.id == actor.id:
        raise PermissionDenied(_l("You cannot suspend your own account."))
    if not reason.strip():
        raise NotAllowed("reason", _l("Say why the account is suspended; the reason is kept in the audit log."))
    transition(user, UserStatus.SUSPENDED, transitions=TRANSITIONS, actor=actor, reason=reason.strip())


def reinstate_user(user: User, *, actor: User, reason: str | None = None) -> None:
    _admin_only(actor)
    transition(user, UserStatus.ACTIVE, transitions=TRANSITIONS, actor=actor, reason=reason)
