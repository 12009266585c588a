"""check_caption on a multilingual table written from spec/verifier.md, plus report details."""

from __future__ import annotations

import json
from typing import Any

import pytest

from marketplace.verification import LOCALES, check_caption

BURIED = "disclosure_buried_in_hashtags"
BELOW = "disclosure_below_fold"
INSUFFICIENT = "insufficient_disclosure_label"
MISSING = "missing_disclosure"
TOO_MANY_TAGS = "exceeds_platform_hashtag_limit"
TOGGLE = "verify_platform_disclosure_toggle"


def case(
    id: str,
    caption: str,
    reasons: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    *,
    tags: tuple[str, ...] = (),
    mentions: tuple[str, ...] = (),
    locale: str | None = None,
    platform: str = "instagram",
) -> Any:
    """One row: the caption, what the campaign asks (a locale means disclosure is required), the verdict."""
    kwargs = {
        "required_hashtags": tags,
        "required_mentions": mentions,
        "disclosure_required": locale is not None,
        "disclosure_locale": locale or "us",
        "platform": platform,
    }
    return pytest.param(caption, kwargs, not reasons, list(reasons), list(warnings), id=id)


PL = [
    case(
        "pl label with colon, tag and mention",
        "Reklama: nowe buty od @ButyPL 👟 #lato #buty",
        tags=("lato",),
        mentions=("butypl",),
        locale="pl",
    ),
    case(
        "pl decomposed caption matches composed requirement", "Weekend w #Ło\u0301dz\u0301 i okolicach", tags=("Łódź",)
    ),
    case(
        "pl composed caption matches decomposed requirement", "Weekend w #Łódź i okolicach", tags=("#Ło\u0301dz\u0301",)
    ),
    case("pl Łódź is not Lodz", "Weekend w #Lodz", ("missing_hashtag:łódź",), tags=("Łódź",)),
    case(
        "pl 'To nie jest reklama' is no label",
        "To nie jest reklama, po prostu kocham te buty #buty",
        (MISSING,),
        locale="pl",
    ),
    case("pl 'Reklamacja' does not contain the label", "Reklamacja przyjęta, buty wymienione", (MISSING,), locale="pl"),
    case("pl label in square brackets", "Nowe buty na lato [Reklama] #buty", locale="pl"),
    case("pl label in parentheses with spaces", "Nowe buty na lato ( reklama ) #buty", locale="pl"),
    case(
        "pl label in brackets with more words is no label", "Nowe buty (to nie reklama) #buty", (MISSING,), locale="pl"
    ),
    case("pl label before a fullwidth bar", "Nowa kolekcja · Reklama｜@butypl", locale="pl"),
    case("pl label after an emoji at line start", "📣 Reklama nowej kolekcji butów", locale="pl"),
    case("pl fullwidth label with fullwidth colon", "Ｒｅｋｌａｍａ： nowe buty", locale="pl"),
    case("pl label directly before a fullwidth colon", "Nowe buty, reklama： szczegóły w bio", locale="pl"),
    case("pl label at start of the second line", "Nowe buty!\nReklama @butypl", locale="pl"),
    case(
        "pl label followed by a space and colon is not directly followed",
        "Nowe buty, reklama : @butypl",
        (MISSING,),
        locale="pl",
    ),
    case("pl hashtag label first in its run", "#reklama #lato Nowe buty", locale="pl"),
    case("pl hashtag label second in its run", "Nowe buty #lato #reklama", locale="pl"),
    case("pl hashtag label third in its run is buried", "Nowe buty #lato #buty #reklama", (BURIED,), locale="pl"),
    case("pl mentions count as run items", "Nowe buty @butypl @sklep #reklama", (BURIED,), locale="pl"),
    case("pl a word breaks the run", "Nowe buty #lato #buty i #reklama", locale="pl"),
    case("pl commas break the run", "Nowe buty #lato, #buty, #reklama", locale="pl"),
    case("pl fullwidth hashtag label", "＃ＲＥＫＬＡＭＡ nowe buty", locale="pl"),
    case("pl ascii-folded hashtag label", "#MaterialReklamowy nowe buty", locale="pl"),
    case("pl anywhere phrase mid sentence", "Kocham te buty, to płatna współpraca z @butypl", locale="pl"),
    case("pl anywhere phrase in capitals", "WSPÓŁPRACA REKLAMOWA z marką @butypl", locale="pl"),
    case("pl insufficient hashtag", "Nowe buty #współpraca @butypl", (INSUFFICIENT,), locale="pl"),
    case("pl #ad is insufficient in Poland", "Nowe buty #ad", (INSUFFICIENT,), locale="pl"),
    case("pl insufficient phrase", "Dzięki marce @butypl mam nowe buty", (INSUFFICIENT,), locale="pl"),
    case("pl insufficient label does not spoil a sufficient one", "Reklama: nowe buty #współpraca", locale="pl"),
    case("pl below the fold by offset", "Super wygodne buty na lato. " * 5 + "#reklama", (BELOW,), locale="pl"),
    case("pl below the fold on the fourth line", "Nowe buty\nna lato\nw sklepie\n#reklama", (BELOW,), locale="pl"),
    case("pl third line is above the fold", "Nowe buty\nna lato\n#reklama", locale="pl"),
    case(
        "pl earliest marker decides: buried before a late label",
        "Nowe #lato #buty #reklama\n\n\nReklama: tak",
        (BURIED,),
        locale="pl",
    ),
    case("pl one prominent marker is enough", "Reklama: nowe buty #lato #buty #reklama", locale="pl"),
    case(
        "pl URL fragment is no hashtag",
        "Reklama: sklep https://buty.pl/lato#nowosci",
        ("missing_hashtag:nowosci",),
        tags=("nowosci",),
        locale="pl",
    ),
    case("pl URL fragment is no disclosure", "Nowe buty https://buty.pl/#reklama", (MISSING,), locale="pl"),
    case("pl label inside a URL path is no disclosure", "Nowe buty: buty.pl/reklama", (MISSING,), locale="pl"),
    case(
        "pl bare domain with fragment", "Wpadaj na buty.pl/#lato po więcej", ("missing_hashtag:lato",), tags=("lato",)
    ),
    case(
        "pl e-mail address is no mention",
        "Pisz śmiało: kontakt@butypl.pl",
        ("missing_mention:butypl",),
        mentions=("butypl",),
    ),
    case("pl trailing dot of a mention is dropped", "Dziękuję @ButyPL.", mentions=("butypl",)),
    case("pl mentions compare casefolded", "Dzięki @BUTY.PL za buty", mentions=("@Buty.pl",)),
    case(
        "pl a longer tag does not satisfy its prefix",
        "Wakacje #latowmieście",
        ("missing_hashtag:lato",),
        tags=("lato",),
    ),
    case(
        "pl a shorter tag does not satisfy the requirement", "Wakacje #lat", ("missing_hashtag:lato",), tags=("lato",)
    ),
    case("pl required tag is case-insensitive", "Wakacje #LATO", tags=("Lato",)),
    case("pl fullwidth required tag", "Wakacje #lato", tags=("＃ＬＡＴＯ",)),
    case(
        "pl missing tags keep the brand's order",
        "Wakacje #lato",
        ("missing_hashtag:morze", "missing_hashtag:góry"),
        tags=("morze", "góry", "lato"),
    ),
    case(
        "pl reasons in rule 8 order",
        "Nowe buty",
        ("missing_hashtag:lato", "missing_mention:butypl", MISSING),
        tags=("lato",),
        mentions=("butypl",),
        locale="pl",
    ),
    case("pl no disclosure reason when not required", "Nowe buty #lato", tags=("lato",)),
    case("pl ZWJ inside a tag is ignored", "Wakacje #la\u200dto", tags=("lato",)),
    case("pl ZWSP ends a tag", "Wakacje #la\u200bto", ("missing_hashtag:lato",), tags=("lato",)),
    case(
        "pl six tags on Instagram warn",
        "Reklama: #lato #buty #moda #styl #ootd #sale",
        (),
        (TOO_MANY_TAGS,),
        locale="pl",
    ),
    case("pl five tags on Instagram do not warn", "Reklama: #lato #buty #moda #styl #ootd", locale="pl"),
]

