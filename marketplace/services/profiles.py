"""Creator profiles: what brands see, and what the marketplace matches campaigns against.

Handles and follower counts are self-reported until the creator links the Instagram or TikTok
account; from then on the platform's own values stand and typed ones are ignored. Handles are
checked against each platform's username rules.
"""
from __future__ import annotations

import re
from typing import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalog import NICHES, country_codes
from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..models import Creator, CreatorNiche, LinkedAccount, User
from .audit import record_event

MAX_DISPLAY_NAME = 80
MAX_BIO = 1000
MAX_FOLLOWERS = 1_000_000_000
INSTAGRAM_HANDLE = re.compile(r"[A-Za-z0-9._]{1,30}")
TIKTOK_HANDLE = re.compile(r"[A-Za-z0-9._]{2,24}")


def _handle(raw: str | None, pattern: re.Pattern[str], field: str, message) -> str | None:
    """A username without its leading @, lower-cased as both platforms treat it; None when blank."""
    value = (raw or "").strip()
    if value.startswith(("@", "＠")):
        value = value[1:]
    if not value:
        return None
    if not pattern.fullmatch(value):
        raise NotAllowed(field, message)
    return value.lower()


def update_creator_profile(creator: Creator, *, actor: User, display_name: str, country: str,
                           niches: Iterable[str], bio: str, instagram_handle: str | None,
                           tiktok_handle: str | None, followers: int) -> Creator:
    """Check every field, then save; raises NotAllowed naming the first field that breaks a rule."""
    if actor.creator is None or actor.creator.id != creator.id:
        raise PermissionDenied(_l("Creators edit only their own profile."))

    display_name = (display_name or "").strip()
    if not display_name:
        raise NotAllowed("display_name", _l("Enter the name brands will see."))
    if len(display_name) > MAX_DISPLAY_NAME:
        raise NotAllowed("display_name", _l("Use at most %(n)d characters.", n=MAX_DISPLAY_NAME))
    country = (country or "").strip().upper()
    if country not in country_codes():
        raise NotAllowed("country", _l("Choose a country from the list."))
    niches = sorted(set(niches))
    if set(niches) - set(NICHES):
        raise NotAllowed("niches", _l("Choose niches from the list."))
    if not niches:
        raise NotAllowed("niches", _l("Pick at least one niche so campaigns can be matched to you."))
    bio = (bio or "").strip()
    if len(bio) > MAX_BIO:
        raise NotAllowed("bio", _l("Keep the bio under %(n)d characters (it has %(count)d).", n=MAX_BIO, count=len(bio)))
    instagram = _handle(instagram_handle, INSTAGRAM_HANDLE, "instagram_handle",
                        _l("An Instagram username has 1 to 30 characters: letters, digits, dots and underscores."))
    tiktok = _handle(tiktok_handle, TIKTOK_HANDLE, "tiktok_handle",
                     _l("A TikTok username has 2 to 24 characters: letters, digits, dots and underscores."))
    if isinstance(followers, bool) or not isinstance(followers, int) or not 0 <= followers <= MAX_FOLLOWERS:
        raise NotAllowed("followers", _l("Enter a whole number between 0 and %(n)s.", n=f"{MAX_FOLLOWERS:,}"))

    linked = {account.platform: account for account in db.session.scalars(
        select(LinkedAccount).where(LinkedAccount.creator_id == creator.id))}
    if "instagram" in linked:
        instagram = linked["instagram"].username.lower()
    if "tiktok" in linked:
        tiktok = linked["tiktok"].username.lower()
    if linked:
        followers = max(account.followers or 0 for account in linked.values())

    new = {"display_name": display_name, "country": country, "bio": bio, "instagram_handle": instagram,
           "tiktok_handle": tiktok, "followers": followers}
    changed = sorted(name for name, value in new.items() if getattr(creator, name) != value)
    for name in changed:
        setattr(creator, name, new[name])
    if creator.niches != niches:
        changed.append("niches")
        # keep the rows that stay (no delete + insert of the same key), add the new ones, in order
        kept = {row.niche: row for row in creator.niche_rows}
        creator.niche_rows = [kept.get(niche) or CreatorNiche(niche=niche) for niche in niches]
    db.session.flush()
    if changed:
        record_event("creators", creator.id, "profile_updated", actor=actor,
                     data={"changed": changed, "followers": followers})
    return creator
