"""Security headers on every response, and the same-site check for `next=` redirects."""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, request

# Forms that pay or onboard end in a redirect to Stripe's own pages, and browsers apply
# form-action to such redirects too.
STRIPE_FORM_TARGETS = ("https://checkout.stripe.com", "https://connect.stripe.com")
# Where Instagram and TikTok serve profile pictures (only the linked-accounts page shows them).
PLATFORM_PICTURES = ("https://*.cdninstagram.com", "https://*.fbcdn.net", "https://*.tiktokcdn.com",
                     "https://*.tiktokcdn-us.com", "https://*.tiktokcdn-eu.com")
_WIDENED = "_csp_widened"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(stripe_api_base: str | None, *, images: Iterable[str] = (),
                            form_targets: Iterable[str] = ()) -> str:
    """The policy of every page; `images` and `form_targets` add sources for one page."""
    targets = ["'self'", *STRIPE_FORM_TARGETS]
    if stripe_api_base:  # the offline sandbox serves its checkout and onboarding pages itself
        targets.append(origin(stripe_api_base))
    for target in form_targets:
        if target not in targets:
            targets.append(target)
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        " ".join(["img-src 'self' data:", *images]),
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action " + " ".join(targets),
        "frame-ancestors 'none'",
    ])


def widen_policy(*, images: Iterable[str] = (), form_targets: Iterable[str] = ()) -> None:
    """Let this response alone show images from `images` and end its forms on the origins of
    `form_targets` (URLs): e.g. the linked-accounts page, whose link buttons redirect to the
    platforms' consent pages. Every other page keeps the tight policy."""
    widened = g.setdefault(_WIDENED, {"images": [], "form_targets": []})
    widened["images"] += [source for source in images if source not in widened["images"]]
    widened["form_targets"] += [origin(url) for url in form_targets]


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def register_security(app: Flask) -> None:
    csp = content_security_policy(app.config.get("STRIPE_API_BASE"))
    @app.before_request
    def _refuse_nul_bytes():
        """No text field ever needs a NUL byte, and PostgreSQL refuses them: answer 400 up front."""
        if "\x00" in request.path or _has_nul(request.args.values()) or (
                request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
                and _has_nul(request.form.values())):
            abort(400)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        widened = g.pop(_WIDENED, None)
        headers.setdefault("Content-Security-Policy", csp if widened is None else content_security_policy(
            app.config.get("STRIPE_API_BASE"), **widened))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response
