"""A stateful fake of Instagram (Instagram API with Instagram Login) and TikTok (Login Kit v2 +
Display API) in one WSGI app, for the tests and as the offline sandbox of `make run`.

Both platforms are served by one server, told apart by path prefix; every real host of a
platform maps to the same prefix (no path collides):

    https://www.instagram.com, https://api.instagram.com, https://graph.instagram.com -> /instagram
    https://www.tiktok.com, https://open.tiktokapis.com                            -> /tiktok

so `https://graph.instagram.com/v23.0/me` is `{url}/instagram/v23.0/me` and
`https://open.tiktokapis.com/v2/video/query/` is `{url}/tiktok/v2/video/query/`. The consent pages
are labelled "Sandbox Instagram/TikTok — no real account"; `GET /` is a human sandbox page to
create accounts and publish, edit, archive or delete posts. Test hooks are Python methods on
`FakePlatforms` and HTTP routes under `/_fake/` (see hooks.py).

Resolving a pasted post URL: Instagram `https://www.instagram.com/p/<shortcode>/` (or `/reel/`,
`/reels/`, `/tv/`, `/<username>/p/`) -> page through `{ig-user-id}/media?fields=shortcode,...`
of the creator's own account and match `shortcode`; TikTok
`https://www.tiktok.com/@<username>/video/<id>` -> `video/query` with `video_ids=[<id>]`.
"""
from .app import FakePlatforms
from .errors import BODY_KINDS, FakeApiError
from .server import FakePlatformsServer

__all__ = ["BODY_KINDS", "FakeApiError", "FakePlatforms", "FakePlatformsServer"]
