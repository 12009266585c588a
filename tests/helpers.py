"""Small helpers for web tests."""
from __future__ import annotations

from urllib.parse import urlsplit

from .factories import PASSWORD


def login(client, user, password: str = PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def path_of(location: str) -> str:
    return urlsplit(location).path
