"""The due-work sweep commits item by item: no transaction is open while a platform answers, and
one broken item (a token that cannot be decrypted) stops nothing else."""
from __future__ import annotations

from datetime import timedelta

from marketplace import clock
from marketplace import db as tx
from marketplace.extensions import db
from marketplace.jobs.due import run_due
from marketplace.models import LinkedAccount, Submission, utcnow
from tests.services.test_linked_accounts import DAY, platform_calls  # noqa: F401 (a fixture)
from tests.services.test_verifier import notifications, posted, verified


def lost(submission) -> Submission:
    """A submitted link whose verification job never ran: the sweep picks it up."""
    submission.submitted_at = utcnow() - timedelta(minutes=11)
    return submission


def test_the_sweep_calls_the_platforms_with_no_transaction_open(platforms, platform_calls):
    fake = platforms.fake
    waiting = lost(posted(fake))
    watched = verified(fake)
    watched.next_live_check_at = clock.now() - timedelta(minutes=1)
    watched.linked_account.token_expires_at = utcnow() + timedelta(days=1)  # inside Instagram's refresh week
    fake.advance_time(2 * DAY)  # Instagram refreshes only tokens a day old or more
    tx.commit()
    platform_calls.clear()

    counts = run_due()

    assert (counts["tokens_refreshed"], counts["verifications"], counts["live_checks"]) == (1, 1, 1)
    assert db.session.get(Submission, waiting.id).status == "verified"
    assert db.session.get(Submission, watched.id).live_checks_done == 1
    assert len(platform_calls) >= 4
    assert [url for url, in_transaction in platform_calls if in_transaction] == []


def test_an_undecryptable_token_stops_nothing(platforms):
    fake = platforms.fake
    broken, fine = lost(posted(fake)), lost(posted(fake))
    account = broken.linked_account
    account.access_token_encrypted = "sealed with a key that was rotated away"
    account.token_expires_at = utcnow() + timedelta(days=1)  # due for a refresh as well
    tx.commit()

    counts = run_due()

    assert counts["verifications"] == 2
    broken, fine = db.session.get(Submission, broken.id), db.session.get(Submission, fine.id)
    assert fine.status == "verified"
    assert broken.status == "posted" and "Link your Instagram account again" in broken.last_error
    assert db.session.get(LinkedAccount, account.id).status == "relink_needed"
    assert len(notifications(broken.creator.user, "relink_needed")) == 1
