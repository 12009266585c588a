"""Shared plumbing of the platform sources: settings, HTTP, JSON replies, the OAuth callback.

Nothing here knows Flask's request or the database; callers pass plain values.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from ..text import N_
from .errors import OAuthRefused, SourceError, TemporarySourceError

log = logging.getLogger(__name__)
USER_AGENT = "Hashmark/1.0"


@dataclass(frozen=True)
class SourceSettings:
    """Where the platforms live and who we are to them. Client secrets are kept out of `repr`.

    Instagram has three hosts: `auth` (www.instagram.com, the consent page), `api`
    (api.instagram.com, the code exchange) and `graph` (graph.instagram.com, everything else).
    TikTok has `auth` (www.tiktok.com) and `api` (open.tiktokapis.com).
    """

    instagram_auth_base: str = "https://www.instagram.com"
    instagram_api_base: str = "https://api.instagram.com"
    instagram_graph_base: str = "https://graph.instagram.com"
    instagram_graph_version: str = "v23.0"
    instagram_client_id: str = ""
    instagram_client_secret: str = field(default="", repr=False)
    tiktok_auth_base: str = "https://www.tiktok.com"
    tiktok_api_base: str = "https://open.tiktokapis.com"
    tiktok_client_key: str = ""
    tiktok_client_secret: str = field(default="", repr=False)
    timeout: float = 10.0

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> SourceSettings:
        """Read the Flask config keys (`INSTAGRAM_*`, `TIKTOK_*`, `PLATFORM_TIMEOUT`); a missing or
        empty key keeps the production default."""
        defaults = cls()

        def get(key: str, default: str) -> str:
            value = config.get(key)
            return str(value).strip() if value not in (None, "") else default

        def base(key: str, default: str) -> str:
            return get(key, default).rstrip("/")

        timeout = config.get("PLATFORM_TIMEOUT")
        return cls(
            instagram_auth_base=base("INSTAGRAM_AUTH_BASE", defaults.instagram_auth_base),
            instagram_api_base=base("INSTAGRAM_API_BASE", defaults.instagram_api_base),
            instagram_graph_base=base("INSTAGRAM_GRAPH_BASE", defaults.instagram_graph_base),
            instagram_graph_version=get("INSTAGRAM_GRAPH_VERSION",
                                        defaults.instagram_graph_version),
            instagram_client_id=get("INSTAGRAM_CLIENT_ID", ""),
            instagram_client_secret=get("INSTAGRAM_CLIENT_SECRET", ""),
            tiktok_auth_base=base("TIKTOK_AUTH_BASE", defaults.tiktok_auth_base),
            tiktok_api_base=base("TIKTOK_API_BASE", defaults.tiktok_api_base),
            tiktok_client_key=get("TIKTOK_CLIENT_KEY", ""),
            tiktok_client_secret=get("TIKTOK_CLIENT_SECRET", ""),
            timeout=float(timeout) if timeout not in (None, "") else defaults.timeout,
        )


def is_loopback(url: str) -> bool:
    """True for http(s)://localhost, 127.0.0.0/8 or [::1] (the local fake)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def open_session(*base_urls: str) -> requests.Session:
    """A session for the given hosts. Proxy variables are ignored only when every base is on
    loopback (the local fake); real platforms go through whatever proxy the environment sets."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.trust_env = not (base_urls and all(is_loopback(url) for url in base_urls))
    return session


@dataclass(frozen=True)
class Reply:
    """A platform's answer: HTTP status, the JSON object (None if the body was not one), headers."""

    status: int
    body: dict[str, Any] | None
    headers: Mapping[str, str]


def send(session: requests.Session, method: str, url: str, *, platform: str, timeout: float,
         operation: str, **kwargs: Any) -> Reply:
    """One HTTP call. Connection trouble becomes TemporarySourceError; the URL (which may carry a
    token) is never logged nor chained into the raised error."""
    try:
        response = session.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.Timeout:
        log.warning("%s %s: timed out after %ss", platform, operation, timeout)
        error: SourceError = TemporarySourceError(
            N_("%(platform)s took too long to answer. We will try again in a few minutes."),
            platform=platform, code="timeout")
    except requests.RequestException as exc:
        log.warning("%s %s: connection failed (%s)", platform, operation, type(exc).__name__)
        error = TemporarySourceError(
            N_("We could not reach %(platform)s. We will try again in a few minutes."),
            platform=platform, code="network")
    else:
        try:
            body = response.json()
        except ValueError:
            body = None
        return Reply(response.status_code, body if isinstance(body, dict) else None,
                     response.headers)
    raise error


def unexpected(reply: Reply, *, platform: str, operation: str) -> SourceError:
    """The error for an answer in no shape we know: temporary for 5xx and 429, else permanent."""
    log.warning("%s %s: unexpected answer (HTTP %s)", platform, operation, reply.status)
    if reply.status >= 500 or reply.status == 429:
        return TemporarySourceError(platform=platform, code="server_error",
                                    retry_after=retry_after(reply.headers))
    return SourceError(N_("%(platform)s gave an answer we did not understand. Try again later; "
                          "if it keeps happening, contact support."),
                       platform=platform, code="unexpected_answer")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or HTTP date), if there is one."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def scrub(text: str, *secrets: str | None) -> str:
    """`text` with every given secret (token, code, client secret) replaced, cut for a log line."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text[:300]


def expires_in(seconds: Any, now: datetime | None = None) -> datetime:
    """An aware UTC expiry from a platform's `expires_in` seconds."""
    return (now or datetime.now(UTC)) + timedelta(seconds=int(seconds))


def as_int(value: Any) -> int | None:
    """An int from a JSON number or numeric string; None for anything else."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def split_scopes(value: Any) -> tuple[str, ...]:
    """Scopes from a comma or space separated string or a list, in order, without repeats."""
    items = value if isinstance(value, list) else str(value or "").replace(" ", ",").split(",")
    return tuple(dict.fromkeys(str(s).strip() for s in items if str(s).strip()))


def callback_code(platform: str, args: Mapping[str, str], *, expected_state: str) -> str:
    """The authorization code from the OAuth callback's query arguments, after checking `state`
    against the one the caller stored before sending the creator to the consent page.

    Raises OAuthRefused when the creator cancelled, the state does not match, or no code came.
    """
    if args.get("error"):
        if args["error"] == "access_denied":
            raise OAuthRefused(N_("You cancelled linking your %(platform)s account; nothing was "
                                  "linked. You can link it again at any time."),
                               platform=platform, code="access_denied")
        raise OAuthRefused(platform=platform, code="authorization_error")
    state = args.get("state") or ""
    if not expected_state or not hmac.compare_digest(state.encode(), expected_state.encode()):
        raise OAuthRefused(N_("This %(platform)s sign-in did not start here or has expired "
                              "(for example it was opened in another tab). Start linking again."),
                           platform=platform, code="state_mismatch")
    code = (args.get("code") or "").removesuffix("#_")
    if not code:
        raise OAuthRefused(platform=platform, code="missing_code")
    return code


def split_link(url: str) -> tuple[str, str] | None:
    """A pasted post link as (lower-case host, path), or None unless it is a plain http(s) link
    (no port, no credentials). A missing scheme means https."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or port is not None or parts.username is not None \
            or parts.password is not None:
        return None
    return (parts.hostname or "").lower(), parts.path
