"""The `check-caption` command, driven through click's test runner."""

from __future__ import annotations

from click.testing import CliRunner

from marketplace.verification import check_caption_command


def run(*args: str, caption: str = ""):
    return CliRunner().invoke(check_caption_command, list(args), input=caption)


def test_compliant_caption_exits_zero() -> None:
    result = run(
        "--hashtags",
        "lato, buty",
        "--mentions",
        "@ButyPL",
        "--disclosure",
        "pl",
        caption="Reklama: nowe buty od @butypl #lato #buty\n",
    )
    assert result.exit_code == 0, result.output
    assert "Verdict: compliant" in result.output
    assert "#lato  [30, 35) line 1" in result.output
    assert "@butypl  [22, 29) line 1" in result.output


def test_failing_caption_exits_one_listing_reasons_and_evidence() -> None:
    result = run(
        "--hashtags", "lato", "--hashtags", "morze", "--disclosure", "PL", caption="Nowe buty #lato #buty #reklama"
    )
    assert result.exit_code == 1, result.output
    assert "Verdict: not compliant" in result.output
    assert "  - missing_hashtag:morze\n" in result.output
    assert "missing: #morze" in result.output
    assert "  - disclosure_buried_in_hashtags\n" in result.output
    assert "evidence: “#reklama” [22, 30) line 1" in result.output


def test_tiktok_disclosure_prints_the_toggle_warning() -> None:
    result = run("--platform", "tiktok", "--disclosure", "th", caption="#โฆษณา ครีมกันแดด")
    assert result.exit_code == 0, result.output
    assert "Warnings (1):\n  - verify_platform_disclosure_toggle" in result.output


def test_bad_platform_exits_two() -> None:
    result = run("--platform", "youtube", caption="hi")
    assert result.exit_code == 2
    assert "'youtube' is not one of 'instagram', 'tiktok'" in result.output


def test_unknown_locale_exits_two() -> None:
    result = run("--disclosure", "de", caption="hi")
    assert result.exit_code == 2
    assert "'de' is not one of 'us', 'uk', 'pl', 'th', 'ja', 'es', 'ar'" in result.output


def test_invalid_required_hashtag_exits_two_with_the_reason() -> None:
    result = run("--hashtags", "2026", caption="hi")
    assert result.exit_code == 2
    assert "A hashtag needs at least one letter; “2026” would not become a hashtag." in result.output


def test_invalid_required_mention_exits_two_with_the_reason() -> None:
    result = run("--mentions", "buty.", caption="hi")
    assert result.exit_code == 2
    assert "A username cannot end with a period" in result.output
