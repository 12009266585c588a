"""Serve a FakeStripe over real HTTP on loopback (port 0 = any free port) from a daemon thread."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import FakeStripe

if TYPE_CHECKING:
    from stripe._base_address import BaseAddresses


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # keep test output clean
        pass


class FakeStripeServer:
    """`with FakeStripeServer() as srv: srv.url, srv.fake, srv.client()`.

    Pass a ready `fake`, or keyword arguments for a new FakeStripe. `stop()` shuts the HTTP
    server and the fake's webhook thread.
    """

    def __init__(self, fake: FakeStripe | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 quiet: bool = True, **fake_kwargs: Any) -> None:
        self.fake = fake if fake is not None else FakeStripe(**fake_kwargs)
        self.host, self.port, self.quiet = host, port, quiet
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> FakeStripeServer:
        handler = _QuietHandler if self.quiet else None
        self._server = make_server(self.host, self.port, self.fake, threaded=True,
                                   request_handler=handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="fake-stripe", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.fake.close()

    def __enter__(self) -> FakeStripeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_addresses(self) -> BaseAddresses:
        """For `StripeClient(base_addresses=...)`: every Stripe host points at this server."""
        return {"api": self.url, "connect": self.url, "files": self.url}

    @staticmethod
    def http_client() -> Any:
        """A `stripe.RequestsClient` that ignores proxy environment variables (loopback only)."""
        import requests
        import stripe

        session = requests.Session()
        session.trust_env = False
        return stripe.RequestsClient(session=session)

    def client(self, **kwargs: Any) -> Any:
        """A real `stripe.StripeClient` talking to this server."""
        import stripe

        kwargs.setdefault("http_client", self.http_client())
        return stripe.StripeClient(kwargs.pop("api_key", self.fake.api_key),
                                   base_addresses=self.base_addresses, **kwargs)
