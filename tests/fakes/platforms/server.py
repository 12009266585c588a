"""Serve a FakePlatforms over HTTP on loopback (port 0 = any free port) from a daemon thread."""
from __future__ import annotations

import threading
from typing import Any

import requests
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import FakePlatforms


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # keep test output clean
        pass


class FakePlatformsServer:
    """`with FakePlatformsServer() as srv: srv.url, srv.fake, srv.instagram_base, srv.session()`.

    Pass a ready `fake`, or keyword arguments for a new FakePlatforms.
    """

    def __init__(self, fake: FakePlatforms | None = None, *, host: str = "127.0.0.1",
                 port: int = 0, quiet: bool = True, **fake_kwargs: Any) -> None:
        self.fake = fake if fake is not None else FakePlatforms(**fake_kwargs)
        self.host, self.port, self.quiet = host, port, quiet
        self._server: BaseWSGIServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://{self.host}:{self._server.server_port}"

    @property
    def instagram_base(self) -> str:
        """Stands for https://www.instagram.com, https://api.instagram.com and
        https://graph.instagram.com alike."""
        return f"{self.url}/instagram"

    @property
    def tiktok_base(self) -> str:
        """Stands for https://www.tiktok.com and https://open.tiktokapis.com alike."""
        return f"{self.url}/tiktok"

    def start(self) -> FakePlatformsServer:
        handler = _QuietHandler if self.quiet else None
        self._server = make_server(self.host, self.port, self.fake, threaded=True,
                                   request_handler=handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,),
                         name="fake-platforms", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakePlatformsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @staticmethod
    def session() -> requests.Session:
        """A requests session that ignores proxy environment variables (loopback only)."""
        session = requests.Session()
        session.trust_env = False
        return session
