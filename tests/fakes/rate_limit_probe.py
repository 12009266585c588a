"""Run in a child process: a web worker with Redis-backed rate limits, attempting six logins.

A separate process keeps the Redis storage out of the test process's (global) limiter.
Usage: python -m tests.fakes.rate_limit_probe REDIS_URL KEY_PREFIX
"""
import sys

from marketplace import create_app
from marketplace.extensions import db

redis_url, prefix = sys.argv[1], sys.argv[2]
app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", RATELIMIT_STORAGE_URI=redis_url,
                 RATELIMIT_KEY_PREFIX=prefix)
with app.app_context():
    db.create_all()
client = app.test_client()
codes = [client.post("/login", data={"email": "nobody@example.com", "password": "wrong password"}).status_code
         for _ in range(6)]
print(" ".join(map(str, codes)))
