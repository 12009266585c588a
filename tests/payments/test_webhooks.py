import json
import time

import stripe

from marketplace.extensions import db
from marketplace.models import StripeEvent


def _event(event_type="unknown.thing", event_id="evt_test_1"):
    return json.dumps({"id": event_id, "object": "event", "type": event_type,
                       "data": {"object": {"id": "obj_1", "object": "thing"}}}).encode()


def _sign(app, payload: bytes, timestamp=None, secret=None) -> str:
    """Signed the way Stripe signs (the SDK's own helper)."""
    return stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret or app.config["STRIPE_WEBHOOK_SECRET"],
        **({"timestamp": int(timestamp)} if timestamp is not None else {}))


def _post(client, payload, signature):
    headers = {"Stripe-Signature": signature} if signature else {}
    return client.post("/webhooks/stripe", data=payload, headers=headers, content_type="application/json")


def test_signed_unknown_event_is_stored_and_acknowledged(app, client):
    payload = _event()
    response = _post(client, payload, _sign(app, payload))
    assert response.status_code == 200
    row = db.session.scalar(db.select(StripeEvent))
    assert row.event_id == "evt_test_1" and row.processed_at is not None


def test_repeat_delivery_is_a_no_op(app, client):
    payload = _event()
    _post(client, payload, _sign(app, payload))
    again = _post(client, payload, _sign(app, payload))
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert db.session.scalar(db.select(db.func.count()).select_from(StripeEvent)) == 1


def test_bad_signature_stale_timestamp_and_missing_header_are_400(app, client):
    payload = _event()
    assert _post(client, payload, _sign(app, payload, secret="whsec_wrong")).status_code == 400
    assert _post(client, payload, _sign(app, payload, timestamp=time.time() - 3600)).status_code == 400
    assert _post(client, payload, None).status_code == 400
    assert _post(client, b"not json", _sign(app, b"not json")).status_code == 400
    tampered = _event(event_type="checkout.session.completed")
    assert _post(client, tampered, _sign(app, payload)).status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(StripeEvent)) == 0


def test_webhook_needs_no_csrf_token(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    payload = _event(event_id="evt_csrf")
    assert _post(client, payload, _sign(app, payload)).status_code == 200
