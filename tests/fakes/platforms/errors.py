"""Platform-shaped errors: Graph API, Instagram OAuth, TikTok API envelope, TikTok OAuth.

Shapes follow `platform_api_shapes.json` where it has them (expired token, unsupported metric,
not enough viewers, TikTok access_token_invalid / scope_not_authorized / rate_limit_exceeded);
the others follow the platforms' documented error structs (see the package docstring).
"""
from __future__ import annotations

import secrets

from .core import Obj, log_id


class FakeApiError(Exception):
    """An error answered as JSON with `status`."""

    status: int = 400

    def body(self) -> Obj:
        raise NotImplementedError


class GraphError(FakeApiError):
    """graph.instagram.com: `{"error": {"message", "type", "code", ["error_subcode"],
    ["is_transient"], "fbtrace_id"}}`."""

    def __init__(self, message: str, *, code: int, status: int = 400, type: str = "OAuthException",
                 subcode: int | None = None, transient: bool | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.status, self.type = message, code, status, type
        self.subcode, self.transient = subcode, transient

    def body(self) -> Obj:
        err: Obj = {"message": self.message, "type": self.type, "code": self.code}
        if self.subcode is not None:
            err["error_subcode"] = self.subcode
        if self.transient is not None:
            err["is_transient"] = self.transient
        err["fbtrace_id"] = "A" + secrets.token_urlsafe(16)[:22]
        return {"error": err}


class IgOAuthError(FakeApiError):
    """api.instagram.com/oauth/*: `{"error_type": "OAuthException", "code", "error_message"}`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status

    def body(self) -> Obj:
        return {"error_type": "OAuthException", "code": self.status, "error_message": self.message}


class TikTokError(FakeApiError):
    """open.tiktokapis.com API: `{"data": {}, "error": {"code", "message", "log_id"}}`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> Obj:
        return {"data": {}, "error": {"code": self.code, "message": self.message,
                                      "log_id": log_id()}}


class TikTokOAuthError(FakeApiError):
    """open.tiktokapis.com/v2/oauth/*: `{"error", "error_description", "log_id"}`."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def body(self) -> Obj:
        return {"error": self.error, "error_description": self.description, "log_id": log_id()}


class RawError(FakeApiError):
    """An injected error with a body given verbatim."""

    def __init__(self, status: int, body: Obj) -> None:
        super().__init__(str(body))
        self.status, self._body = status, body

    def body(self) -> Obj:
        return self._body


# -- the canonical errors ----------------------------------------------------------------------
def ig_invalid_token() -> GraphError:
    return GraphError("Invalid OAuth access token - Cannot parse access token", code=190)


def ig_expired_token() -> GraphError:
    return GraphError("Error validating access token: Session has expired", code=190, subcode=463)


def ig_no_object(oid: str) -> GraphError:
    """Another user's (or a deleted, archived, unknown) object: 'Unsupported get request'."""
    return GraphError(
        f"Unsupported get request. Object with ID '{oid}' does not exist, cannot be loaded due to "
        "missing permissions, or does not support this operation. Please read the Graph API "
        "documentation at https://developers.facebook.com/docs/graph-api",
        code=100, subcode=33, type="GraphMethodException")


def ig_permission(message: str = "") -> GraphError:
    return GraphError(f"(#10) {message or 'Application does not have permission for this action'}",
                      code=10)


def ig_param(message: str) -> GraphError:
    return GraphError(f"(#100) {message}", code=100)


def tt_invalid_token() -> TikTokError:
    return TikTokError(401, "access_token_invalid",
                       "The access token is invalid or not found in the request.")


def tt_scope() -> TikTokError:
    return TikTokError(401, "scope_not_authorized", "The user did not authorize the scope required "
                       "for completing this request.")


def tt_params(message: str) -> TikTokError:
    return TikTokError(400, "invalid_params", message)


# -- injected errors ---------------------------------------------------------------------------
BODY_KINDS = ("rate_limit", "server_error", "invalid_token", "expired_token", "permission",
              "invalid_params", "unsupported_metric", "not_enough_viewers")


def injected(platform: str, kind: str, status: int | None, oauth: bool,
             body: Obj | None = None) -> FakeApiError:
    """The error an `inject_error` rule answers with (OAuth token endpoints get OAuth shapes)."""
    if body is not None:
        return RawError(status or 500, body)
    if kind not in BODY_KINDS:
        raise ValueError(f"body_kind must be one of {BODY_KINDS}")
    if oauth:
        return _injected_oauth(platform, kind, status)
    err: FakeApiError
    if platform == "tiktok":
        err = {"rate_limit": TikTokError(429, "rate_limit_exceeded",
                                         "The API rate limit was exceeded."),
               "server_error": TikTokError(500, "internal_error",
                                           "Something went wrong. Please try again later."),
               "invalid_token": tt_invalid_token(), "expired_token": tt_invalid_token(),
               "permission": tt_scope()}.get(kind) \
            or tt_params("One or more fields in the request are invalid.")
    else:
        err = {"rate_limit": GraphError("(#4) Application request limit reached", code=4,
                                        transient=True),
               "server_error": GraphError("An unexpected error has occurred. Please retry your "
                                          "request later.", code=2, status=500, transient=True),
               "invalid_token": ig_invalid_token(), "expired_token": ig_expired_token(),
               "permission": ig_permission(),
               "unsupported_metric": ig_param("The Media Insights API does not support the "
                                              "impressions metric for this media product type."),
               "not_enough_viewers": GraphError("(#10) Not enough viewers for the media to show "
                                                "insights", code=10),
               }.get(kind) or ig_param("Invalid parameter")
    if status is not None:
        err.status = status
    return err


def _injected_oauth(platform: str, kind: str, status: int | None) -> FakeApiError:
    error, text, default = {
        "rate_limit": ("rate_limit_exceeded", "The API rate limit was exceeded.", 429),
        "server_error": ("server_error", "The authorization server encountered an unexpected "
                         "condition.", 500),
    }.get(kind, ("invalid_grant", "The provided grant is invalid (injected).", 400))
    if platform == "tiktok":
        return TikTokOAuthError(error, text, status or default)
    return IgOAuthError(text, status or default)
