"""Which language a visitor sees: `?lang=` switches and is remembered in the session; `lt` by default."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates, support
from flask import Flask, current_app, g, request, session
from flask_babel import format_timedelta, get_locale, get_timezone, get_translations

from shop.db import utcnow

SESSION_KEY = "lang"


def select_locale() -> str:
    """The visitor's language: an explicit `?lang=`, then the remembered one, then the default."""
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang", "") if request else ""
    if wanted in languages:
        session[SESSION_KEY] = wanted
        return wanted
    remembered = session.get(SESSION_KEY, "") if request else ""
    return remembered if remembered in languages else languages[0]


def select_timezone() -> str:
    """Everyone sees Lithuanian time: the shop, its communities and its parcels are all there."""
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def current_language() -> str:
    """The language of the current request, as a plain code ("lt" or "en")."""
    try:
        locale = g._flask_babel.babel_locale  # chosen already: Flask-Babel keeps it there
    except (AttributeError, RuntimeError):
        locale = None
    return str(locale or get_locale() or current_app.config["LANGUAGES"][0])


def translations() -> support.NullTranslations:
    """The current language's catalogue, looked up once per request and language.

    Flask-Babel's own look-up walks its request state three times per message (about 25 µs), and a page
    says a hundred things; this one checks that the language is still the one it was found for, so
    `force_locale` (a mail in the customer's language) and `refresh` are followed as before."""
    try:
        state = g._flask_babel
        language, kept = state.kaimo_translations
        if language is state.babel_locale:
            return kept  # type: ignore[no-any-return]
    except (AttributeError, RuntimeError):
        pass
    found: support.NullTranslations = get_translations()
    try:
        state = g._flask_babel
        state.kaimo_translations = (state.babel_locale, found)
    except (AttributeError, RuntimeError):
        pass  # outside a request, or no language chosen: nothing to keep
    return found


def install_template_gettext(app: Flask) -> None:
    """The templates' `_`, `ngettext`, `pgettext` and `npgettext`, through `translations` (after Flask-Babel
    has installed its own, which these replace)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


#: The locale a language's dates are written in. English is day first, as in Ireland and Britain
#: ("11 Dec 2026", "11/12/2026"): never the American month first, which reads "12/11" as 12 November.
DATE_LOCALES = {"lt": "lt", "en": "en_GB"}


def date_locale() -> str:
    language = current_language()
    return DATE_LOCALES.get(language, language)


def format_date(day: date | datetime, format: str = "medium") -> str:
    """A day in the visitor's language (a stored UTC moment is first turned into its Vilnius day)."""
    if isinstance(day, datetime):
        day = (day if day.tzinfo else day.replace(tzinfo=UTC)).astimezone(get_timezone()).date()
    return dates.format_date(day, format, locale=date_locale())


#: A day of a delivery promise without its year, as each language writes it: "gruodžio 10 d." (the
#: genitive month, as Lithuanian dates have it), "10 December".
DAY_PATTERNS = {"lt": "MMMM d 'd'.", "en": "d MMMM"}
#: Two days of the same month: "gruodžio 10–12 d.", "10–12 December".
SAME_MONTH_SPANS = {"lt": "{month} {first}–{last} d.", "en": "{first}–{last} {month}"}


def format_day(day: date) -> str:
    """A day of a delivery promise: "gruodžio 10 d." (lt), "10 December" (en)."""
    return _format_day(day, current_language())


def format_days(first: date, last: date) -> str:
    """A span of days, as short as it reads: "gruodžio 10–12 d.", "gruodžio 30 d. – sausio 2 d.";
    one day when both are the same."""
    return _format_days(first, last, current_language())


# Kept per day and language, as prices are (shop.money): Babel works its pattern out anew each call, and
# a product page names up to ten days (each method's delivery and last day to order for Christmas).
@lru_cache(maxsize=4096)
def _format_day(day: date, language: str) -> str:
    return dates.format_date(
        day, DAY_PATTERNS.get(language, "d MMMM"), locale=DATE_LOCALES.get(language, language)
    )


@lru_cache(maxsize=4096)
def _format_days(first: date, last: date, language: str) -> str:
    if first == last:
        return _format_day(first, language)
    if (first.year, first.month) == (last.year, last.month):
        month = dates.format_date(first, "MMMM", locale=DATE_LOCALES.get(language, language))
        span = SAME_MONTH_SPANS.get(language, SAME_MONTH_SPANS["en"])
        return span.format(month=month, first=first.day, last=last.day)
    return f"{_format_day(first, language)} – {_format_day(last, language)}"


def format_datetime(moment: datetime, format: str = "medium") -> str:
    """A stored UTC moment in Lithuanian time, in the visitor's language."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return dates.format_datetime(moment, format, tzinfo=get_timezone(), locale=date_locale())


def decimal_separator() -> str:
    """The decimal separator people of the current language write: "12,5" in Lithuanian, "12.5" in English."""
    return "," if current_language() == "lt" else "."


def N_(message: str) -> str:
    """Mark an English msgid for extraction where it cannot be translated yet (a module's constants);
    `_(message)` translates it where it is shown."""
    return message


def localized(obj: object, field: str, language: str | None = None) -> str:
    """`obj.<field>_<language>`, falling back to Lithuanian where the translation is empty."""
    language = language or current_language()
    text = getattr(obj, f"{field}_{language}", None) or getattr(obj, f"{field}_lt", None)
    return str(text or "")


#: Where the shop and its communities are: days, months and periods are counted here.
VILNIUS = ZoneInfo("Europe/Vilnius")


def vilnius_today() -> date:
    """Today's date in Vilnius, whatever the server's zone."""
    return datetime.now(VILNIUS).date()


def vilnius_midnight(day: date) -> datetime:
    """The moment (UTC) a Vilnius day begins: the edge of a day, month or payout period."""
    return datetime(day.year, day.month, day.day, tzinfo=VILNIUS).astimezone(UTC)


def age(since: datetime, now: datetime | None = None) -> str:
    """How long ago, in words of the visitor's language: "2 days ago", "prieš 5 valandas"."""
    waited = max((now or utcnow()) - since, timedelta(0))
    return str(format_timedelta(-waited, granularity="minute", add_direction=True))


def ago(since: datetime, now: datetime) -> str:
    """How long ago, in whole days from a day on ("6 days ago", not "1 week ago": limits are in days),
    in hours or minutes before that ("2 hours ago")."""
    waited = max(now - since, timedelta(0))
    if waited < timedelta(days=1):
        return age(since, now)
    return str(format_timedelta(-waited, granularity="day", threshold=1000, add_direction=True))
