"""perf.paging: what a list page makes of its query string; nonsense falls back, it never raises."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.paging import (
    BAD_DATE,
    MAX_PAGE,
    MAX_PER_PAGE,
    PER_PAGE,
    ListArgs,
    Page,
    Window,
    parse_choice,
    parse_date,
    parse_page,
    parse_per_page,
    parse_range,
    parse_text,
    parse_year,
    year_choice,
)

YEARS = [2023, 2024, 2022]


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        (None, 1),
        ("", 1),
        ("1", 1),
        ("7", 7),
        (" 3 ", 3),
        ("0", 1),
        ("-2", 1),
        ("abc", 1),
        ("2.5", 1),
        ("1e3", 1),
        ("99999999999999999999", 1),
        (str(MAX_PAGE), MAX_PAGE),
        (str(MAX_PAGE + 1), 1),
        ("٣", 1),  # an Arabic-Indic digit is a digit to Python, not to a page number
        ("³", 1),
    ],
)
def test_page(given_value, expected):
    assert parse_page(given_value) == expected


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [(None, PER_PAGE), ("", PER_PAGE), ("20", 20), ("0", PER_PAGE), ("x", PER_PAGE), ("100000", MAX_PER_PAGE)],
)
def test_per_page(given_value, expected):
    assert parse_per_page(given_value) == expected


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        (None, 2024),  # the newest year, as the pages showed before the switcher
        ("", 2024),
        ("2023", 2023),
        ("2022", 2022),
        ("2019", 2024),  # a year that does not exist
        ("x", 2024),
        ("99999999999999999999", 2024),
        ("all", None),
        (" all ", None),
    ],
)
def test_year(given_value, expected):
    assert parse_year(given_value, YEARS) == expected


def test_no_years_at_all_means_every_year():
    assert parse_year("2024", []) is None and parse_year(None, ()) is None


@pytest.mark.parametrize(("year", "shown"), [(None, "all"), (2024, "2024")])
def test_year_choice(year, shown):
    assert year_choice(year) == shown


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        (None, (None, None)),
        ("", (None, None)),
        ("2024-07-01", (date(2024, 7, 1), None)),
        (" 2024-07-01 ", (date(2024, 7, 1), None)),
        ("2024-13-01", (None, BAD_DATE)),
        ("2024-02-30", (None, BAD_DATE)),
        ("20240701", (None, BAD_DATE)),
        ("2024-7-1", (None, BAD_DATE)),
        ("昨天", (None, BAD_DATE)),
        ("x" * 5000, (None, BAD_DATE)),
    ],
)
def test_date(given_value, expected):
    assert parse_date(given_value) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-01-01", "2024-03-31", (date(2024, 1, 1), date(2024, 3, 31), {})),
        ("2024-03-31", "2024-03-31", (date(2024, 3, 31), date(2024, 3, 31), {})),
        ("2024-04-01", "2024-03-31", (date(2024, 4, 1), None, {"to": "结束日期不能早于开始日期"})),
        ("2024-13-01", "2024-03-31", (None, date(2024, 3, 31), {"from": BAD_DATE})),
        (None, "x", (None, None, {"to": BAD_DATE})),
        (None, None, (None, None, {})),
    ],
)
def test_range(start, end, expected):
    assert parse_range(start, end) == expected


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        (None, ""),
        ("  培训  经费 ", "培训 经费"),
        ("a\x00b\tc\nd", "a b c d"),
        ("长" * 300, "长" * 100),
    ],
)
def test_text(given_value, expected):
    assert parse_text(given_value) == expected


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [("open", "open"), ("", None), (None, None), ("OPEN", None), ("'; drop", None)],
)
def test_choice(given_value, expected):
    assert parse_choice(given_value, {"open": "待说明", "closed": "已关闭"}) == expected


@pytest.mark.parametrize(
    ("page", "total", "expected"),
    [(1, 0, 1), (3, 120, 3), (4, 120, 3), (MAX_PAGE, 120, 3), (2, 50, 1), (2, 51, 2)],
)
def test_a_window_past_the_end_moves_to_the_last_page(page, total, expected):
    assert Window(page, 50).within(total).page == expected


@pytest.mark.parametrize(
    ("total", "page", "pages", "has_prev", "has_next", "first_row"),
    [
        (0, 1, 1, False, False, 0),
        (120, 1, 3, False, True, 1),
        (120, 2, 3, True, True, 51),
        (120, 3, 3, True, False, 101),
    ],
)
def test_page_says_where_it_is(total, page, pages, has_prev, has_next, first_row):
    shown = Page(["row"] if total else [], total, Window(page, 50))
    assert (shown.number, shown.pages, shown.has_prev, shown.has_next, shown.first_row) == (
        page,
        pages,
        has_prev,
        has_next,
        first_row,
    )


def test_list_args_read_the_query_string():
    args = ListArgs.parse({"page": "2", "q": " 培训 ", "year": "2023"}, YEARS)
    assert args == ListArgs(Window(2, PER_PAGE), "培训", 2023) and args.year_choice == "2023"
    assert ListArgs.parse({}, YEARS) == ListArgs(Window(1, PER_PAGE), "", 2024)


@given(st.one_of(st.none(), st.text()))
def test_nothing_typed_breaks_the_parsers(value):
    assert 1 <= parse_page(value) <= MAX_PAGE
    assert 1 <= parse_per_page(value) <= MAX_PER_PAGE
    assert parse_year(value, YEARS) in (None, *YEARS)
    day, problem = parse_date(value)
    assert day is None or problem is None
    assert len(parse_text(value)) <= 100


@given(st.integers(min_value=1, max_value=MAX_PAGE))
def test_every_page_number_reads_back(number):
    assert parse_page(str(number)) == number


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=MAX_PAGE))
def test_a_window_within_the_rows_starts_inside_them(total, page):
    window = Window(page, PER_PAGE).within(total)
    assert 1 <= window.page <= page
    assert window.offset < max(total, 1)
    assert window.page == page or window.offset + PER_PAGE >= total


@given(st.dates())
def test_every_date_reads_back(day):
    text = day.isoformat()
    assert parse_date(text) == ((day, None) if len(text) == 10 else (None, BAD_DATE))
