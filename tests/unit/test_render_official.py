"""Every shipped item's charts pass the quality checks (issue 15): in both layouts no label over
a box or another label and no edge through a box it does not connect; every printed page of the
official chart on A4 or A3 with its text at 9 pt or more; no chart says a word of code; and the
whole list as the official booklet in test-artifacts/."""
import io
import re
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from engine.registry import load_parameters
from render import load_role_names, render_booklet, render_flowchart
from render.flowchart import official_print_layouts
from render.quality import check_layout

REPO = Path(__file__).resolve().parents[2]
PROCESSES = REPO / "processes"
ITEMS = {path.stem: path for path in sorted(PROCESSES.rglob("*.bpmn"))}
ROLES = load_role_names(PROCESSES / "roles.toml")
PARAMETERS = {name: p.value for name, p in load_parameters(PROCESSES).items()}
NAMES = {key: etree.parse(str(path)).getroot().find("{*}process").get("name") for key, path in ITEMS.items()}
ARTIFACTS = REPO / "test-artifacts"


def chart(key: str, fmt: str, layout: str) -> bytes:
    return render_flowchart(ITEMS[key].read_bytes(), fmt, process_id=key, role_names=ROLES, parameters=PARAMETERS,
                            layout=layout, process_names=NAMES)


@pytest.mark.parametrize("key", ITEMS)
def test_every_printed_page_of_the_official_chart_is_clean_and_fits_its_paper(key):
    pages = official_print_layouts(ITEMS[key].read_bytes(), process_id=key, role_names=ROLES,
                                   parameters=PARAMETERS, process_names=NAMES)
    assert 1 <= len(pages) <= 2
    for paper, layout in pages:
        report = check_layout(layout)
        assert report.ok, report.problems
        assert paper in ("A4", "A3") and report.printed_font >= 9


@pytest.mark.parametrize("key", ITEMS)
def test_the_official_chart_on_screen_is_clean(key):
    report = check_layout(chart(key, "json", "official"), papers=())
    assert report.ok, report.problems


@pytest.mark.parametrize("key", ITEMS)
def test_the_swimlane_chart_is_clean(key):
    # The technical view, and the one a matter's progress is drawn over: dot's layout with the
    # edges it ran through a box drawn again and the labels it put on one moved (render/reroute.py).
    report = check_layout(chart(key, "json", "swimlane"), papers=())
    assert report.ok, report.problems


# -- words, never code ------------------------------------------------------------------------
SNAKE = re.compile(r"[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+")
CODE = re.compile(r"==|!=|\bif\b|\belse\b|\band\b|\bor\b|\bnot\b|\w\(|[<>]=?\s*[a-z]|\bP\d+[DWMY]\b|\bT\d\d:")


def chart_words(svg: bytes) -> list[str]:
    tree = etree.fromstring(svg, etree.XMLParser(no_network=True, load_dtd=False))
    return [t.text for t in tree.iter("{http://www.w3.org/2000/svg}text") if t.text and t.text.strip()]


@pytest.mark.parametrize("layout", ["official", "swimlane"])
@pytest.mark.parametrize("key", ITEMS)
def test_no_chart_text_is_code(key, layout):
    words = chart_words(chart(key, "svg", layout))
    keys = [w for w in words if any(k in w for k in ITEMS)]
    assert keys == [], "a process key"
    assert [w for w in words if SNAKE.search(w)] == [], "a snake_case identifier"
    assert [w for w in words if CODE.search(w)] == [], "an expression"


def test_the_identifier_check_catches_what_it_is_for():
    assert SNAKE.search("时限dibao_complex_time_limit_days")
    assert CODE.search("complex_case if x else y") and CODE.search("days(7)") and CODE.search("P7D")
    assert not CODE.search("一般15个工作日，情况复杂的30个工作日") and not SNAKE.search("村“两委”联席会议")


def test_the_dibao_chart_says_its_conditional_limit_and_the_telephones():
    words = "".join(chart_words(chart("dibao", "svg", "official")))
    assert "一般15个工作日，情况复杂的30个工作日" in words
    assert "12345" in words and "12388" in words
    assert "廉政风险点" in words and "监督点" in words


def test_a_call_activity_names_the_called_item():
    words = "".join(chart_words(chart("village_project", "svg", "official")))
    assert "调用：村级重大事项决策（四议两公开）" in words


def test_a_townships_telephones_replace_the_defaults():
    svg = render_flowchart(ITEMS["seal_use"].read_bytes(), "svg", role_names=ROLES, layout="official",
                           parameters={**PARAMETERS, "supervision_phone": "0738-8321234", "complaint_phone": "0738-8325678"})
    words = "".join(chart_words(svg))
    assert "0738-8321234" in words and "0738-8325678" in words and "12388" not in words


def test_the_whole_list_as_the_official_booklet():
    """Every shipped item's official chart as PDF, in test-artifacts/official-flowcharts.pdf."""
    files = [ITEMS[key].read_bytes() for key in ITEMS]
    pdf = render_booklet(files, role_names=ROLES, parameters=PARAMETERS, process_names=NAMES)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "official-flowcharts.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes <= {(595, 842), (842, 1191)}, "A4 or A3 portrait"
    text = "".join(page.extract_text() for page in reader.pages)
    for name in NAMES.values():
        assert name in text
    titles = [item.title for item in reader.outline]
    assert len(titles) == len(ITEMS)
    # A project calls 四议两公开: its box says where that chart is, on the page after the project's.
    assert "流程图见第" in text
    pages = [page.extract_text() for page in reader.pages]
    project = next(n for n, t in enumerate(pages) if NAMES["village_project"] in t and "调用" in t)
    following = next(n for n in range(project + 1, len(pages)) if NAMES["village_project"] not in pages[n])
    assert NAMES["major_decision"] in pages[following]
