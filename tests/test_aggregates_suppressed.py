"""No small count in any aggregate an analyst or a manager sees (DESIGN.md §4), found by walking the site.

The walk starts from every URL pattern of the resolver (parameters filled from the data below, or taken from the
links on the pages visited) and follows every link, so a new page is walked without being listed here. Pages that
refuse the user (403, a redirect, 405 for POST-only views, 404 for a sample id that is not theirs) are counted.

What is checked on every page:
- every figure rendered by the suppression module ({% cell %} in nara/core/templatetags/suppression.py, the only
  producer of data-count and data-measure) shows 0, at least NARA_SMALL_CELL_LIMIT, or the suppression mark;
- every cell of an aggregate table (data-aggregate) is such a figure, so a number printed past the module fails;
- every aggregate table has at least one suppressed cell in this data (the data exercises every aggregate);
- for analysts (aggregates only), no table cell outside an aggregate table shows a number at all, unless the
  table says it holds no aggregate (data-not-aggregate: rows of an uploaded file, not persons), and every CSV
  holds no count between 1 and the limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone

from nara.identify.models import ImportBatch, RiskRun
from nara.identify.pseudonym import pseudonym
from nara.transitions.models import Agreement, CaseEvent, DayPrice
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db

# Aggregate tables this data must reach (data-aggregate names); more are welcome and checked the same way.
EXPECTED_AGGREGATES = {
    "vc_analyst": {"identify-statistics", "transitions-ready", "statement-summary"},
    "vc_manager": {"identify-statistics", "transitions-ready", "statement-summary"},
}
REFUSED = {302, 403, 405}
MAX_PER_PATTERN = 4  # distinct URLs (query strings included) walked per URL pattern
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
DATE_OR_TIME = re.compile(r"\d{4}-\d{2}(-\d{2})?|\d{1,2}:\d{2}(:\d{2})?")


# --- A small DOM ---------------------------------------------------------------------------------------------


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find(self, pred):
        return [n for n in self.iter() if pred(n)]

    def text_outside(self, pred) -> str:
        """The text of this node without the text of descendants matching pred."""
        return "".join(
            c if isinstance(c, str) else ("" if pred(c) else c.text_outside(pred)) for c in self.children
        )

    def within(self, pred) -> bool:
        node = self.parent
        while node is not None:
            if pred(node):
                return True
            node = node.parent
        return False


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {})
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def is_figure(n: Node) -> bool:
    return "data-count" in n.attrs or "data-measure" in n.attrs


def has_number(text: str) -> bool:
    return bool(re.search(r"\d", DATE_OR_TIME.sub("", text)))


# --- The data: small cells in every aggregate ----------------------------------------------------------------


def write_risk_run(path: Path, rows) -> RiskRun:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE r (pseudonym VARCHAR, definition VARCHAR, flagged BOOLEAN, value DOUBLE, band VARCHAR, "
        "reason VARCHAR, listed_unit_hsa VARCHAR, municipality_code VARCHAR)"
    )
    con.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [list(r) for r in rows])
    # The results file's contract (nara/identify/risklist.py): scope "all", nothing from other organisations.
    con.execute(f"COPY (SELECT *, 'all' AS scope, CAST([] AS BIGINT[]) AS other_orgs, false AS unknown_units "
                f"FROM r) TO '{path}' (FORMAT parquet)")
    con.close()
    return RiskRun.objects.create(
        reference_date=timezone.localdate(), status=RiskRun.Status.SUCCEEDED, finished_at=timezone.now(),
        results_path=str(path),
    )


def small_cells_everywhere(tmp_path):
    """Identify counts, the transitions overview and the statement summary, each with cells from 1 to 4 as well
    as cells of 5 and more, at the default limit of 5."""
    assert settings.NARA_SMALL_CELL_LIMIT == 5
    w = build()
    other_vc = w.stranger.listed_unit
    # Risk run: per vårdcentral 7 and 2 flagged persons (many visits), 1 and 6 (HFRS); Borås residents among them.
    rows = []
    for i in range(9):
        unit = w.vc.hsa_id if i < 7 else other_vc.hsa_id
        code = "1463" if i < 6 else "1490"
        rows.append((pseudonym(f"visits-{i}"), "mangbesokare_vardcentral", True, 7.0, None, "7 besök", unit, code))
    for i in range(7):
        unit = w.vc.hsa_id if i < 1 else other_vc.hsa_id
        rows.append((pseudonym(f"hfrs-{i}"), "hfrs", True, 16.0, "high", "HFRS 16,0", unit, "1463"))
    write_risk_run(tmp_path / "results.parquet", rows)

    # Discharge cases recorded by the region: ready now in Mark 6, Borås 1, Bollebygd 7; and one case of Mark's
    # last month (discharged then), so the statement summary has a month of one case.
    now = timezone.now()
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for year in {today.year, last_month.year}:
        DayPrice.objects.create(year=year, price=Decimal("9800.00"))
    boras = f.organisation("Borås stad", code="1490")
    bollebygd = f.organisation("Bollebygds kommun", code="1443")
    for municipality, ready_now in ((w.mark, 6), (boras, 1), (bollebygd, 7)):
        agreement = Agreement.objects.create(
            region=w.region, municipality=municipality, name=f"Överenskommelse {municipality.name}",
            valid_from=dt.date(2020, 1, 1),
        )
        for i in range(ready_now):
            person = w.person if (municipality, i) == (w.mark, 0) else f.person(municipality=municipality)
            admitted = now - dt.timedelta(days=3)
            case = b.fu_case(w, person=person, status="ready", admitted_at=admitted, agreement=agreement,
                             municipality=municipality)
            b.fu_event(case, CaseEvent.Kind.ADMISSION_NOTICE, admitted, units=[w.vc], acknowledged=True)
            b.fu_ready(case, now - dt.timedelta(minutes=30))
        if municipality == w.mark:
            mark_agreement = agreement
    earlier = b.ag_case(w, last_month + dt.timedelta(days=1), mark_agreement, person=w.stranger)
    b.ag_ready(earlier, b.ag_local(last_month + dt.timedelta(days=2)))
    b.ag_discharge(earlier, b.ag_local(last_month + dt.timedelta(days=12)))

    # An import by the analyst's organisation (its pages show rows of a file, not persons).
    ImportBatch.objects.create(
        kind=ImportBatch.Kind.POPULATION, file_name="befolkning.csv", file_sha256="0" * 64, file_format="csv",
        status=ImportBatch.Status.SUCCEEDED, rows_read=3, rows_imported=3, organisation=w.region,
        started_by=w.vc_analyst, finished_at=now,
    )
    return w


# --- The walk ------------------------------------------------------------------------------------------------


def url_patterns():
    """(name, pattern) for every named URL pattern of the site."""
    found = []

    def walk(resolver, namespace=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                found.append((namespace + p.name, p))

    walk(get_resolver())
    return found


def sample_kwargs(w) -> dict:
    """A value for each URL parameter name; a pattern with a parameter not listed here fails the walk."""
    return {
        "person_id": w.person.pk,
        "municipality_id": w.mark.pk,
        "month": timezone.localdate().strftime("%Y-%m"),
        "pk": 1,
        "ea_id": 1,
        "rule_pk": 1,
        "number": 1,
        "slug": "narstaende",
        "key": "halsosamtal",
        "kind": "sjukhus",
        "part": "deltagare",
        "step": "meddelande",
    }


def route_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def walk(client, w):
    """Visit every page reachable for the signed-in user: the patterns without parameters and every link found,
    then each pattern no link reached with the sample values. Returns {url: (route name, response, linked)}."""
    samples = sample_kwargs(w)
    patterns = url_patterns()
    queue: list[tuple[str, bool]] = [(reverse(name), False) for name, p in patterns if not p.pattern.converters]
    seen: dict[str, tuple] = {}
    per_pattern: Counter = Counter()
    while True:
        if not queue:
            for name, pattern in patterns:
                if per_pattern[name]:
                    continue
                params = list(pattern.pattern.converters)
                missing = [p for p in params if p not in samples]
                assert not missing, f"{name}: add a sample value for {missing} to sample_kwargs()"
                queue.append((reverse(name, kwargs={p: samples[p] for p in params}), False))
            queue = [(u, linked) for u, linked in queue if u not in seen]
            if not queue:
                return seen
        url, linked = queue.pop(0)
        if url in seen:
            continue
        name = route_name(urlsplit(url).path)
        if name is None or per_pattern[name] >= MAX_PER_PATTERN:
            continue
        per_pattern[name] += 1
        response = client.get(url)
        seen[url] = (name, response, linked)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            for a in Tree(response.content.decode()).root.find(lambda n: n.tag == "a" and "href" in n.attrs):
                href = a.attrs["href"].split("#")[0]
                parts = urlsplit(href)
                if parts.scheme or parts.netloc or not parts.path.startswith("/") or href in seen:
                    continue
                if parts.path.startswith(settings.STATIC_URL):
                    continue
                queue.append((href, True))


# --- The checks ----------------------------------------------------------------------------------------------


def check_page(url, html, limit, analyst, problems, aggregates):
    root = Tree(html).root
    main = next((n for n in root.iter() if n.tag == "main"), root)
    for n in main.find(is_figure):
        value = n.attrs.get("data-count", n.attrs.get("data-measure"))
        shown = n.text().strip()
        if "data-count" in n.attrs and value != "hidden":
            if 0 < int(value) < limit:
                problems.append(f"{url}: the count {value} is shown (below {limit})")
        if value == "hidden" and "data-count" in n.attrs and shown != f"<{limit}":
            problems.append(f"{url}: a suppressed count shows {shown!r}")
    for table in main.find(lambda n: n.tag == "table" and "data-aggregate" in n.attrs):
        name = table.attrs["data-aggregate"]
        figures = table.find(is_figure)
        aggregates[name]["tables"] += 1
        aggregates[name]["hidden"] += sum(1 for n in figures if n.attrs.get("data-count") == "hidden")
        for td in table.find(lambda n: n.tag == "td"):
            if has_number(td.text_outside(is_figure)):
                problems.append(f"{url}: {name} has a cell not rendered by the suppression module: "
                                f"{td.text().strip()!r}")
    if analyst:
        for td in main.find(lambda n: n.tag == "td"):
            if td.within(lambda p: "data-aggregate" in p.attrs or "data-not-aggregate" in p.attrs):
                continue
            if has_number(td.text_outside(is_figure)):
                problems.append(f"{url}: a number outside any aggregate table: {td.text().strip()!r}")


def check_csv(url, content: bytes, limit, problems):
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"):
        for value in row:
            if value.strip().isdigit() and 0 < int(value) < limit:
                problems.append(f"{url}: the CSV holds the count {value}")


# CSV files an analyst may download that hold no aggregate: the error report of the analyst's own import lists
# the rejected rows of the uploaded file (row numbers, fields), never counts of persons.
CSV_NOT_AGGREGATE = {"identify:upload_report"}


@pytest.mark.parametrize("who", ["vc_analyst", "vc_manager"])
def test_no_small_count_on_any_page(client, tmp_path, who):
    w = small_cells_everywhere(tmp_path)
    limit = settings.NARA_SMALL_CELL_LIMIT
    analyst = who == "vc_analyst"
    client.force_login(getattr(w, who))
    visited = walk(client, w)

    problems: list[str] = []
    aggregates: dict = defaultdict(Counter)
    outcome: dict[str, set] = defaultdict(set)
    for url, (name, response, linked) in visited.items():
        status = response.status_code
        outcome[name].add(status)
        assert status < 500, f"{url} answered {status}"
        if status == 404:
            assert not linked, f"{url} is linked from a page but answers 404"
            continue
        if status in REFUSED:
            continue
        assert status == 200, f"{url} answered {status}"
        content_type = response["Content-Type"]
        if content_type.startswith("text/html"):
            check_page(url, response.content.decode(), limit, analyst, problems, aggregates)
        elif content_type.startswith("text/csv") and analyst and name not in CSV_NOT_AGGREGATE:
            check_csv(url, b"".join(response.streaming_content) if response.streaming else response.content,
                      limit, problems)

    names = {name for name, _p in url_patterns()}
    assert set(outcome) == names, f"never walked: {sorted(names - set(outcome))}"
    opened = sorted(n for n, statuses in outcome.items() if 200 in statuses)
    refused = sorted(n for n, statuses in outcome.items() if 200 not in statuses)
    summary = f"{who}: {len(opened)} pages opened, {len(refused)} refused or not found"
    assert len(opened) + len(refused) == len(names), summary
    assert not problems, summary + "\n" + "\n".join(problems)
    assert EXPECTED_AGGREGATES[who] <= set(aggregates), f"{summary}; aggregate tables seen: {sorted(aggregates)}"
    for name, seen in aggregates.items():
        assert seen["hidden"] > 0, f"{name}: no suppressed cell in this data; give it a small cell"


def test_only_the_suppression_module_marks_figures():
    """data-count and data-measure come from the {% cell %} tag only: a template that wrote them by hand could
    print any number as if it had been suppressed."""
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR, "nara").rglob("templates/**/*.html")
        if "data-count" in path.read_text() or "data-measure" in path.read_text()
    ]
    assert offenders == []
