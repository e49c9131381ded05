import shutil
from pathlib import Path

import pytest
from jinja2 import TemplateNotFound, UndefinedError

from contracts.intake import SpecialPeriod
from services.notification.adapters.mail.render import TEMPLATES_DIR, Renderer
from services.notification.domain.contacts import NoticeContext
from services.notification.domain.model import Notice
from services.notification.domain.notices import CATALOGUE, NoticeKind

from .conftest import NoticeFor
from .samples import accepted, accepted_with_its_dates, decision, html_of, only_notice, rendered, text_of

# A phrase each language's part always opens with (the greeting).
GREETING = {"ja": "様", "en": "Dear "}
OTHER = {"ja": "en", "en": "ja"}


def test_the_catalogue_covers_every_kind() -> None:
    assert set(CATALOGUE) == set(NoticeKind)


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_kind_has_text_and_html_templates_in_both_languages(kind: NoticeKind) -> None:
    for language in ("ja", "en"):
        for suffix in ("txt", "html"):
            assert (TEMPLATES_DIR / language / f"{kind}.{suffix}").is_file()


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_kind_renders_both_languages_with_the_notices_language_first(
    renderer: Renderer, notice_for: NoticeFor, kind: NoticeKind, language: str
) -> None:
    message = rendered(renderer, notice_for(kind, language))
    text, html = text_of(message), html_of(message)
    first, second = language, OTHER[language]
    assert text.index(GREETING[first]) < text.index("=" * 50) < text.rindex(GREETING[second])
    assert html.index(f'<div lang="{first}">') < html.index(f'<div lang="{second}">')
    assert message["Content-Language"] == f"{first}, {second}"
    assert "{{" not in text
    assert "{%" not in html


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_subject_gives_the_notices_language_first(renderer: Renderer, notice_for: NoticeFor, language: str) -> None:
    subject = rendered(renderer, notice_for(NoticeKind.APPLICATION_ACCEPTED, language))["Subject"]
    japanese = "申請を受け付けました（受付番号 R-20260512-0042）"
    english = "Application accepted (receipt number R-20260512-0042)"
    assert subject == (f"{japanese} / {english}" if language == "ja" else f"{english} / {japanese}")


def test_the_acceptance_explains_the_special_period_with_its_last_day(
    renderer: Renderer, context: NoticeContext
) -> None:
    message = rendered(renderer, only_notice(accepted_with_its_dates(), context))
    text, html = text_of(message), html_of(message)
    assert "在留期間の満了日：2026年6月30日" in text
    assert "特例期間の最終日：2026年8月31日" in text
    assert "Last day of the special period: 31 August 2026" in text
    assert "Last day of the special period</th><td>31 August 2026" in html


def test_a_short_stay_is_told_there_is_no_special_period(renderer: Renderer, context: NoticeContext) -> None:
    short = accepted_with_its_dates(special_period=SpecialPeriod(applies=False, short_stay=True))
    text = text_of(rendered(renderer, only_notice(short, context)))
    assert "在留期間が30日以下のため、特例期間はありません。" in text
    assert "Your period of stay is 30 days or less, so there is no special period." in text
    assert "特例期間の最終日" not in text


@pytest.mark.parametrize("finding", [SpecialPeriod(applies=False), None], ids=["filed-after-expiry", "no-finding"])
def test_an_acceptance_without_a_special_period_says_nothing_of_one(
    renderer: Renderer, context: NoticeContext, finding: SpecialPeriod | None
) -> None:
    message = rendered(renderer, only_notice(accepted_with_its_dates(special_period=finding), context))
    for part in (text_of(message), html_of(message)):
        assert "特例期間" not in part
        assert "special period" not in part.lower()


def test_the_postal_instructions_give_the_amounts_and_never_ask_for_the_passport(
    renderer: Renderer, context: NoticeContext
) -> None:
    text = text_of(rendered(renderer, only_notice(decision(), context)))
    for phrase in (
        "460円分の切手",
        "簡易書留 350円",
        "5,500円分の収入印紙",
        "返信用封筒",
        "旅券（パスポート）は送らないでください",
    ):
        assert phrase in text
    for phrase in ("postage stamps worth 460 yen", "worth 5,500 yen", "Do not send your passport"):
        assert phrase in text
    assert "別紙の資格外活動許可書" in text


def test_the_html_part_escapes_what_the_payload_says_and_the_text_part_keeps_it(
    renderer: Renderer, context: NoticeContext
) -> None:
    notice = only_notice(accepted(applicant_name="<script>alert('x')</script>", applicant_email=None), context)
    message = rendered(renderer, notice)
    assert "<script>" not in html_of(message)
    assert "&lt;script&gt;" in html_of(message)
    assert "<script>alert('x')</script>" in text_of(message)


def test_a_notice_read_back_from_json_renders_the_same(renderer: Renderer, notice_for: NoticeFor) -> None:
    for kind in NoticeKind:
        notice = notice_for(kind, "ja")
        again = Notice.model_validate_json(notice.model_dump_json())
        assert text_of(rendered(renderer, again)) == text_of(rendered(renderer, notice))


def test_a_variable_the_planner_forgot_is_an_error_not_a_blank(renderer: Renderer, notice_for: NoticeFor) -> None:
    notice = notice_for(NoticeKind.DOCUMENTS_REQUESTED, "ja")
    broken = notice.model_copy(update={"variables": {k: v for k, v in notice.variables.items() if k != "due_on"}})
    with pytest.raises(UndefinedError):
        rendered(renderer, broken)


def test_a_missing_template_stops_the_renderer_at_start_up(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATES_DIR, tmp_path / "templates")
    (tmp_path / "templates" / "en" / "coe_issued.html").unlink()
    with pytest.raises(TemplateNotFound):
        Renderer(tmp_path / "templates")


def test_a_text_template_without_a_subject_stops_the_renderer_at_start_up(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATES_DIR, tmp_path / "templates")
    path = tmp_path / "templates" / "ja" / "card_dispatched.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("block subject", "block title"), encoding="utf-8")
    with pytest.raises(ValueError, match="card_dispatched"):
        Renderer(tmp_path / "templates")
