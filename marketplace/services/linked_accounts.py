"""Creators' linked Instagram and TikTok accounts: the tokens other services read posts with.

Tokens live encrypted in `LinkedAccount`; `token_for` hands out a usable one, refreshing it first
when it is close to expiry, and marks the account `relink_needed` when the platform says the
grant is gone, so the creator is asked to link again instead of every check failing quietly.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from .. import vault
from ..extensions import db
from ..models import Creator, LinkedAccount, LinkedAccountStatus, utcnow
from ..verification.sources import LinkedToken, SourceSettings, TokenError, client_for
from .transitions import table, transition

L = LinkedAccountStatus
TRANSITIONS = table(active={L.RELINK_NEEDED}, relink_needed={L.ACTIVE})
REFRESH_MARGIN = {"instagram": timedelta(days=7), "tiktok": timedelta(hours=1)}


def source_settings() -> SourceSettings:
    return SourceSettings.from_mapping(current_app.config)


def account_for(creator: Creator, platform: str) -> LinkedAccount | None:
    return db.session.scalar(select(LinkedAccount).where(LinkedAccount.creator_id == creator.id,
                                                         LinkedAccount.platform == platform))


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


def token_for(account: LinkedAccount) -> LinkedToken:
    """A token to call the platform with, refreshed first when it expires within the margin.

    Raises TokenError (after marking the account `relink_needed`) when the grant is gone, and
    TemporarySourceError when the platform cannot be reached (the stored token is kept).
    """
    if account.status == LinkedAccountStatus.RELINK_NEEDED:
        raise TokenError(platform=account.platform)
    token = stored_token(account)
    if token.expires_at - utcnow() > REFRESH_MARGIN[account.platform]:
        return token
    try:
        token = client_for(account.platform).refresh(source_settings(), token)
    except TokenError as error:
        mark_relink_needed(account, error.message)
        raise
    store_token(account, token)
    db.session.flush()
    return token


def mark_relink_needed(account: LinkedAccount, why: str) -> None:
    """The platform refused the token: the creator has to link again (audited)."""
    account.last_error = why
    transition(account, L.RELINK_NEEDED, transitions=TRANSITIONS, actor=None, reason=why)
