"""Connected accounts (Accounts v2 + v1 view) and the onboarding flow through Account Links."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
import stripe

from .fixtures import account_params, client, creator, fake, receiver, server  # noqa: F401

RETURN = "http://127.0.0.1:5000/creator/stripe/return"
REFRESH = "http://127.0.0.1:5000/creator/stripe/refresh"


def transfers_capability(client, account_id):
    account = client.v2.core.accounts.retrieve(account_id,
                                               params={"include": ["configuration.recipient"]})
    return account.configuration.recipient.capabilities.stripe_balance.stripe_transfers


def onboarding_link(client, account_id):
    return client.v1.account_links.create(params={
        "account": account_id, "refresh_url": REFRESH, "return_url": RETURN,
        "type": "account_onboarding"})


def test_v2_account_is_restricted_until_onboarding(client):
    account = client.v2.core.accounts.create(params=account_params(),
                                             options={"idempotency_key": "creator-42-account"})
    assert account.id.startswith("acct_") and account.object == "v2.core.account"
    assert (account.display_name, account.dashboard, account.livemode) == ("Ola Creator", "express", False)
    assert account.applied_configurations == ["recipient"]
    cap = account.configuration.recipient.capabilities.stripe_balance.stripe_transfers
    assert (cap.requested, cap.status) == (True, "restricted")
    assert account.requirements.entries
    assert account.defaults is None  # not in `include`
    v1 = client.v1.accounts.retrieve(account.id)
    assert (v1.object, v1.country, v1.default_currency) == ("account", "PL", "pln")
    assert v1.capabilities.transfers == "inactive"
    assert (v1.details_submitted, v1.payouts_enabled) == (False, False)
    full = client.v2.core.accounts.retrieve(account.id, params={"include": ["defaults", "identity"]})
    assert full.defaults.responsibilities.fees_collector == "application"
    assert full.identity.country == "pl" and full.configuration is None


def test_onboarding_through_the_link_pages_activates_transfers(client, fake, receiver):
    account_id = creator(client, fake, onboarded=False)
    link = onboarding_link(client, account_id)
    assert link.object == "account_link" and link.expires_at > link.created
    assert urlsplit(link.url).path == f"/connect/onboarding/{account_id}"
    page = requests.get(link.url, timeout=5)
    assert page.status_code == 200 and "Sandbox onboarding" in page.text
    assert "Complete onboarding" in page.text
    token = dict(p.split("=") for p in urlsplit(link.url).query.split("&"))["link"]
    base = link.url.split("/connect/")[0]
    done = requests.post(f"{base}/connect/onboarding/{account_id}/complete", data={"link": token},
                         allow_redirects=False, timeout=5)
    assert done.status_code == 303 and done.headers["Location"] == RETURN
    assert transfers_capability(client, account_id).status == "active"
    v1 = client.v1.accounts.retrieve(account_id)
    assert v1.capabilities.transfers == "active" and v1.payouts_enabled and v1.details_submitted
    updated = fake.events("account.updated")[-1]
    assert updated["account"] == account_id
    assert updated["data"]["previous_attributes"]["capabilities"] == {"transfers": "inactive"}
    # the link is single-use: a second visit goes to refresh_url
    again = requests.get(link.url, allow_redirects=False, timeout=5)
    assert again.status_code == 302 and again.headers["Location"] == REFRESH


def test_leaving_onboarding_does_not_complete_it(client, fake):
    account_id = creator(client, fake, onboarded=False)
    link = onboarding_link(client, account_id)
    requests.get(link.url, timeout=5)
    token = link.url.split("link=")[1]
    base = link.url.split("/connect/")[0]
    back = requests.post(f"{base}/connect/onboarding/{account_id}/leave", data={"link": token},
                         allow_redirects=False, timeout=5)
    assert back.headers["Location"] == RETURN  # return_url does not mean finished
    assert transfers_capability(client, account_id).status == "restricted"


def test_expired_link_redirects_to_refresh_url(client, fake):
    account_id = creator(client, fake, onboarded=False)
    link = onboarding_link(client, account_id)
    fake.advance_time(301)
    resp = requests.get(link.url, allow_redirects=False, timeout=5)
    assert resp.status_code == 302 and resp.headers["Location"] == REFRESH


def test_v2_account_links(client, fake):
    account_id = creator(client, fake, onboarded=False)
    link = client.v2.core.account_links.create(params={
        "account": account_id,
        "use_case": {"type": "account_onboarding",
                     "account_onboarding": {"refresh_url": REFRESH, "return_url": RETURN}}})
    assert link.object == "v2.core.account_link" and link.account == account_id
    assert link.use_case.account_onboarding.return_url == RETURN
    assert isinstance(link.expires_at, str) and link.expires_at.endswith("Z")
    assert requests.get(link.url, timeout=5).status_code == 200
    requests.post(link.url.split("?")[0] + "/complete", data={"link": link.url.split("link=")[1]},
                  timeout=5, allow_redirects=False)
    assert transfers_capability(client, account_id).status == "active"


def test_account_link_validation(client):
    with pytest.raises(stripe.InvalidRequestError) as err:
        onboarding_link(client, "acct_doesnotexist")
    assert (err.value.code, err.value.param) == ("resource_missing", "account")
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.account_links.create(params={"account": "acct_x", "type": "account_onboarding",
                                               "return_url": RETURN})
    assert (err.value.code, err.value.param) == ("parameter_missing", "refresh_url")
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.account_links.create(params={"account": "acct_x", "type": "account_onboarding",
                                               "return_url": "not a url", "refresh_url": REFRESH})
    assert (err.value.code, err.value.param) == ("url_invalid", "return_url")


def test_v2_unknown_parameter_and_missing_account(client):
    params = account_params()
    params["configuration"]["recipient"]["capabilities"]["stripe_balance"]["stripe_payouts"] = {
        "requested": True}
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v2.core.accounts.create(params=params)
    assert err.value.code == "parameter_unknown"
    assert err.value.param == "configuration.recipient.capabilities.stripe_balance.stripe_payouts"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v2.core.accounts.retrieve("acct_nope")
    assert (err.value.http_status, err.value.code) == (404, "resource_missing")


def test_v2_idempotency(client):
    first = client.v2.core.accounts.create(params=account_params(), options={"idempotency_key": "k-v2"})
    again = client.v2.core.accounts.create(params=account_params(), options={"idempotency_key": "k-v2"})
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    with pytest.raises(stripe.IdempotencyError):
        client.v2.core.accounts.create(params=account_params(display_name="Other"),
                                       options={"idempotency_key": "k-v2"})
