"""The human sandbox page `GET /`: accounts and posts, with forms that call the `/_fake/` hooks."""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from werkzeug.wrappers import Response

from .core import IG_ACCOUNT_TYPES, IG_MEDIA_TYPES, Account, Post, ig_time

if TYPE_CHECKING:
    from .app import FakePlatforms

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;"
          "padding:0 1rem}.sandbox{background:#fff3cd;border:2px dashed #b58a00;"
          "padding:.6rem 1rem;font-weight:700}.error{color:#a00;font-weight:700}"
          ".row{display:block;margin:.3rem 0}fieldset{margin:.6rem 0}"
          "button{font-size:1rem;padding:.3rem .9rem;margin:.2rem .2rem 0 0}"
          "textarea{width:100%;font:inherit}pre{white-space:pre-wrap;background:#f6f6f6;"
          "padding:.4rem}.post{border-top:1px solid #ccc;padding:.5rem 0}.gone{opacity:.55}"
          "form.inline{display:inline}small{color:#555}")
BANNER = "Sandbox Instagram & TikTok — no real accounts; nothing is published anywhere"


def html(title: str, banner: str, body: str, status: int = 200) -> Response:
    page = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><p class=sandbox role=note>{escape(banner)}</p>"
            f"<h1>{escape(title)}</h1>{body}</body></html>")
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def _form(action: str, inner: str, inline: bool = False) -> str:
    cls = " class=inline" if inline else ""
    return (f"<form method=post action='{escape(action)}'{cls}>"
            f"<input type=hidden name=next value='/'>{inner}</form>")


def _post(post: Post) -> str:
    state = "deleted" if post.deleted else ("archived" if post.archived else "live")
    c = post.counts
    head = (f"<b>{escape(post.media_type)}/{escape(post.product_type)}</b> · "
            f"{ig_time(post.created)} · <a href='{escape(post.url)}'>{escape(post.url)}</a> · "
            f"id <code>{post.id}</code> · <b>{state}</b>")
    if post.deleted:
        return f"<div class='post gone'>{head}<pre>{escape(post.caption)}</pre></div>"
    counts = "".join(f" {k} <input name={k} size=6 value='{c.get(k, 0)}'>"
                     for k in ("likes", "comments", "views"))
    archive = "unarchive" if post.archived else ("archive" if post.platform == "instagram"
                                                 else "make private")
    return (f"<div class=post>{head}"
            + _form(f"/_fake/posts/{post.id}/caption",
                    f"<textarea name=caption rows=3>{escape(post.caption)}</textarea>"
                    "<button>Save caption</button>")
            + _form(f"/_fake/posts/{post.id}/counts", counts + " <button>Set counts</button>")
            + _form(f"/_fake/posts/{post.id}/archive",
                    f"<input type=hidden name=archived value={int(not post.archived)}>"
                    f"<button>{archive}</button>", inline=True)
            + _form(f"/_fake/posts/{post.id}/delete", "<button>Delete post</button>", inline=True)
            + "</div>")


def _account(fake: FakePlatforms, acct: Account) -> str:
    posts = fake.world.posts_of(acct, live_only=False)
    ids = f"open_id {acct.id}" if acct.platform == "tiktok" else \
        f"id {acct.id} · user_id {acct.user_id}"
    return (f"<h3>@{escape(acct.username)} <small>{acct.platform} · {escape(acct.account_type)}"
            f" · {acct.followers:,} followers · {escape(ids)}</small></h3>"
            + ("".join(_post(p) for p in posts) or "<p>No posts yet.</p>"))


def index(fake: FakePlatforms) -> Response:
    w = fake.world
    with w.lock:
        accounts = sorted(w.accounts.values(), key=lambda a: (a.platform, a.username))
        choices = "".join(f"<option value='{a.platform}/{escape(a.username)}'>{a.platform}: "
                          f"@{escape(a.username)}</option>" for a in accounts)
        media = "".join(f"<option>{t}</option>" for t in IG_MEDIA_TYPES)
        types = "".join(f"<option>{t}</option>" for t in IG_ACCOUNT_TYPES)
        publish = _form("/_fake/posts", (
            f"<label class=row>Account <select name=account>{choices}</select></label>"
            "<label class=row>Caption<textarea name=caption rows=4 required></textarea></label>"
            f"<label class=row>Instagram media type <select name=media_type>{media}</select> "
            "(TikTok posts are always videos)</label><label class=row>Posted at (ISO 8601 or unix "
            "seconds; empty = now) <input name=timestamp></label><button>Publish sandbox post"
            "</button>")) if accounts else "<p>Create an account first.</p>"
        create = _form("/_fake/accounts", (
            "<select name=platform><option>instagram</option><option>tiktok</option></select> "
            f"username <input name=username required> <select name=account_type>{types}</select>"
            " followers <input name=followers value=0 size=8> <button>Create account</button>"))
        clock = _form("/_fake/advance_time", (
            f"Fake clock: <b>{ig_time(w.now())}</b> (offset {int(w.offset)} s) "
            "<button name=seconds value=3600>+1 hour</button>"
            "<button name=seconds value=86400>+1 day</button>"
            "<button name=seconds value=604800>+7 days</button>"))
        sections = "".join(_account(fake, a) for a in accounts)
    body = (f"{clock}<h2>Publish a sandbox post</h2>{publish}<h2>Sandbox accounts</h2>{create}"
            f"{sections}<p><a href='/_fake/state'>state as JSON</a></p>")
    return html("Sandbox social platforms", BANNER, body)
