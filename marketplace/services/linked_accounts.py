"""Creators' linked Instagram and TikTok accounts: linking them (OAuth), unlinking them, and the
tokens other services read posts with.

Tokens live encrypted in `LinkedAccount`; `usable_token` hands out a usable one, refreshing it
first when it is close to expiry, and marks the account `relink_needed` when the platform says the
grant is gone (or the token cannot be decrypted any more), so the creator is asked to link again
instead of every check failing quietly.

A linked account is the creator's proof of audience: linking copies its username into the
creator's handle and its follower count into `Creator.followers` (the larger of the linked
accounts'), which is what campaign eligibility reads.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from .. import db as tx
from .. import vault
from ..errors import InvalidTransition, NotAllowed, PermissionDenied
from ..extensions import db
from ..links import external, path_for
from ..models import (Campaign, Creator, LinkedAccount, LinkedAccountStatus, Role, Submission,
                      SubmissionStatus, User, utcnow)
from ..verification.sources import (PLATFORMS, LinkedToken, Profile, SourceError, SourceSettings,
                                    TokenError, callback_code, client_for)
from ..verification.sources.base import is_loopback
from ..verification.sources.errors import LABELS
from .audit import record_event
from .notifications import notify
from .profiles import INSTAGRAM_HANDLE, MAX_FOLLOWERS, TIKTOK_HANDLE
from .submission_states import UNDER_LIVE_WATCH
from .transitions import table, transition

log = logging.getLogger(__name__)
L = LinkedAccountStatus
TRANSITIONS = table(active={L.RELINK_NEEDED}, relink_needed={L.ACTIVE})
REFRESH_MARGIN = {"instagram": timedelta(days=7), "tiktok": timedelta(hours=1)}
# Posts read with the account's token: while one is checked, the account may not go away.
UNDER_CHECK = frozenset({SubmissionStatus.POSTED, SubmissionStatus.VERIFYING}) | UNDER_LIVE_WATCH
HANDLES = {"instagram": ("instagram_handle", INSTAGRAM_HANDLE),
           "tiktok": ("tiktok_handle", TIKTOK_HANDLE)}
CALLBACK_ENDPOINT = "creator.account_callback"
ACCOUNTS_ENDPOINT = "creator.accounts"


# -- reading ---------------------------------------------------------------------------------------
def source_settings() -> SourceSettings:
    return SourceSettings.from_mapping(current_app.config)


def is_sandbox() -> bool:
    """True when the platforms are the local sandbox (development), not Instagram and TikTok."""
    return is_loopback(source_settings().instagram_auth_base)


def account_for(creator: Creator, platform: str) -> LinkedAccount | None:
    return db.session.scalar(select(LinkedAccount).where(LinkedAccount.creator_id == creator.id,
                                                         LinkedAccount.platform == platform))


def accounts_by_platform(creator: Creator) -> dict[str, LinkedAccount | None]:
    """Every platform, in display order, with the creator's linked account on it (or None)."""
    linked = {account.platform: account for account in _accounts(creator)}
    return {platform: linked.get(platform) for platform in PLATFORMS}


def _accounts(creator: Creator) -> list[LinkedAccount]:
    return list(db.session.scalars(select(LinkedAccount).where(LinkedAccount.creator_id == creator.id)
                                   .order_by(LinkedAccount.platform)))


# -- tokens ----------------------------------------------------------------------------------------
def stored_token(account: LinkedAccount) -> LinkedToken:
    return LinkedToken(
        access_token=vault.decrypt(account.access_token_encrypted),
        expires_at=account.token_expires_at,
        refresh_token=vault.decrypt(account.refresh_token_encrypted) if account.refresh_token_encrypted else None,
        refresh_expires_at=account.refresh_expires_at,
        scopes=tuple(account.scopes or ()),
        platform_user_id=account.platform_user_id,
    )


def store_token(account: LinkedAccount, token: LinkedToken) -> None:
    account.access_token_encrypted = vault.encrypt(token.access_token)
    account.refresh_token_encrypted = vault.encrypt(token.refresh_token) if token.refresh_token else None
    account.token_expires_at = token.expires_at
    account.refresh_expires_at = token.refresh_expires_at
    account.scopes = list(token.scopes)
    account.refreshed_at = utcnow()