TH = [
    case("th hashtag label first", "#โฆษณา ครีมกันแดดตัวใหม่ @brandth", locale="th"),
    case("th required tags keep their combining marks", "รีวิว #ผู้เริ่ม #กันแดด", tags=("กันแดด", "ผู้เริ่ม")),
    case("th label at line start", "โฆษณา | ครีมกันแดดตัวใหม่", locale="th"),
    case("th label inside a sentence is no label", "ครีมกันแดดนี้เป็นโฆษณาที่ดี", (MISSING,), locale="th"),
    case("th anywhere phrase needs no word boundary", "ครีมตัวนี้ได้รับการสนับสนุนจากแบรนด์", locale="th"),
    case("th insufficient hashtag", "รีวิวครีม #ร่วมมือ", (INSUFFICIENT,), locale="th"),
    case("th buried label", "ครีมใหม่ #กันแดด #ผิวสวย #โฆษณา", (BURIED,), locale="th"),
    case("th TikTok asks to verify the toggle", "#โฆษณา ครีมกันแดด", (), (TOGGLE,), locale="th", platform="tiktok"),
    case(
        "th TikTok fold at 100 characters",
        "ครีมกันแดดเนื้อบางเบา " * 5 + "#โฆษณา",
        (BELOW,),
        (TOGGLE,),
        locale="th",
        platform="tiktok",
    ),
    case("th same caption is above Instagram's fold", "ครีมกันแดดเนื้อบางเบา " * 5 + "#โฆษณา", locale="th"),
    case(
        "th failing caption",
        "รีวิวครีมกันแดด #กันแดด #ผิวสวย #โฆษณา",
        ("missing_hashtag:ครีม", BURIED),
        tags=("กันแดด", "ครีม"),
        locale="th",
    ),
]

