"""Errors of the platform sources. Every message is plain English, safe to show to a creator or a
brand, and never holds a token, a code or a client secret.

Messages are `N_` templates with `%(name)s` parameters (`params`), so the web layer can translate
them with `err.render(gettext)`; `str(err)` and `err.message` are the English text.
"""

from __future__ import annotations

from ...errors import DomainError
from ..text import N_, Gettext, render_message, untranslated

LABELS = {"instagram": "Instagram", "tiktok": "TikTok"}


class SourceError(DomainError):
    """A platform could not give us what we asked for. `code` is a stable machine-readable reason
    (e.g. `invalid_url`, `post_not_found`); `platform` is `instagram` or `tiktok`."""

    default_code = "source_error"

    def __init__(self, template: str, *, platform: str, code: str | None = None,
                 **params: object) -> None:
        self.template = template
        self.params = {"platform": LABELS.get(platform, platform), **params}
        self.platform = platform
        self.code = code or self.default_code
        super().__init__(render_message(template, self.params))

    def render(self, gettext: Gettext = untranslated) -> str:
        """The message in the reader's language."""
        return render_message(self.template, self.params, gettext)


class TemporarySourceError(SourceError):
    """Network trouble, a timeout, a platform outage or a rate limit: try again later.
    `retry_after` is the wait in seconds the platform asked for, when it said so."""

    default_code = "temporarily_unavailable"

    def __init__(self, template: str = N_("%(platform)s did not answer properly just now. "
                                          "We will try again in a few minutes."), *,
                 platform: str, code: str | None = None, retry_after: float | None = None,
                 **params: object) -> None:
        super().__init__(template, platform=platform, code=code, **params)
        self.retry_after = retry_after


class TokenError(SourceError):
    """The creator's access token expired or was revoked: the creator must link again."""

    default_code = "token_invalid"

    def __init__(self, template: str = N_("Your %(platform)s connection has expired or was "
                                          "removed. Link your %(platform)s account again."), *,
                 platform: str, code: str | None = None, **params: object) -> None:
        super().__init__(template, platform=platform, code=code, **params)


class NotProfessionalAccount(SourceError):
    """An Instagram personal account: the API only serves Business and Creator accounts."""

    default_code = "not_professional_account"

    def __init__(self, template: str = N_(
            "This Instagram account is a personal account, and Instagram only lets apps read "
            "posts of professional accounts. In the Instagram app open Settings, then "
            "“Account type and tools”, choose “Switch to professional account” and pick Creator "
            "or Business (it is free and you keep your posts). Then link the account again."), *,
            platform: str = "instagram", code: str | None = None, **params: object) -> None:
        super().__init__(template, platform=platform, code=code, **params)


class ScopeMissing(SourceError):
    """The creator did not grant a permission we need (unticked on the consent page)."""

    default_code = "scope_missing"

    def __init__(self, template: str = N_(
            "Hashmark needs permission to read your %(platform)s profile and posts, and it was "
            "not granted. Link your %(platform)s account again and keep every permission ticked."),
            *, platform: str, code: str | None = None, **params: object) -> None:
        super().__init__(template, platform=platform, code=code, **params)


class PostNotFound(SourceError):
    """The post is unknown, deleted, archived or private, or belongs to someone else: the platform
    answers the same way for all of these."""

    default_code = "post_not_found"

    def __init__(self, template: str = N_(
            "%(platform)s did not return this post for your linked account. It may have been "
            "deleted, archived or made private, or it belongs to another account; %(platform)s "
            "does not tell us which. Check that the post is public and was published from the "
            "account you linked."), *,
            platform: str, code: str | None = None, **params: object) -> None:
        super().__init__(template, platform=platform, code=code, **params)


class OAuthRefused(SourceError):
    """Linking did not complete: the creator cancelled, or the code was bad, expired or used, or
    the callback's state did not match."""

    default_code = "oauth_refused"

    def __init__(self, template: str = N_("%(platform)s did not confirm the link to your "
                                          "account. Start linking again."), *,
                 platform: str, code: str | None = None, **params: object) -> None:
        super().__init__(template, platform=platform, code=code, **params)