def usable_token(account: LinkedAccount) -> LinkedToken:
    """A token to call the platform with, refreshed first when it expires within the margin.

    A step of an entry point, like the verifier's steps: it commits after reading the account and
    after storing a refreshed token, so no transaction is open while the platform answers.
    Raises TokenError when the grant is gone or the stored token cannot be decrypted (the account
    is then `relink_needed` and the creator told), TemporarySourceError when the platform cannot
    be reached (the stored token is kept).
    """
    token, _ = _usable(account, utcnow())
    return token


@dataclass(frozen=True)
class _Held:
    """A stored token as read, with its ciphertext: linking again meanwhile changes it."""

    account_id: int
    platform: str
    token: LinkedToken
    sealed: str


def _usable(account: LinkedAccount, now: datetime) -> tuple[LinkedToken, bool]:
    """The token, and whether it was refreshed (it is when it expires within the margin of `now`)."""
    held = _hold(account)
    tx.commit()
    if held.token.expires_at - now > REFRESH_MARGIN[held.platform]:
        return held.token, False
    return _refresh(held), True


def _hold(account: LinkedAccount) -> _Held:
    if account.status == L.RELINK_NEEDED:
        raise TokenError(platform=account.platform)
    try:
        token = stored_token(account)
    except vault.VaultError:
        log.error("linked account %s: the stored token cannot be decrypted with the configured keys", account.id)
        error = TokenError(platform=account.platform, code="token_undecryptable")
        mark_relink_needed(account, error.message)
        tx.commit()
        raise error from None
    return _Held(account.id, account.platform, token, account.access_token_encrypted)


def _refresh(held: _Held) -> LinkedToken:
    """Ask the platform for a new token (no transaction open), then store it (commit)."""
    try:
        token = client_for(held.platform).refresh(source_settings(), held.token)
    except TokenError as error:
        if (account := _unchanged(held)) is not None:
            mark_relink_needed(account, error.message)
        tx.commit()
        raise
    if (account := _unchanged(held)) is not None:
        store_token(account, token)
    tx.commit()
    return token


def _unchanged(held: _Held) -> LinkedAccount | None:
    """The account, unless it was unlinked or linked again while the platform answered."""
    account = db.session.get(LinkedAccount, held.account_id)
    return account if account is not None and account.access_token_encrypted == held.sealed else None


def mark_relink_needed(account: LinkedAccount, why: str) -> None:
    """The platform refused the account's token (or it cannot be decrypted): the creator has to
    link again. Audited, and the creator is told; an account already waiting is left as it is."""
    if account.status != L.ACTIVE:
        return
    account.last_error = why
    transition(account, L.RELINK_NEEDED, transitions=TRANSITIONS, actor=None, reason=why)
    notify(account.creator.user, "relink_needed", link=path_for(ACCOUNTS_ENDPOINT), platform=LABELS[account.platform])


def refresh_expiring(now: datetime) -> int:
    """Refresh the tokens of active accounts that expire within their platform's margin, then
    re-read their profiles (follower counts move; Instagram's picture links expire). Run by the
    due-work sweep. Each account commits on its own - read, commit, call the platform, store,
    commit - so no transaction is open while a platform answers and one account never stops the
    others.

    A refused or undecryptable token marks the account `relink_needed` and tells the creator; a
    platform that cannot be reached keeps the stored token for the next run. Returns how many
    were refreshed.
    """
    due = or_(*(and_(LinkedAccount.platform == platform, LinkedAccount.token_expires_at <= now + margin)
                for platform, margin in REFRESH_MARGIN.items()))
    ids = list(db.session.scalars(select(LinkedAccount.id).where(LinkedAccount.status == L.ACTIVE, due)
                                  .order_by(LinkedAccount.id)))
    refreshed: list[int] = []
    tx.run_each(ids, lambda account_id: _refresh_due(account_id, now, refreshed),
                what="token refresh of linked account")
    return len(refreshed)


