"""Settings, sessions, the OAuth callback check, connection trouble and `client_for`."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from marketplace.verification.sources import (OAuthRefused, SourceSettings, TemporarySourceError,
                                              callback_code, client_for, instagram, open_session,
                                              tiktok)
from marketplace.verification.sources.base import retry_after

from .helpers import ig_token, tt_token


def test_settings_default_to_the_real_platforms():
    settings = SourceSettings.from_mapping({"INSTAGRAM_API_BASE": "", "PLATFORM_TIMEOUT": None})
    assert settings.instagram_auth_base == "https://www.instagram.com"
    assert settings.instagram_api_base == "https://api.instagram.com"
    assert settings.instagram_graph_base == "https://graph.instagram.com"
    assert settings.instagram_graph_version == "v23.0"
    assert settings.tiktok_auth_base == "https://www.tiktok.com"
    assert settings.tiktok_api_base == "https://open.tiktokapis.com"
    assert settings.timeout == 10


def test_settings_read_every_config_key():
    settings = SourceSettings.from_mapping({
        "INSTAGRAM_AUTH_BASE": "http://127.0.0.1:12112/instagram/",
        "INSTAGRAM_API_BASE": "http://a.test", "INSTAGRAM_GRAPH_BASE": "http://g.test",
        "INSTAGRAM_GRAPH_VERSION": "v24.0", "INSTAGRAM_CLIENT_ID": "ig-id",
        "INSTAGRAM_CLIENT_SECRET": "ig-secret", "TIKTOK_AUTH_BASE": "http://t.test",
        "TIKTOK_API_BASE": "http://o.test", "TIKTOK_CLIENT_KEY": "tt-key",
        "TIKTOK_CLIENT_SECRET": "tt-secret", "PLATFORM_TIMEOUT": "2.5"})
    assert settings == SourceSettings(
        instagram_auth_base="http://127.0.0.1:12112/instagram", instagram_api_base="http://a.test",
        instagram_graph_base="http://g.test", instagram_graph_version="v24.0",
        instagram_client_id="ig-id", instagram_client_secret="ig-secret",
        tiktok_auth_base="http://t.test", tiktok_api_base="http://o.test",
        tiktok_client_key="tt-key", tiktok_client_secret="tt-secret", timeout=2.5)
    assert "ig-secret" not in repr(settings) and "tt-secret" not in repr(settings)


@pytest.mark.parametrize(("bases", "trust_env"), [
    (("http://127.0.0.1:12112/instagram",), False),
    (("http://localhost:5001/tiktok", "http://[::1]:9/x"), False),
    (("https://graph.instagram.com",), True),
    (("http://127.0.0.1:1/instagram", "https://graph.instagram.com"), True),
])
def test_sessions_ignore_proxies_only_on_loopback(bases, trust_env):
    with open_session(*bases) as session:
        assert session.trust_env is trust_env
        assert session.headers["User-Agent"] == "Hashmark/1.0"


def test_callback_code_checks_state_and_strips_instagrams_suffix():
    assert callback_code("instagram", {"code": "AQabc#_", "state": "s"}, expected_state="s") \
        == "AQabc"
    for args, expected, code in [
        ({"code": "AQabc", "state": "other"}, "s", "state_mismatch"),
        ({"code": "AQabc"}, "s", "state_mismatch"),
        ({"code": "AQabc", "state": ""}, "", "state_mismatch"),  # nothing stored: never matches
        ({"state": "s"}, "s", "missing_code"),
        ({"error": "server_error", "state": "s"}, "s", "authorization_error"),
    ]:
        with pytest.raises(OAuthRefused) as err:
            callback_code("instagram", args, expected_state=expected)
        assert err.value.code == code


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after({"Retry-After": "120"}) == 120
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 < retry_after({"Retry-After": later}) <= 90
    assert retry_after({"Retry-After": "soon"}) is None and retry_after({}) is None


def test_client_for_returns_the_platform_module():
    assert client_for("instagram") is instagram and client_for("tiktok") is tiktok
    with pytest.raises(ValueError):
        client_for("youtube")


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def _at(port: int, timeout: float = 2) -> SourceSettings:
    base = f"http://127.0.0.1:{port}"
    return SourceSettings(instagram_graph_base=f"{base}/instagram",
                          tiktok_api_base=f"{base}/tiktok", timeout=timeout)


def test_an_unreachable_platform_is_temporary(fake, closed_port):
    fake.create_account("instagram", "ania.creator")
    with pytest.raises(TemporarySourceError) as err:
        instagram.profile(_at(closed_port), ig_token(fake, "ania.creator"))
    assert err.value.code == "network" and "could not reach Instagram" in err.value.message


def test_a_platform_that_does_not_answer_times_out(fake, silent_port):
    fake.create_account("tiktok", "nok.eats")
    with pytest.raises(TemporarySourceError) as err:
        tiktok.profile(_at(silent_port, timeout=0.3), tt_token(fake, "nok.eats"))
    assert err.value.code == "timeout" and "took too long" in err.value.message
