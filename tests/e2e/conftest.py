"""End to end: the app, the fake Stripe and the fake Instagram/TikTok run as real servers on
loopback ports, and Debian's Chromium, driven by Playwright, clicks through them like a person.

The app runs in its own process (development settings, a database of the run's backend made for
it, the sandbox clock on), exactly as `make run` serves it. Screenshots of every journey land in
`tests/e2e/artifacts/` (or $E2E_ARTIFACTS). Under CI=true a missing Chromium fails the run.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from config import DEV_STRIPE_SECRET, DEV_WEBHOOK_SECRET

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS") or Path(__file__).parent / "artifacts")
ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited ({process.returncode}):\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the app did not answer {url} within {seconds} s:\n{log.read_text()[-4000:]}")


class Stack:
    """The running servers: `app_url`, `stripe` (FakeStripeServer), `platforms` (FakePlatformsServer)."""

    def __init__(self, app_url: str, stripe, platforms, env: dict[str, str]) -> None:
        self.app_url, self.stripe, self.platforms, self.env = app_url, stripe, platforms, env

    def flask(self, *args: str) -> str:
        """Run a `flask` command against the app's database and settings; returns its output."""
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "marketplace", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


@pytest.fixture(scope="session")
def stack(fresh_database, tmp_path_factory) -> Iterator[Stack]:
    from tests.fakes.platforms import FakePlatformsServer
    from tests.fakes.stripe_fake import FakeStripeServer

    port = _free_port()
    app_url = f"http://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("e2e-logs")
    with fresh_database() as database_url, \
            FakeStripeServer(api_key=DEV_STRIPE_SECRET, webhook_url=f"{app_url}/webhooks/stripe",
                             webhook_secret=DEV_WEBHOOK_SECRET, default_currency="pln") as stripe, \
            FakePlatformsServer(client_id="hashmark-sandbox", client_secret="hashmark-sandbox-secret") as platforms:
        env = {**os.environ, "HASHMARK_ENV": "development", "DATABASE_URL": database_url, "PUBLIC_URL": app_url,
               "STRIPE_API_BASE": stripe.url, "FLASK_DEBUG": "0", "PYTHONUNBUFFERED": "1",
               **{key: platforms.instagram_base for key in
                  ("INSTAGRAM_AUTH_BASE", "INSTAGRAM_API_BASE", "INSTAGRAM_GRAPH_BASE")},
               **{key: platforms.tiktok_base for key in ("TIKTOK_AUTH_BASE", "TIKTOK_API_BASE")}}
        for name in ("CELERY_BROKER_URL", "MAIL_SERVER", "REDIS_URL", "RATELIMIT_STORAGE_URI"):
            env.pop(name, None)
        stack = Stack(app_url, stripe, platforms, env)
        stack.flask("db", "upgrade")
        log = logs / "app.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "marketplace", "run", "--host", "127.0.0.1",
                 "--port", str(port), "--no-reload", "--with-threads"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                _wait_until_up(f"{app_url}/healthz", process, log)
                yield stack
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        yield browser
        browser.close()


def translator(locale: str):
    """`t("Approve post")` as a user with `locale` reads it (the compiled catalogue; English
    unchanged), so journeys click what a Polish or Thai user sees without copying translations."""
    from babel.support import Translations

    catalogue = Translations.load(str(ROOT / "marketplace" / "translations"), [locale])
    return catalogue.gettext


class Shots:
    """Screenshots of one journey, numbered in the order taken: `shots.take(page, "checkout")`."""

    def __init__(self, name: str) -> None:
        self.directory = ARTIFACTS / name
        self.directory.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def take(self, page, label: str) -> Path:
        self.count += 1
        width = page.viewport_size["width"] if page.viewport_size else 0
        path = self.directory / f"{self.count:02d}-{label}-{width}px.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request) -> Shots:
    return Shots(f"{os.environ.get('TEST_DB', 'sqlite')}/{request.node.name}")


@pytest.fixture
def people(browser, stack):
    """`people("desktop" | "phone")`: a new browser context (its own cookies: one person) sized
    like a desktop window or a 390-px phone. Closed at the end of the test."""
    made = []

    def new(device: str = "desktop"):
        options = {"viewport": DESKTOP} if device == "desktop" else {
            "viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
        context = browser.new_context(base_url=stack.app_url, locale="en-GB", **options)
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield new
    for context in made:
        context.close()


@pytest.fixture
def desktop(people):
    return people("desktop")


@pytest.fixture
def phone(people):
    return people("phone")
