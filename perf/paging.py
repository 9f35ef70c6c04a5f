"""Lists that scale to a department's year: reading a list page's paging and filter parameters.

Pure functions, no database and no request: each parser takes what the query string gave (a
str or None) and never raises. A value that makes no sense (``page=abc``, a page number no list
has, ``year=x``) falls back to the default; a date that is not a date comes back with a Chinese
message the page shows beside its filter, because silently ignoring it would show a list the
user did not ask for. ``perf.db.page_of`` runs a query for one ``Window``.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from math import ceil

#: Rows per page unless the page asks for another number.
PER_PAGE = 50
#: The most rows one page shows, whatever ``per_page`` says.
MAX_PER_PAGE = 200
#: A page number no list reaches (keeps offsets far inside what any database takes).
MAX_PAGE = 1_000_000
#: A search text is cut to this many characters.
MAX_TEXT = 100
#: The year switcher's value for "every year".
ALL_YEARS = "all"
#: How a bad date is told.
BAD_DATE = "日期应写成 2024-07-01 的格式"


def parse_int(value: str | None, default: int, low: int, high: int) -> int:
    """``value`` as a whole number within [low, high]; ``default`` when it is not one (or out of range)."""
    text = (value or "").strip()
    if not text or len(text) > 12 or not text.isascii() or not text.isdigit():
        return default
    number = int(text)
    return number if low <= number <= high else default


def parse_page(value: str | None) -> int:
    """The page number asked for (1 when none or nonsense)."""
    return parse_int(value, 1, 1, MAX_PAGE)


def parse_per_page(value: str | None, default: int = PER_PAGE) -> int:
    """Rows per page: at most ``MAX_PER_PAGE``; more is cut to it, nonsense is the default."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 12 and int(text) > MAX_PER_PAGE:
        return MAX_PER_PAGE
    return parse_int(value, default, 1, MAX_PER_PAGE)


def parse_text(value: str | None, limit: int = MAX_TEXT) -> str:
    """A search text: trimmed, inner runs of blanks made one space, control characters dropped, cut to ``limit``."""
    kept = "".join(ch if ch.isprintable() else " " for ch in (value or ""))
    return " ".join(kept.split())[:limit]


def parse_choice(value: str | None, choices, default: str | None = None) -> str | None:
    """``value`` when it is one of ``choices`` (keys of a dict or items of a sequence), else ``default``."""
    return value if value is not None and value in choices else default


def parse_year(value: str | None, years) -> int | None:
    """The budget year asked for among ``years`` (those that exist); None means every year.

    No value or one that is not an existing year: the newest year (as the pages showed before they
    had a switcher); ``all``: every year; no years at all: None.
    """
    known = sorted(set(years), reverse=True)
    if (value or "").strip() == ALL_YEARS or not known:
        return None
    asked = parse_int(value, known[0], 1, 9999)
    return asked if asked in known else known[0]


def year_choice(year: int | None) -> str:
    """What the year switcher shows selected for ``parse_year``'s answer."""
    return ALL_YEARS if year is None else str(year)


def parse_date(value: str | None) -> tuple[date | None, str | None]:
    """(the date, None) for ``2024-07-01``; (None, None) for nothing; (None, message) for anything else."""
    text = (value or "").strip()
    if not text:
        return None, None
    if len(text) != 10 or not text.isascii():
        return None, BAD_DATE
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, BAD_DATE


def parse_range(start: str | None, end: str | None) -> tuple[date | None, date | None, dict[str, str]]:
    """A from/to date filter: (from, to, {"from"/"to": message}); a bad end is dropped, an end before the start too."""
    first, first_problem = parse_date(start)
    last, last_problem = parse_date(end)
    problems = {key: message for key, message in (("from", first_problem), ("to", last_problem)) if message}
    if first is not None and last is not None and last < first:
        problems["to"] = "结束日期不能早于开始日期"
        last = None
    return first, last, problems


@dataclass(frozen=True)
class Window:
    """Which rows a page shows: page ``page`` of ``per_page`` rows."""

    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def parse(cls, page: str | None, per_page: str | None = None) -> "Window":
        """The window a query string asks for (``page``, ``per_page``)."""
        return cls(parse_page(page), parse_per_page(per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def within(self, total: int) -> "Window":
        """The same window, moved back to the last page when it lies past the ``total`` rows."""
        last = max(1, ceil(total / self.per_page))
        return self if self.page <= last else Window(last, self.per_page)


@dataclass
class Page:
    """One page of a list: its rows, how many rows the whole list has, and where this page is."""

    items: list
    total: int
    window: Window = field(default_factory=Window)

    @property
    def number(self) -> int:
        return self.window.page

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.window.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_row(self) -> int:
        """The list position of this page's first row (0 for an empty list)."""
        return self.window.offset + 1 if self.items else 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class ListArgs:
    """What every list page reads from its query string: the window, the search text (``q``), the year."""

    window: Window = field(default_factory=Window)
    text: str = ""
    year: int | None = None

    @classmethod
    def parse(cls, args: Mapping, years=()) -> "ListArgs":
        """From ``page``, ``per_page``, ``q`` and (where the page has a year switcher, ``years``) ``year``."""
        window = Window.parse(args.get("page"), args.get("per_page"))
        return cls(window, parse_text(args.get("q")), parse_year(args.get("year"), years))

    @property
    def year_choice(self) -> str:
        return year_choice(self.year)