def _refresh_due(account_id: int, now: datetime, refreshed: list[int]) -> None:
    account = db.session.get(LinkedAccount, account_id)
    if account is None or account.status != L.ACTIVE:
        return
    platform = account.platform
    try:
        token, renewed = _usable(account, now)
    except (SourceError, InvalidTransition) as error:  # refused (the creator is told), unreachable, changed
        tx.rollback()
        log.warning("%s token of linked account %s not refreshed: %s", platform, account_id,
                    getattr(error, "code", type(error).__name__))
        return
    if renewed:
        refreshed.append(account_id)
        _reread_profile(account_id, platform, token)


def _reread_profile(account_id: int, platform: str, token: LinkedToken) -> None:
    """Bring the stored profile up to date (read with no transaction open, then commit); a failed
    read keeps the old one until the next try."""
    try:
        profile = client_for(platform).profile(source_settings(), token)
    except SourceError as error:
        log.warning("%s profile of linked account %s not read: %s", platform, account_id, error.code)
        return
    account = db.session.get(LinkedAccount, account_id)
    if account is None:
        return
    _apply_profile(account, profile)
    _sync_creator(account.creator, actor=None)
    tx.commit()


# -- linking ---------------------------------------------------------------------------------------
def callback_url(platform: str) -> str:
    """Where the platform sends the creator back: absolute, on PUBLIC_URL (never the request's
    Host), and registered as a redirect URI of the platform app."""
    return external(CALLBACK_ENDPOINT, platform=platform)


def begin_link(creator: Creator, platform: str) -> tuple[str, str]:
    """The platform's consent page to send the creator to, and the random `state` the caller
    keeps (in the session) to check the callback against."""
    state = secrets.token_urlsafe(32)
    url = client_for(platform).authorize_url(source_settings(), redirect_uri=callback_url(platform),
                                             state=state)
    log.info("creator %s starts linking %s", creator.id, platform)
    return url, state


def complete_link(creator: Creator, platform: str, args: Mapping[str, str], expected_state: str,
                  redirect_uri: str) -> LinkedAccount:
    """Finish linking on the callback: check `state`, exchange the code, read the profile, then
    save the account (tokens encrypted) and bring the creator's handle and followers in step.

    The platform is called before the database is touched, so the caller need not hold a
    transaction open meanwhile. Raises the sources' errors (OAuthRefused, NotProfessionalAccount,
    ScopeMissing, TokenError, TemporarySourceError...) before storing anything, and NotAllowed when
    the platform account is another creator's, or a post under check ties the creator to the
    account linked now; the caller rolls back.
    """
    client, settings = client_for(platform), source_settings()
    code = callback_code(platform, args, expected_state=expected_state)
    token = client.exchange_code(settings, code=code, redirect_uri=redirect_uri)
    profile = client.profile(settings, token)
    platform_user_id = token.platform_user_id or profile.user_id

    actor = creator.user
    account = account_for(creator, platform)
    if account is not None and account.platform_user_id != platform_user_id:
        if campaigns := _campaigns_under_check(creator, platform):
            raise NotAllowed(None, _l(
                "You cannot switch to another %(platform)s account while Hashmark is checking "
                "your post for %(campaigns)s with the linked one (@%(username)s). Link the other "
                "account once those checks are over.", platform=LABELS[platform],
                username=account.username, campaigns=campaigns))
        _remove(account, actor=actor, reason="another account linked")
        account = None
    action = "relinked" if account is not None else "linked"
    if account is None:
        account = LinkedAccount(creator_id=creator.id, platform=platform,
                                platform_user_id=platform_user_id)
    _apply_profile(account, profile)
    store_token(account, token)
    account.last_error = None
    try:
        with db.session.begin_nested():  # the UNIQUE constraints decide races, not a prior read
            db.session.add(account)
            db.session.flush()
    except IntegrityError:
        raise _already_linked(creator, platform, platform_user_id) from None
    if account.status == L.RELINK_NEEDED:
        transition(account, L.ACTIVE, transitions=TRANSITIONS, actor=actor, reason="linked again")
    record_event("linked_accounts", account.id, action, actor=actor,
                 data={"platform": platform, "username": account.username,
                       "platform_user_id": platform_user_id, "scopes": list(token.scopes)})
    _sync_creator(creator, actor=actor)
    return account


