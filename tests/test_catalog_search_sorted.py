"""SearchTables with SortCriteria, paged: SQLite orders the tables and a page parses only what it returns, and
the pages together give what sorting every match at once gives (tables without the field last, ties by
database and name), whatever the page size, across databases, with filters, and with tables deleted between
pages."""

from __future__ import annotations

import pytest

DATABASES = ("sorted-a", "sorted-b")  # "sorted" is a token of both (a DatabaseName filter matches tokens)
OWNERS = ("zoe", "adam", "Émile", "ab", "abc", None)


@pytest.fixture
def glue(glue_emulator):
    glue = glue_emulator.glue
    for database in DATABASES:
        glue.create_database(DatabaseInput={"Name": database})
        for i in range(23):
            owner = OWNERS[i % len(OWNERS)]
            table = {"Name": f"t{i:02d}", "TableType": "EXTERNAL_TABLE" if i % 3 else "VIRTUAL_VIEW",
                     **({"Owner": owner} if owner else {})}
            glue.create_table(DatabaseName=database, TableInput=table)
    yield glue
    for database in DATABASES:
        glue.delete_database(Name=database)


def _pages(glue, page_size: int, **params) -> list[tuple[str, str]]:
    found, token = [], None
    while True:
        answer = glue.search_tables(MaxResults=page_size, **params, **({"NextToken": token} if token else {}))
        found += [(t["DatabaseName"], t["Name"]) for t in answer["TableList"]]
        assert len(answer["TableList"]) <= page_size
        token = answer.get("NextToken")
        if not token:
            return found


def _expected(tables: list[dict], field: str, descending: bool) -> list[tuple[str, str]]:
    """Brute force: sort every table by the field (missing last), then database and name."""
    having = sorted((t for t in tables if field in t), key=lambda t: (t["DatabaseName"], t["Name"]))
    having.sort(key=lambda t: t[field], reverse=descending)  # stable: ties keep database and name order
    missing = sorted((t for t in tables if field not in t), key=lambda t: (t["DatabaseName"], t["Name"]))
    return [(t["DatabaseName"], t["Name"]) for t in having + missing]


def _ours(glue) -> list[dict]:
    tables = []
    for database in DATABASES:
        tables += glue.get_tables(DatabaseName=database)["TableList"]
    return tables


@pytest.mark.parametrize("field", ["Owner", "Name", "TableType", "UpdateTime"])
@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_sorted_pages_are_the_whole_sort(glue, field, order):
    filters = [{"Key": "DatabaseName", "Value": "sorted"}]
    expected = _expected(_ours(glue), field, order == "DESC")
    for page_size in (1, 4, 7, 100):
        assert _pages(glue, page_size, Filters=filters, SortCriteria=[{"FieldName": field, "Sort": order}]) == expected


def test_filters_apply_before_paging(glue):
    views = [t for t in _ours(glue) if t["TableType"] == "VIRTUAL_VIEW"]
    expected = _expected(views, "Owner", True)
    criteria = [{"FieldName": "Owner", "Sort": "DESC"}]
    assert _pages(glue, 3, Filters=[{"Key": "TableType", "Value": "VIRTUAL_VIEW"}], SortCriteria=criteria) == expected
    assert len(expected) == 16


def test_deleting_between_pages_neither_skips_nor_repeats(glue):
    criteria = [{"FieldName": "Owner", "Sort": "ASC"}]
    filters = [{"Key": "DatabaseName", "Value": "sorted"}]
    first = glue.search_tables(MaxResults=10, Filters=filters, SortCriteria=criteria)
    seen = [(t["DatabaseName"], t["Name"]) for t in first["TableList"]]
    glue.delete_table(DatabaseName=seen[3][0], Name=seen[3][1])  # already returned
    before = _expected(_ours(glue), "Owner", False)
    upcoming = before[before.index(seen[-1]) + 1]
    glue.delete_table(DatabaseName=upcoming[0], Name=upcoming[1])  # not yet returned
    rest, token = [], first["NextToken"]
    while token:
        answer = glue.search_tables(MaxResults=10, Filters=filters, SortCriteria=criteria, NextToken=token)
        rest += [(t["DatabaseName"], t["Name"]) for t in answer["TableList"]]
        token = answer.get("NextToken")
    after = _expected(_ours(glue), "Owner", False)
    assert rest == after[after.index(seen[-1]) + 1:]
    assert upcoming not in rest and not set(rest) & set(seen)


def test_a_token_of_another_listing_is_refused(glue):
    criteria = [{"FieldName": "Owner", "Sort": "ASC"}]
    unsorted = glue.search_tables(MaxResults=2)["NextToken"]
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.search_tables(MaxResults=2, SortCriteria=criteria, NextToken=unsorted)
    sorted_token = glue.search_tables(MaxResults=2, SortCriteria=criteria)["NextToken"]
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.search_tables(MaxResults=2, NextToken=sorted_token)
    by_time = glue.search_tables(MaxResults=2, SortCriteria=[{"FieldName": "UpdateTime", "Sort": "ASC"}])["NextToken"]
    with pytest.raises(glue.exceptions.InvalidInputException):  # a number where a string was, or the reverse
        glue.search_tables(MaxResults=2, SortCriteria=criteria, NextToken=by_time)
