"""Caption history: every sighting, word-level diffs, and the flags a brand should see."""
from __future__ import annotations

from datetime import timedelta

from marketplace.extensions import db
from marketplace.models import CaptionSnapshot, Submission, utcnow
from marketplace.services import caption_history, verifier
from marketplace.services.submission_states import move

from .test_live_checks import approve, check_at
from .test_verifier import POLISH, campaign_application, posted, verified

UNLABELLED = "Poranna kawa z @palarnia.krakow ☕ #PalarniaKraków"


def codes(submission) -> list[str]:
    return [flag.code for flag in caption_history.flags(submission)]


def test_word_diff_keeps_white_space_and_merges_runs():
    diff = caption_history.word_diff("Poranna kawa z @palarnia #kawa", "#reklama Poranna kawa z @palarnia")
    assert diff == [("insert", "#reklama "), ("equal", "Poranna kawa z @palarnia"), ("delete", " #kawa")]
    after = "".join(text for op, text in diff if op != "delete")
    assert after == "#reklama Poranna kawa z @palarnia"
    assert caption_history.word_diff("a b", "a b") == [("equal", "a b")]
    assert caption_history.word_diff("stara", "nowa") == [("delete", "stara"), ("insert", "nowa")]


def test_the_timeline_lists_every_sighting_with_what_changed(platforms):
    fake = platforms.fake
    submission = verified(fake)
    approve(submission)
    published = submission.published_at
    submission = check_at(submission, published + timedelta(days=1))
    fake.edit_caption(submission.post_id, POLISH.replace(" @palarnia.krakow", ""))
    submission = check_at(submission, published + timedelta(days=3))

    entries = caption_history.timeline(submission)
    assert [(entry.source, entry.changed) for entry in entries] == [
        ("verification", False), ("live_check", False), ("live_check", True)]
    assert entries[0].diff == [("equal", POLISH)]
    assert entries[1].diff == [("equal", POLISH)]
    assert entries[2].diff == [("equal", "#reklama Poranna kawa z "), ("delete", "@palarnia.krakow "),
                              ("equal", "☕ #PalarniaKraków")]
    assert entries[2].sha256 == caption_history.sha256_of(entries[2].caption) != entries[0].sha256
    assert entries[2].seen_at == published + timedelta(days=3)


def test_a_required_item_removed_after_approval_is_flagged(platforms):
    fake = platforms.fake
    submission = verified(fake)
    approve(submission)
    fake.edit_caption(submission.post_id, POLISH.replace(" @palarnia.krakow", "").replace("#reklama ", ""))
    day3 = submission.published_at + timedelta(days=3)
    submission = check_at(submission, day3)
    assert submission.grace_until is not None  # the live check opened a grace period too

    flags = {(flag.code, flag.params.get("item")): flag for flag in caption_history.flags(submission)}
    assert set(flags) == {("removed_later", "@palarnia.krakow"), ("removed_later", "disclosure"),
                          ("edited_after_review", None)}
    removed = flags[("removed_later", "@palarnia.krakow")]
    assert removed.seen_at == day3
    assert removed.message % removed.params == (
        f"@palarnia.krakow was in the caption at verification and is missing since {day3:%Y-%m-%d %H:%M} UTC.")


def test_a_label_added_days_after_publication_is_flagged(platforms):
    fake = platforms.fake
    submission = posted(fake, UNLABELLED)
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "failed"

    fake.edit_caption(submission.post_id, POLISH)  # #reklama added later: the UOKiK case
    move(submission, "posted", actor=submission.creator.user)
    submission.post_id = None
    later = utcnow() + timedelta(days=2)
    verifier.verify(submission.id, later)
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "verified"

    [flag] = caption_history.flags(submission)
    assert flag.code == "disclosure_added_late"
    assert (flag.params["label"], flag.seen_at) == ("#reklama", later)
    assert "added later" in flag.message % flag.params


def test_a_label_present_from_the_start_raises_no_flag(platforms):
    submission = verified(platforms.fake)
    submission = check_at(submission, submission.published_at + timedelta(days=1))
    assert codes(submission) == []


def test_a_cut_tiktok_description_does_not_look_like_a_removed_tag(platforms):
    fake = platforms.fake
    short = "#reklama @palarnia.krakow #PalarniaKraków kawa"
    application = campaign_application()
    submission = posted(fake, short, platform="tiktok", application=application)
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    fake.edit_caption(submission.post_id, "#reklama @palarnia.krakow " + "kawa " * 30 + "#PalarniaKraków")
    submission = check_at(submission, submission.published_at + timedelta(days=1))
    assert submission.grace_until is None  # cannot_verify is not a breach
    assert codes(submission) == []


def test_draft_approval_is_part_of_the_timeline(platforms):
    submission = posted(platforms.fake)
    db.session.add(CaptionSnapshot(submission_id=submission.id, source="draft_approved", caption=UNLABELLED,
                                   sha256=caption_history.sha256_of(UNLABELLED), seen_at=utcnow() - timedelta(days=2)))
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    draft, seen = caption_history.timeline(submission)
    assert draft.source == "draft_approved" and seen.changed
    assert seen.diff[0] == ("insert", "#reklama ")
    assert codes(submission) == []  # the approved draft is not a sighting of the published post


def test_a_new_labelled_post_after_a_failed_one_is_not_a_label_added_late(platforms):
    fake = platforms.fake
    submission = posted(fake, UNLABELLED)
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "failed"

    new_post = fake.publish_post("instagram", submission.linked_account.username, POLISH)
    move(submission, "posted", actor=submission.creator.user)
    submission.post_id, submission.post_url = None, new_post["permalink"]
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "verified"
    assert len(caption_history.timeline(submission)) == 2  # the history keeps both
    assert codes(submission) == []