EN = [
    case("us #ad first", "#ad Loving my new sneakers from @nike", mentions=("nike",), locale="us"),
    case("us Ad: label", "Ad: new sneakers for the season", locale="us"),
    case("us 'ad' inside a word is nothing", "I made a new recipe", (MISSING,), locale="us"),
    case("us 'an ad' mid sentence is no label", "this is an ad for sneakers", (MISSING,), locale="us"),
    case("us bracketed AD", "New sneakers [AD]", locale="us"),
    case("us sponsored by, anywhere", "New sneakers, sponsored by @nike", locale="us"),
    case("us #PaidPartnership", "Love these #PaidPartnership", locale="us"),
    case("us insufficient hashtags", "New sneakers #sp #collab", (INSUFFICIENT,), locale="us"),
    case("us insufficient phrase", "Thanks to @nike for the sneakers", (INSUFFICIENT,), locale="us"),
    case(
        "us mention inside a URL is no mention",
        "Shop https://nike.com/@nike now",
        ("missing_mention:nike",),
        mentions=("nike",),
    ),
    case("us e-mail address is no mention", "Contact press@nike.com", ("missing_mention:nike",), mentions=("nike",)),
    case(
        "us a 31-character run is no mention", "Hi @" + "a" * 31, ("missing_mention:" + "a" * 30,), mentions=("a" * 30,)
    ),
    case(
        "us TikTok fold is two lines",
        "New sneakers\nfor summer\n#ad",
        (BELOW,),
        (TOGGLE,),
        locale="us",
        platform="tiktok",
    ),
    case("us TikTok without disclosure has no toggle warning", "New sneakers #summer", platform="tiktok"),
    case("us TikTok ignores the Instagram tag limit", "#a1 #b2 #c3 #d4 #e5 #f6 #g7", platform="tiktok"),
    case("uk #sponsored is insufficient", "New trainers #sponsored", (INSUFFICIENT,), locale="uk"),
    case("uk Advert | label", "Advert | new trainers from @brand", locale="uk"),
    case("uk #ad first", "#ad New trainers", locale="uk"),
]

JA = [
    case("ja PR in lenticular brackets", "【PR】新作のリップ @brandjp", locale="ja"),
    case("ja #広告 alone", "新作リップ #広告", locale="ja"),
    case("ja half-width kana equal full-width", "今日の試合 #ｻｯｶｰ", tags=("サッカー",)),
    case("ja anywhere phrase", "この投稿はプロモーションを含みます", locale="ja"),
    case("ja fullwidth ＃ＰＲ", "＃ＰＲ 新作のリップ", locale="ja"),
    case("ja insufficient #collab", "新作リップ #collab", (INSUFFICIENT,), locale="ja"),
    case("ja 広告 mid sentence is no label", "これは広告ではありません", (MISSING,), locale="ja"),
]

ES = [
    case("es Publi: label", "Publi: mis nuevas zapatillas @marca", mentions=("marca",), locale="es"),
    case("es #publi first", "#publi zapatillas nuevas", locale="es"),
    case("es #colab is insufficient", "Zapatillas nuevas #colab", (INSUFFICIENT,), locale="es"),
    case("es en colaboración con, anywhere", "Zapatillas nuevas en colaboración con @marca", locale="es"),
    case("es decomposed accent in a phrase", "Zapatillas en colaboracio\u0301n con @marca", locale="es"),
    case("es gracias a is insufficient", "Gracias a @marca por las zapatillas", (INSUFFICIENT,), locale="es"),
]

