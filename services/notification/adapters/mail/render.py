"""Rendering a `Notice` into an e-mail: both languages, the notice's language first.

The Jinja environment is built once at start-up (`Renderer(TEMPLATES_DIR)`, by the
composition root), and every template is loaded then, so a missing or broken template
stops the service rather than a notice. How dates and amounts read is the domain's
(`domain/wording.py`); this module only loads the templates and fills them in.
Each kind has `{ja,en}/{kind}.txt` (whose `subject` block gives the subject) and
`{ja,en}/{kind}.html`; HTML is autoescaped, text is not. `StrictUndefined` turns a
variable the planner forgot into an error instead of a blank in a letter.
"""

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup

from contracts.application import Language
from services.notification.adapters.mail import mime
from services.notification.domain.model import Notice, NoticeKind
from services.notification.domain.wording import en_date, ja_date, yen

TEMPLATES_DIR = Path(__file__).parent.parent.parent / "templates"
LANGUAGES: tuple[Language, Language] = ("ja", "en")


@dataclass(frozen=True)
class _Pair:
    text: Template
    html: Template


class Renderer:
    def __init__(self, templates_dir: Path = TEMPLATES_DIR) -> None:
        env = Environment(
            loader=FileSystemLoader(templates_dir),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        env.filters.update(ja_date=ja_date, en_date=en_date, yen=yen)
        # The templates use none of Jinja's default globals (`range`, `dict`, `namespace`...), and every
        # render copies the globals into its context through a ChainMap: a fifth of rendering a notice.
        env.globals.clear()
        self._templates = {
            (kind, language): _Pair(
                env.get_template(f"{language}/{kind}.txt"), env.get_template(f"{language}/{kind}.html")
            )
            for kind in NoticeKind
            for language in LANGUAGES
        }
        self._message = _Pair(env.get_template("_message.txt"), env.get_template("_message.html"))
        untitled = [name for name, pair in self._templates.items() if "subject" not in pair.text.blocks]
        if untitled:
            raise ValueError(f"text templates without a subject block: {untitled}")

    def render(self, notice: Notice, *, sender: str, message_id_domain: str, date: datetime) -> EmailMessage:
        """The notice as a MIME message dated `date` (the caller's clock, never read here)."""
        order = (notice.language, *(language for language in LANGUAGES if language != notice.language))
        parts = [self._render_one(notice, language) for language in order]
        subject = " / ".join(subject for subject, _, _ in parts)
        frame = {"languages": order, "subject": subject}
        text = self._message.text.render(frame, bodies=[body for _, body, _ in parts])
        # Each body came out of an autoescaping template already; Markup stops a second escape.
        html = self._message.html.render(frame, bodies=[Markup(body) for _, _, body in parts])
        return mime.build_message(
            sender=sender,
            recipients=notice.recipients,
            subject=subject,
            text=text,
            html=html,
            message_id=mime.message_id(notice.notice_id, message_id_domain),
            date=date,
            languages=order,
        )

    def _render_one(self, notice: Notice, language: Language) -> tuple[str, str, str]:
        """(subject, text, html) in one language."""
        pair = self._templates[(notice.kind, language)]
        text = pair.text.new_context(dict(notice.variables))  # one context for the subject block and the text
        subject = "".join(pair.text.blocks["subject"](text)).strip()
        body = "".join(pair.text.root_render_func(text)).strip()  # what `render` does with its own context
        return subject, body, pair.html.render(notice.variables).strip()
