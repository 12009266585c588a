"""Production keeps rate-limit counters in Redis, shared by every web worker."""
import subprocess
import sys
import uuid
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]


def _probe(redis_url: str, prefix: str) -> list[int]:
    done = subprocess.run([sys.executable, "-m", "tests.fakes.rate_limit_probe", redis_url, prefix],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return [int(code) for code in done.stdout.split()]


def test_login_limit_lives_in_redis_and_is_shared_by_workers(redis_url):
    prefix = f"hashmark-test-{uuid.uuid4().hex}"
    server = redis.Redis.from_url(redis_url)
    try:
        assert _probe(redis_url, prefix) == [200, 200, 200, 200, 200, 429]
        assert server.keys(f"*{prefix}*"), "no rate-limit counters were written to Redis"
        # a second worker process sees the same counters: still refused
        assert _probe(redis_url, prefix) == [429] * 6
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