AR = [
    case("ar label with colon", "إعلان: عطر جديد من @brand", locale="ar"),
    case("ar hashtag with underscore", "عطر جديد #مادة_إعلانية", locale="ar"),
    case("ar hamza-less spelling", "#اعلان عطر جديد", locale="ar"),
    case("ar insufficient hashtag", "عطر جديد #تعاون", (INSUFFICIENT,), locale="ar"),
    case("ar required Arabic tag", "عطر جديد #عطور_فاخرة", tags=("عطور_فاخرة",)),
    case("ar native digits stay distinct", "عطر جديد #عطر2026", ("missing_hashtag:عطر٢٠٢٦",), tags=("عطر٢٠٢٦",)),
]

TABLE = PL + TH + EN + JA + ES + AR


def test_the_table_is_large_enough() -> None:
    assert len(TABLE) >= 70


@pytest.mark.parametrize(("caption", "kwargs", "compliant", "reasons", "warnings"), TABLE)
def test_caption(
    caption: str, kwargs: dict[str, Any], compliant: bool, reasons: list[str], warnings: list[str]
) -> None:
    report = check_caption(caption, **kwargs)
    assert (report.compliant, report.reason_codes, report.warnings) == (compliant, reasons, warnings)


def test_every_lexicon_locale_is_available() -> None:
    assert set(LOCALES) == {"us", "uk", "pl", "th", "ja", "es", "ar"}


def test_unknown_locale_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known locales: us, uk, pl, th, ja, es, ar"):
        check_caption("Reklama", disclosure_required=True, disclosure_locale="de")


def test_unknown_platform_is_refused() -> None:
    with pytest.raises(ValueError, match="instagram, tiktok"):
        check_caption("Reklama", platform="youtube")


def test_offsets_refer_to_the_normalised_caption() -> None:
    report = check_caption("  \n#Ło\u0301dz\u0301 @Brand.  ")
    assert report.caption == "#Łódź @Brand."
    assert [(tag.text, tag.start, tag.end) for tag in report.hashtags] == [("Łódź", 0, 5)]
    assert [(m.text, m.start, m.end) for m in report.mentions] == [("Brand", 6, 12)]


def test_reasons_carry_evidence_and_span() -> None:
    report = check_caption(
        "Nowe buty #lato #buty ＃reklama", required_hashtags=["morze"], disclosure_required=True, disclosure_locale="pl"
    )
    missing, buried = report.reasons
    assert (missing.span, missing.evidence, missing.params) == (None, "#morze", {"tag": "morze"})
    assert (buried.span, buried.evidence, buried.params["position"]) == ((22, 30), "＃reklama", 3)
    assert buried.text() == (
        "The advertising label “＃reklama” is item 3 of a row of hashtags and mentions; "
        "make it the first or second item, or start the caption with “Reklama:”."
    )


def test_phrase_evidence_maps_back_through_expanding_and_ignorable_characters() -> None:
    report = check_caption("Straße ﬁ\u200b Dzięki  MARCE za buty", disclosure_required=True, disclosure_locale="pl")
    (insufficient,) = report.reasons
    assert (insufficient.code, insufficient.span, insufficient.evidence) == (INSUFFICIENT, (10, 23), "Dzięki  MARCE")


def test_below_fold_sentence_counts_lines_from_one() -> None:
    report = check_caption("a\nb\nc\n#reklama", disclosure_required=True, disclosure_locale="pl", platform="tiktok")
    below = report.reasons[0]
    assert (below.code, below.params["line"], below.params["offset"]) == (BELOW, 4, 6)
    assert "TikTok shows only the first 100 characters and 2 lines" in below.text()


def test_reason_text_translates_the_template_then_formats() -> None:
    polish = {"The caption does not contain the required hashtag #%(tag)s.": "Brakuje wymaganego hasztagu #%(tag)s."}
    report = check_caption("Wakacje", required_hashtags=["Lato"])
    assert report.reasons[0].text(lambda message: polish.get(message, message)) == "Brakuje wymaganego hasztagu #lato."


def test_report_snapshot_is_json_ready() -> None:
    report = check_caption("#ad hi @nike", required_mentions=["adidas"], disclosure_required=True, platform="tiktok")
    snapshot = json.loads(json.dumps(report.as_dict()))
    assert snapshot["compliant"] is False
    assert [reason["code"] for reason in snapshot["reasons"]] == ["missing_mention:adidas"]
    assert [warning["code"] for warning in snapshot["warnings"]] == [TOGGLE]
    assert snapshot["hashtags"] == [{"text": "ad", "start": 0, "end": 3}]