def _apply_profile(account: LinkedAccount, profile: Profile) -> None:
    account.username = (profile.username or account.username or profile.user_id)[:64]
    account.display_name = profile.display_name[:120]
    account.account_type = profile.account_type[:32] if profile.account_type else None
    if profile.followers is not None:  # TikTok sends it only with the stats permission
        account.followers = profile.followers
    picture = profile.picture_url or ""
    account.picture_url = picture if picture.startswith("https://") else None


def _already_linked(creator: Creator, platform: str, platform_user_id: str) -> NotAllowed:
    holder = db.session.scalar(select(LinkedAccount.creator_id).where(
        LinkedAccount.platform == platform, LinkedAccount.platform_user_id == platform_user_id))
    label = LABELS[platform]
    if holder is not None and holder != creator.id:
        log.info("creator %s tried to link a %s account linked to creator %s", creator.id, platform,
                 holder)
        return NotAllowed(None, _l(
            "This %(platform)s account is already linked to another Hashmark creator, and a "
            "%(platform)s account can belong to one creator only. If it is yours, unlink it from "
            "the other Hashmark account first, or contact support.", platform=label))
    return NotAllowed(None, _l(
        "Your %(platform)s account was being linked at the same moment, for example in another "
        "tab. Reload the page to see whether it is linked.", platform=label))


def _sync_creator(creator: Creator, *, actor: User | None) -> None:
    """Copy the linked accounts' usernames into the creator's handles, and the largest follower
    count into `followers` (kept as it is while no linked account reports one). Audited."""
    accounts = _accounts(creator)
    wanted: dict[str, object] = {}
    for account in accounts:
        field, pattern = HANDLES[account.platform]
        handle = account.username.lower()
        if pattern.fullmatch(handle):
            wanted[field] = handle
    counts = [account.followers for account in accounts if account.followers is not None]
    if counts:
        wanted["followers"] = min(max(counts), MAX_FOLLOWERS)
    changed = sorted(name for name, value in wanted.items() if getattr(creator, name) != value)
    for name in changed:
        setattr(creator, name, wanted[name])
    if changed:
        db.session.flush()
        record_event("creators", creator.id, "profile_synced", actor=actor,
                     data={"changed": changed, "followers": creator.followers})


# -- unlinking -------------------------------------------------------------------------------------
def unlink(account: LinkedAccount, *, actor: User) -> None:
    """Forget the account and its tokens (audited). Refused while a post of the creator on that
    platform is being verified or watched, since those checks read it with this account."""
    creator = account.creator
    if actor.role != Role.ADMIN and actor.id != creator.user_id:
        raise PermissionDenied(_l("Creators unlink only their own accounts."))
    if campaigns := _campaigns_under_check(creator, account.platform):
        raise NotAllowed(None, _l(
            "You cannot unlink %(platform)s yet: Hashmark is checking your post for "
            "%(campaigns)s with this account (it is being verified, or watched to make sure it "
            "stays live). You can unlink it once those checks are over.",
            platform=LABELS[account.platform], campaigns=campaigns))
    _remove(account, actor=actor, reason="unlinked")
    _sync_creator(creator, actor=actor)


def _campaigns_under_check(creator: Creator, platform: str) -> str:
    """The campaigns whose posts on `platform` are being verified or watched ("" if none)."""
    titles = db.session.scalars(
        select(Campaign.title).join(Submission, Submission.campaign_id == Campaign.id)
        .where(Submission.creator_id == creator.id, Submission.platform == platform,
               Submission.status.in_(UNDER_CHECK))
        .order_by(Submission.id)).all()
    return ", ".join(f"“{title}”" for title in titles)


def _remove(account: LinkedAccount, *, actor: User | None, reason: str) -> None:
    record_event("linked_accounts", account.id, "unlinked", actor=actor, reason=reason,
                 data={"platform": account.platform, "username": account.username,
                       "platform_user_id": account.platform_user_id})
    db.session.delete(account)
    db.session.flush()  # before a new account of the same platform is inserted
