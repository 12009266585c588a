"""Signed webhook delivery from a background thread, with retries and a log of every attempt."""
from __future__ import annotations

import hashlib
import hmac
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Handler = Callable[[bytes, dict[str, str]], int]  # in-process receiver: (body, headers) -> status
Target = str | Handler
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """`Stripe-Signature` value: t=<ts>,v1=<hex HMAC-SHA256(secret, f"{t}.{payload}")>."""
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


@dataclass(frozen=True)
class Endpoint:
    target: Target
    secret: str


@dataclass
class Delivery:
    """One delivery attempt: `status` is the HTTP status (None when the connection failed)."""

    event_id: str
    event_type: str
    attempt: int
    status: int | None
    error: str | None
    at: float

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class _Job:
    event_id: str
    event_type: str
    payload: bytes
    endpoint: Endpoint
    attempt: int = 1
    due: float = 0.0


class Dispatcher:
    """Queue of pending deliveries. With `auto`, a daemon thread sends them (retrying failures
    after `retry_delays`); otherwise they wait for `deliver_pending()`."""

    def __init__(self, *, auto: bool, retry_delays: tuple[float, ...], timeout: float,
                 on_result: Callable[[str, bool], None]) -> None:
        self.auto, self.retry_delays, self.timeout = auto, retry_delays, timeout
        self.on_result = on_result
        self.deliveries: list[Delivery] = []
        self._jobs: deque[_Job] = deque()
        self._busy = 0
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def enqueue(self, event_id: str, event_type: str, payload: bytes, endpoint: Endpoint) -> None:
        with self._cv:
            self._jobs.append(_Job(event_id, event_type, payload, endpoint))
            if self.auto and self._thread is None:
                self._thread = threading.Thread(target=self._run, name="fake-stripe-webhooks",
                                                daemon=True)
                self._thread.start()
            self._cv.notify_all()

    def send(self, event_id: str, event_type: str, payload: bytes, endpoint: Endpoint,
             attempt: int = 1) -> Delivery:
        """POST one signed delivery now, in the calling thread, and record it."""
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                   "Stripe-Signature": sign(payload, endpoint.secret)}
        status, error = None, None
        try:
            if callable(endpoint.target):
                status = int(endpoint.target(payload, headers))
            else:
                req = urllib.request.Request(endpoint.target, data=payload, headers=headers,
                                             method="POST")
                with _OPENER.open(req, timeout=self.timeout) as resp:
                    status = resp.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except Exception as exc:  # connection refused, timeout, receiver crash
            error = f"{type(exc).__name__}: {exc}"
        delivery = Delivery(event_id, event_type, attempt, status, error, time.time())
        with self._cv:
            self.deliveries.append(delivery)
        self.on_result(event_id, delivery.ok)
        return delivery

    def deliver_pending(self) -> list[Delivery]:
        """Send every queued delivery once, now, in this thread (failures stay queued)."""
        with self._cv:
            jobs, self._jobs = list(self._jobs), deque()
            self._busy += 1
        results = []
        try:
            for job in jobs:
                results.append(self._attempt(job))
        finally:
            with self._cv:
                self._busy -= 1
                self._cv.notify_all()
        return results

    def take(self, event_id: str) -> None:
        """Drop an event's queued deliveries (the caller is sending it itself)."""
        with self._cv:
            self._jobs = deque(j for j in self._jobs if j.event_id != event_id)

    def pending(self) -> list[str]:
        with self._cv:
            return [job.event_id for job in self._jobs]

    def wait(self, timeout: float) -> bool:
        """Block until nothing is queued or in flight; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while self._jobs or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cv.wait(min(left, 0.05))
        return True

    def clear(self) -> None:
        with self._cv:
            self._jobs.clear()
            self.deliveries.clear()

    def stop(self) -> None:
        with self._cv:
            self._stopped = True
            self._cv.notify_all()

    def _attempt(self, job: _Job) -> Delivery:
        delivery = self.send(job.event_id, job.event_type, job.payload, job.endpoint, job.attempt)
        if not delivery.ok and job.attempt <= len(self.retry_delays):
            job.due = time.monotonic() + self.retry_delays[job.attempt - 1]
            job.attempt += 1
            with self._cv:
                self._jobs.append(job)
        return delivery

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._stopped and not any(j.due <= time.monotonic() for j in self._jobs):
                    self._cv.wait(0.05)
                if self._stopped:
                    return
                job = next(j for j in self._jobs if j.due <= time.monotonic())
                self._jobs.remove(job)
                self._busy += 1
            try:
                self._attempt(job)
            finally:
                with self._cv:
                    self._busy -= 1
                    self._cv.notify_all()
