"""`check-caption`: check a caption from standard input (exit 0 compliant, 1 not, 2 bad arguments)."""

from __future__ import annotations

from collections.abc import Callable

import click
import regex

from .lexicon import LOCALES
from .report_text import render_report
from .requirements import InvalidRequirement, validate_required_hashtag, validate_required_mention
from .rules import PLATFORMS, check_caption

_SEPARATORS = regex.compile(r"[,\s]+")


def _requirements(values: tuple[str, ...], validate: Callable[[str], str], option: str) -> list[str]:
    """Split comma- or space-separated values and validate each, as a campaign form would."""
    items = [item for value in values for item in _SEPARATORS.split(value) if item]
    try:
        return [validate(item) for item in items]
    except InvalidRequirement as error:
        raise click.BadParameter(str(error), param_hint=option) from None


@click.command("check-caption")
@click.option("--hashtags", multiple=True, metavar="TAGS", help="Required hashtags, comma- or space-separated.")
@click.option("--mentions", multiple=True, metavar="NAMES", help="Required usernames, comma- or space-separated.")
@click.option(
    "--disclosure",
    "locale",
    type=click.Choice(LOCALES, case_sensitive=False),
    help="Require an advertising disclosure under this locale's lexicon.",
)
@click.option("--platform", type=click.Choice(tuple(PLATFORMS)), default="instagram", show_default=True)
@click.pass_context
def check_caption_command(
    ctx: click.Context, hashtags: tuple[str, ...], mentions: tuple[str, ...], locale: str | None, platform: str
) -> None:
    """Check the caption read from standard input against campaign requirements."""
    required_hashtags = _requirements(hashtags, validate_required_hashtag, "--hashtags")
    required_mentions = _requirements(mentions, validate_required_mention, "--mentions")
    with click.open_file("-", encoding="utf-8") as stdin:
        caption = stdin.read()
    report = check_caption(
        caption,
        required_hashtags=required_hashtags,
        required_mentions=required_mentions,
        disclosure_required=locale is not None,
        disclosure_locale=locale or "us",
        platform=platform,
    )
    click.echo(render_report(report), nl=False)
    ctx.exit(0 if report.compliant else 1)
