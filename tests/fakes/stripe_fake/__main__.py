"""Run the fake as a standalone sandbox: `python -m tests.fakes.stripe_fake --port 12111 ...`."""
from __future__ import annotations

import argparse
import time

from .server import FakeStripeServer


def main() -> None:
    parser = argparse.ArgumentParser(description="Offline fake Stripe (sandbox, no real money).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", default="sk_test_fake")
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--webhook-secret", default="whsec_fake")
    parser.add_argument("--currency", default="usd", help="default currency of the platform")
    args = parser.parse_args()
    server = FakeStripeServer(host=args.host, port=args.port, quiet=False, api_key=args.api_key,
                              webhook_url=args.webhook_url, webhook_secret=args.webhook_secret,
                              default_currency=args.currency).start()
    print(f"Fake Stripe sandbox on {server.url} (api key {args.api_key}, "
          f"webhooks -> {args.webhook_url or 'nowhere'})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
