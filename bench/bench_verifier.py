"""Captions per second of check_caption on realistic ~300-character captions (prints figures only).

Run: .venv/bin/python bench/bench_verifier.py
"""

from __future__ import annotations

import time

from marketplace.verification import check_caption

CAPTIONS = {
    "pl": (
        "Reklama: nowe buty od @butypl ✨ Testuję je od dwóch tygodni na spacerach po Łodzi i w górach, "
        "są lekkie, wygodne i nie obcierają nawet po całym dniu. Kod LATO{n} daje -15% do końca miesiąca, "
        "link w bio. Dajcie znać w komentarzach, który kolor wybieracie! 👟\n"
        "#lato #buty #moda #łódź #wspolpracareklamowa"
    ),
    "th": (
        "#โฆษณา ครีมกันแดดตัวใหม่จาก @brandth ☀️ เนื้อบางเบา ซึมไว ไม่เหนียวเหนอะหนะ ใช้มาสองสัปดาห์แล้ว "
        "ผิวไม่แห้งและไม่อุดตันเลย เหมาะกับอากาศร้อนของเมืองไทยมาก ใช้โค้ด SUN{n} ลดเพิ่ม 15% "
        "ถึงสิ้นเดือนนี้ ลิงก์อยู่ในไบโอ ใครลองแล้วมาเล่าให้ฟังในคอมเมนต์ได้เลยนะคะ ขอบคุณที่ติดตามกันเสมอค่ะ\n"
        "#กันแดด #ผิวสวย #สกินแคร์ #รีวิว"
    ),
    "en": (
        "Ad | I've been running in the new trail shoes from @trailco for two weeks now 🏃 They're light, "
        "grippy on wet rock and kept my feet dry through every puddle in the park. Use code TRAIL{n} for "
        "15% off until the end of the month, link in bio. https://trailco.example.com/shoes\n"
        "#running #trail #fitness #outdoors #ad"
    ),
}
REQUIRED = {
    "pl": (["lato", "buty"], ["butypl"]),
    "th": (["กันแดด", "ผิวสวย"], ["brandth"]),
    "en": (["running", "trail"], ["trailco"]),
}
LOCALE = {"pl": "pl", "th": "th", "en": "us"}
ROUNDS = 3000


def bench(language: str) -> tuple[int, float]:
    tags, mentions = REQUIRED[language]
    captions = [CAPTIONS[language].format(n=n) for n in range(ROUNDS)]
    started = time.perf_counter()
    for caption in captions:
        check_caption(
            caption,
            required_hashtags=tags,
            required_mentions=mentions,
            disclosure_required=True,
            disclosure_locale=LOCALE[language],
        )
    return len(captions[0]), time.perf_counter() - started


def main() -> None:
    for language in CAPTIONS:  # warm-up: lexicon, patterns and key cache
        check_caption(CAPTIONS[language].format(n=0), disclosure_required=True, disclosure_locale=LOCALE[language])
    total = 0.0
    for language in CAPTIONS:
        length, seconds = bench(language)
        total += seconds
        print(f"{language}: {ROUNDS / seconds:8.0f} captions/s  ({length} characters, 5 tags, disclosure required)")
    print(f"all: {ROUNDS * len(CAPTIONS) / total:8.0f} captions/s")


if __name__ == "__main__":
    main()
