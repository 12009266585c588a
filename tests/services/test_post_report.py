"""The rule-by-rule results stored in a VerificationReport (pure functions, no database)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.models import Campaign
from marketplace.services import post_report
from marketplace.verification.sources import PostNotFound

PUBLISHED = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def campaign(**overrides) -> Campaign:
    values = dict(required_hashtags=["#PalarniaKraków"], required_mentions=["@palarnia.krakow"],
                  disclosure_required=True, disclosure_locale="pl")
    return Campaign(**{**values, **overrides})


def results_for(caption: str, platform: str = "instagram", complete: bool = True, **overrides) -> list[dict]:
    brief = campaign(**overrides)
    report = post_report.check_campaign_caption(brief, caption, platform)
    return post_report.caption_results(report, brief, caption_complete=complete)


def by_rule(results: list[dict]) -> dict[str, dict]:
    return {entry["rule"]: entry for entry in results}


def test_a_compliant_polish_caption_passes_each_rule_and_says_where_it_found_it():
    caption = "#reklama Poranna kawa z @palarnia.krakow #PalarniaKraków"
    results = results_for(caption)
    assert [entry["rule"] for entry in results] == ["hashtag:palarniakraków", "mention:palarnia.krakow",
                                                     "disclosure"]
    assert {entry["status"] for entry in results} == {"pass"}
    for entry in results:
        start, end = entry["span"]
        assert caption[start:end] == entry["evidence"]
    rules = by_rule(results)
    assert rules["hashtag:palarniakraków"]["evidence"] == "#PalarniaKraków"
    assert rules["disclosure"]["params"] == {"label": "#reklama", "line": 1}
    assert post_report.verdict_of(results) == "pass"
    assert post_report.text_of(rules["disclosure"]) == "The caption is labelled as advertising: “#reklama”, line 1."


def test_missing_items_fail_with_check_captions_reason():
    results = by_rule(results_for("Poranna kawa z @palarnia.krakow"))
    missing_tag = results["hashtag:palarniakraków"]
    assert missing_tag["status"] == "fail"
    assert missing_tag["message"] == "The caption does not contain the required hashtag #%(tag)s."
    assert missing_tag["params"] == {"tag": "palarniakraków"}
    assert missing_tag["evidence"] == "#palarniakraków" and missing_tag["span"] is None
    assert results["mention:palarnia.krakow"]["status"] == "pass"
    disclosure = results["disclosure"]
    assert disclosure["status"] == "fail"
    assert disclosure["params"]["example_hashtag"] == "#reklama"
    assert post_report.verdict_of(results.values()) == "fail"


def test_a_buried_label_fails_with_its_span():
    caption = "Kawa o poranku #kawa #rano #reklama @palarnia.krakow #PalarniaKraków"
    disclosure = by_rule(results_for(caption))["disclosure"]
    assert disclosure["status"] == "fail"
    assert disclosure["message"].startswith("The advertising label “%(label)s” is item %(position)s")
    start, end = disclosure["span"]
    assert caption[start:end] == "#reklama" == disclosure["evidence"]


def test_thai_hashtags_are_matched_whole():
    caption = "โฆษณา: ชาไทยเย็น #ชาไทย #กรุงเทพ"
    results = by_rule(results_for(caption, required_hashtags=["#ชาไทย", "กรุงเทพ"], required_mentions=[],
                                  disclosure_locale="th"))
    assert results["hashtag:ชาไทย"]["status"] == "pass"
    assert results["hashtag:ชาไทย"]["evidence"] == "#ชาไทย"
    assert results["hashtag:กรุงเทพ"]["status"] == "pass"
    assert results["disclosure"]["status"] == "pass"
    assert post_report.verdict_of(results.values()) == "pass"


def test_a_cut_tiktok_description_cannot_prove_a_missing_tag_absent():
    caption = "#reklama " + "Kawa " * 28 + "@palarnia.krakow"
    caption = caption[:150]
    results = by_rule(results_for(caption, platform="tiktok", complete=False))
    tag = results["hashtag:palarniakraków"]
    assert tag["status"] == "cannot_verify"
    assert tag["params"] == {"platform": "TikTok", "shown": 150, "item": "#palarniakraków"}
    assert "is not among them" in post_report.text_of(tag)
    assert results["mention:palarnia.krakow"]["status"] == "cannot_verify"
    assert results["disclosure"]["status"] == "pass"
    assert post_report.verdict_of(results.values()) == "cannot_verify"


def test_a_label_missing_from_a_cut_description_still_fails_because_the_fold_was_read():
    caption = ("Kawa " * 40)[:150]
    disclosure = by_rule(results_for(caption, platform="tiktok", complete=False))["disclosure"]
    assert disclosure["status"] == "fail"


def cut_at_150(start: str, ending: str) -> str:
    """A TikTok description as the API sends it: 150 characters, the last ones `ending`."""
    return (start + "Kawa " * 40)[:149 - len(ending)] + " " + ending


@pytest.mark.parametrize(("ending", "rule"), [("#PalarniaKraków", "hashtag:palarniakraków"),
                                              ("@palarnia.krakow", "mention:palarnia.krakow"),
                                              ("@palarnia.krakow.", "mention:palarnia.krakow")])
def test_a_tag_or_mention_running_into_the_cut_may_be_longer_so_a_person_checks(ending, rule):
    caption = cut_at_150("#reklama ", ending)  # `…#PalarniaKraków` may be `#PalarniaKrakówNowaHuta`
    at_cut = by_rule(results_for(caption, platform="tiktok", complete=False))[rule]
    written = ending.rstrip(".")
    assert at_cut["status"] == "cannot_verify"
    assert at_cut["evidence"] == at_cut["params"]["item"] == written
    assert caption[slice(*at_cut["span"])] == written
    assert "may go on beyond the cut" in post_report.text_of(at_cut)
    assert by_rule(results_for(caption, platform="tiktok"))[rule]["status"] == "pass"  # complete: it ends there
    earlier = cut_at_150(f"#reklama {written} ", ending)  # found whole before the cut as well
    assert by_rule(results_for(earlier, platform="tiktok", complete=False))[rule]["status"] == "pass"


def test_the_same_caption_complete_fails_where_the_cut_one_cannot_tell():
    caption = "#reklama Kawa @palarnia.krakow"
    assert by_rule(results_for(caption, platform="tiktok"))["hashtag:palarniakraków"]["status"] == "fail"


def test_warnings_come_last_and_do_not_change_the_verdict():
    caption = "#reklama Kawa @palarnia.krakow #PalarniaKraków #a #b #c #d"
    results = results_for(caption)
    assert results[-1]["rule"] == "exceeds_platform_hashtag_limit"
    assert results[-1]["status"] == "warning"
    assert post_report.verdict_of(results) == "pass"
    tiktok = results_for("#reklama Kawa @palarnia.krakow #PalarniaKraków", platform="tiktok")
    assert tiktok[-1]["rule"] == "verify_platform_disclosure_toggle"


def test_no_disclosure_rule_when_the_campaign_does_not_require_one():
    results = results_for("Kawa @palarnia.krakow #PalarniaKraków", disclosure_required=False)
    assert "disclosure" not in by_rule(results)


@pytest.mark.parametrize(("published", "status", "param"), [
    (PUBLISHED - timedelta(days=2), "fail", "starts"),
    (PUBLISHED + timedelta(days=40), "fail", "ends"),
    (PUBLISHED, "pass", None),
])
def test_posting_window(published, status, param):
    entry = post_report.posting_window(published, PUBLISHED - timedelta(days=1), PUBLISHED + timedelta(days=30))
    assert (entry["rule"], entry["status"]) == ("posting_window", status)
    assert entry["params"]["published"] == published.strftime("%Y-%m-%d %H:%M UTC")
    if param:
        assert param in entry["params"]


def test_an_open_posting_window_side_accepts_anything():
    assert post_report.posting_window(PUBLISHED, None, None)["status"] == "pass"
    assert post_report.posting_window(PUBLISHED, None, PUBLISHED - timedelta(hours=13))["status"] == "fail"


def test_the_posting_dates_count_in_every_time_zone():
    """Stored as UTC day bounds: 1-31 May is 30 April 10:00 UTC (Kiribati's 1 May) to 1 June 11:59 UTC."""
    starts, ends = datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC) - timedelta(microseconds=1)
    bangkok_first_morning = datetime(2026, 4, 30, 23, 0, tzinfo=UTC)  # 06:00 on 1 May in Bangkok
    entry = post_report.posting_window(bangkok_first_morning, starts, ends)
    assert entry["status"] == "pass" and "every time zone" in post_report.text_of(entry)
    assert post_report.posting_window(starts - timedelta(hours=14), starts, ends)["status"] == "pass"
    too_early = post_report.posting_window(starts - timedelta(hours=14, seconds=1), starts, ends)
    assert too_early["status"] == "fail" and too_early["params"]["starts"] == "2026-04-30 10:00 UTC"
    assert "earliest time zone" in post_report.text_of(too_early)
    assert post_report.posting_window(ends + timedelta(hours=12), starts, ends)["status"] == "pass"
    too_late = post_report.posting_window(ends + timedelta(hours=12, seconds=1), starts, ends)
    assert too_late["status"] == "fail" and too_late["params"]["ends"] == "2026-06-01 11:59 UTC"
    assert "latest time zone" in post_report.text_of(too_late)


def test_ownership_and_still_live_entries():
    owned = post_report.ownership(owned=True, platform="instagram", username="ania")
    assert (owned["status"], owned["params"]) == ("pass", {"platform": "Instagram", "username": "ania"})
    assert post_report.ownership(owned=False, platform="tiktok", username="nok")["status"] == "fail"
    gone = post_report.still_live(live=False, platform="instagram")
    assert (gone["rule"], gone["status"]) == ("still_live", "fail")
    unreadable = post_report.not_readable(PostNotFound(platform="tiktok"))
    assert unreadable["rule"] == "ownership" and unreadable["status"] == "fail"
    assert "belongs to another account" in post_report.text_of(unreadable)


@pytest.mark.parametrize(("statuses", "verdict"), [
    (["pass", "warning"], "pass"),
    (["pass", "cannot_verify", "warning"], "cannot_verify"),
    (["cannot_verify", "fail", "pass"], "fail"),
    ([], "pass"),
])
def test_verdict(statuses, verdict):
    assert post_report.verdict_of([{"status": status} for status in statuses]) == verdict
