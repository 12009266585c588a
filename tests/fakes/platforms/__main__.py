"""Run the fake as a standalone sandbox: `python -m tests.fakes.platforms --port 12112 --seed`."""
from __future__ import annotations

import argparse
import time

from .server import FakePlatformsServer


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Offline fake Instagram + TikTok (sandbox accounts, nothing real).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12112)
    parser.add_argument("--client-id", default="hashmark-sandbox",
                        help="OAuth client id (Instagram) / client key (TikTok) accepted")
    parser.add_argument("--client-secret", default="hashmark-sandbox-secret")
    parser.add_argument("--redirect-uri", action="append", default=None,
                        help="allowed OAuth redirect URI (repeat; default: any http(s) URL)")
    parser.add_argument("--seed", action="store_true",
                        help="create ania.creator (Instagram) and nok.eats (TikTok)")
    args = parser.parse_args()
    server = FakePlatformsServer(host=args.host, port=args.port, quiet=False,
                                 client_id=args.client_id, client_secret=args.client_secret,
                                 redirect_uris=args.redirect_uri, seed=args.seed).start()
    print(f"Fake Instagram + TikTok sandbox on {server.url} (client {args.client_id}); "
          f"Instagram at {server.instagram_base}, TikTok at {server.tiktok_base}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
