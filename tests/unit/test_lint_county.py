"""The two lint rules that measure an item against more than its own file (engine/lint_county.py):
`publicity-floor` (statutory minimum publicity periods, processes/publicity_floors.toml) and
`weakens-county` (a special item may not weaken a county item it overlaps)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import cli
from bpmn_reader import iso_shortest_days
from engine.lint import ERROR, check_offline, lint_document
from engine.lint_county import county_items, shortest_days
from engine.registry import Parameter, load_parameters, load_publicity_floors
from engine.services.context import DEFAULT_PROCESSES_DIR

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"
PARAMETERS = load_parameters(DEFAULT_PROCESSES_DIR)
FLOORS = load_publicity_floors(DEFAULT_PROCESSES_DIR)
COUNTY = county_items({str(p.relative_to(DEFAULT_PROCESSES_DIR)): p.read_bytes()
                       for p in sorted((DEFAULT_PROCESSES_DIR / "county").glob("*.bpmn"))})
FLOOR_FAIL = (FIXTURES / "publicity-floor.fail.bpmn").read_bytes()
FLOOR_PASS = (FIXTURES / "publicity-floor.pass.bpmn").read_bytes()
OVERLAP_PASS = (FIXTURES / "weakens-county.pass.bpmn").read_bytes()
OVERLAP_FAIL = (FIXTURES / "weakens-county.fail.bpmn").read_bytes()


def found(data: bytes, rule: str, parameters=PARAMETERS, county=COUNTY):
    findings = lint_document("townships/qingshan_town/x.bpmn", data, parameters, FLOORS, county)
    return [f for f in findings if f.rule == rule]


def changed(data: bytes, *pairs: tuple[str, str]) -> bytes:
    for old, new in pairs:
        assert data.count(old.encode()) == 1, old
        data = data.replace(old.encode(), new.encode())
    return data


def timer(data: bytes, text: str) -> bytes:
    return changed(data, ("days(dibao_publicity_days)", text))


# -- the shortest possible length of a period --------------------------------------------------------
@pytest.mark.parametrize("text, days", [
    ("P7D", 7), ('"P1W"', 7), ("P1M", 28), ("P1Y", 365), ("PT36H", 1.5), ("'P3D'", 3),
    ("days(dibao_publicity_days)", 7), ("days(resolution_publicity_days)", 1), ("days(10)", 10),
    ("days(dibao_publicity_days) if urgent else 'P3D'", 3),
    ("days(dibao_publicity_days if urgent else resolution_publicity_days)", 1),
    ("days(objection_text)", None), ("days(dibao_publicity_days + 1)", None), ("P7D + 1", None),
])
def test_the_shortest_possible_length_of_a_timer(text, days):
    floors = {name: p.minimum for name, p in PARAMETERS.items()}
    assert shortest_days(text, floors) == days


def test_an_iso_duration_at_its_shortest():
    assert (iso_shortest_days("P1Y2M3DT12H"), iso_shortest_days("P2W"), iso_shortest_days("7D")) == (424.5, 14, None)


# -- publicity-floor -------------------------------------------------------------------------------
def test_the_floors_are_the_statutory_ones_only():
    assert {(f.label, f.days) for f in FLOORS} == {("低保", 7), ("特困", 7)}
    assert {f.basis for f in FLOORS} == {"民发〔2021〕57号《最低生活保障审核确认办法》", "民发〔2021〕43号《特困人员认定办法》"}


def test_a_dibao_period_that_can_be_shorter_than_seven_days_names_kind_floor_basis_and_length():
    (finding,) = found(FLOOR_FAIL, "publicity-floor")
    assert finding.severity == ERROR and finding.element == "publicity" and finding.line == 66
    assert finding.message.startswith("低保公示期最短可为 1 天，少于法定的 7 天（民发〔2021〕57号《最低生活保障审核确认办法》）")
    assert "days(resolution_publicity_days)" in finding.message
    assert not found(FLOOR_PASS, "publicity-floor")


@pytest.mark.parametrize("text, shortest", [
    ("P3D", "3"), ("PT72H", "3"), ("days(dibao_publicity_days) if urgent else 'P3D'", "3"),
    ("days(dibao_publicity_days if urgent else resolution_publicity_days)", "1"),
])
def test_every_way_of_writing_a_short_period_is_caught(text, shortest):
    (finding,) = found(timer(FLOOR_PASS, text), "publicity-floor")
    assert f"最短可为 {shortest} 天，少于法定的 7 天" in finding.message


@pytest.mark.parametrize("text", ["P7D", "P1W", "P1M", "days(dibao_publicity_days) if urgent else 'P10D'"])
def test_periods_of_at_least_the_floor_pass(text):
    assert not found(timer(FLOOR_PASS, text), "publicity-floor")


def test_a_townships_own_parameter_counts_at_its_own_floor():
    data = timer(FLOOR_PASS, "days(qs_dibao_days)")
    own = lambda floor: {**PARAMETERS, "qs_dibao_days": Parameter("qs_dibao_days", "补发公示天数", 7, floor, 30,  # noqa: E731
                                                                  "天", township="qingshan_town")}
    (finding,) = found(data, "publicity-floor", own(3))
    assert "最短可为 3 天" in finding.message
    assert not found(data, "publicity-floor", own(7))
    (unknown,) = found(data, "publicity-floor", {**PARAMETERS, "qs_dibao_days": None})   # a name, no floor
    assert "最短天数无法确定" in unknown.message and "7 天" in unknown.message


def test_the_kind_is_also_told_by_the_publicity_points_title():
    data = changed(OVERLAP_PASS, ('title="小额资金支付公示"', 'title="特困供养对象补发公示"'))
    (finding,) = found(data, "publicity-floor")
    assert finding.message.startswith("特困公示期最短可为 1 天，少于法定的 7 天（民发〔2021〕43号《特困人员认定办法》）")
    assert not found(OVERLAP_PASS, "publicity-floor")           # the same period of an item of no such kind


def test_an_item_of_no_statutory_kind_may_have_a_one_day_period():
    assert not found((FIXTURES / "compliant.bpmn").read_bytes(), "publicity-floor")


def without_period(data: bytes) -> bytes:
    """The item with its publicity period taken out: no objection intake, no timer; the payment
    goes straight to the supervision committee's check."""
    import re

    text = changed(data, ('sourceRef="pay" targetRef="objection"', 'sourceRef="pay" targetRef="sc_check"'),
                   ("<bpmn:flowNodeRef>end_objected</bpmn:flowNodeRef>", ""),
                   ("<bpmn:flowNodeRef>objection</bpmn:flowNodeRef>", ""),
                   ("<bpmn:flowNodeRef>publicity</bpmn:flowNodeRef>", "")).decode()
    text, n = re.subn(r'<bpmn:userTask id="objection".*?<bpmn:sequenceFlow id="f_publicity"[^>]*/>', "", text,
                      flags=re.S)
    assert n == 1 and "objection_intake" not in text
    return text.encode()


def test_a_dibao_item_without_any_publicity_period_is_an_error_naming_the_item():
    data = without_period(FLOOR_PASS)
    (finding,) = found(data, "publicity-floor")
    assert finding.severity == ERROR and finding.element == "lint_item"
    assert 'id="lint_item"' in data.decode().splitlines()[finding.line - 1]
    assert "低保事项“低保金补发（规则检查样例）”没有低保公示期" in finding.message
    assert "低保" in finding.message and "7 天" in finding.message and "民发〔2021〕57号" in finding.message
    findings = check_offline({"townships/qingshan_town/x.bpmn": data}, DEFAULT_PROCESSES_DIR)
    assert [f.rule for f in findings if f.severity == ERROR] == ["publicity-floor"], [f.text() for f in findings]
    compliant = without_period((FIXTURES / "compliant.bpmn").read_bytes())     # an item of no such kind
    assert not found(compliant, "publicity-floor")


def test_an_item_whose_publicity_point_tells_the_kind_needs_a_period_too():
    data = without_period(changed(OVERLAP_PASS, ('title="小额资金支付公示"', 'title="特困供养对象补发公示"')))
    (finding,) = found(data, "publicity-floor")
    assert finding.element == "lint_item" and "没有特困公示期" in finding.message
    assert "民发〔2021〕43号《特困人员认定办法》" in finding.message


def test_the_floors_file_is_checked(tmp_path):
    (tmp_path / "publicity_floors.toml").write_text('[kinds.x]\nlabel = "某类"\ndays = 0\nbasis = "某文件"\nwords = ["某"]\n',
                                                    encoding="utf-8")
    with pytest.raises(ValueError, match="kind x: days"):
        load_publicity_floors(tmp_path)
    (tmp_path / "publicity_floors.toml").write_text('[kinds.x]\nlabel = "某类"\ndays = 7\nbasis = "某文件"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="kind x: words"):
        load_publicity_floors(tmp_path)
    assert load_publicity_floors(tmp_path / "nowhere") == ()


# -- weakens-county --------------------------------------------------------------------------------
def test_a_special_item_that_drops_what_the_county_item_has_is_told_each_thing():
    findings = found(OVERLAP_FAIL, "weakens-county")
    assert all("村级工程项目建设" in f.message and "overlaps=village_project" in f.message for f in findings)
    said = " ".join(f.message for f in findings)
    for missing in ("没有调用四议两公开", "没有监督步骤", "没有声明职责分离", "没有公开点", "最短可为 0.5 天，短于县级事项最短的公示期 1 天"):
        assert missing in said, missing
    assert len(findings) == 5
    assert {f.element for f in findings} == {"lint_works", "publicity"}


def test_a_special_item_that_keeps_them_passes_every_check():
    assert not found(OVERLAP_PASS, "weakens-county")
    assert check_offline({"townships/qingshan_town/x.bpmn": OVERLAP_PASS}, DEFAULT_PROCESSES_DIR) == []


SUPERVISION = '<spiffworkflow:property name="supervision" value="true" />'
PUBLISH = ('<xiaowei:publish section="village_affairs" stage="支付公示" title="小额资金支付公示">',
           '<xiaowei:field ref="paid_amount" key="amount" />', "</xiaowei:publish>")


@pytest.mark.parametrize("edits, missing", [
    ([('calledElement="major_decision"', 'calledElement="lint_other"')], "没有调用四议两公开"),
    ([(f'value="true" />{SUPERVISION}', 'value="true" />'), (f"{SUPERVISION}<", "<")], "没有监督步骤"),
    ([('<spiffworkflow:property name="separate_from" value="start" />', ""),
      ('<spiffworkflow:property name="separate_from" value="start,pay" />', "")], "没有声明职责分离"),
    ([("days(resolution_publicity_days)", "PT12H")], "最短可为 0.5 天，短于县级事项最短的公示期 1 天"),
    ([("days(resolution_publicity_days)", "days(objection_text)")], "最短天数无法确定，县级事项的公示期至少 1 天"),
    ([(text, "") for text in PUBLISH], "没有公开点"),
], ids=["major-decision", "supervision", "separation", "shorter-period", "unknown-period", "publicity-point"])
def test_each_weakening_alone_is_found(edits, missing):
    (finding,) = found(changed(OVERLAP_PASS, *edits), "weakens-county")
    assert missing in finding.message and "非生产性开支（含接待）" in finding.message


def test_a_special_item_with_a_county_items_name_overlaps_it():
    data = changed(OVERLAP_PASS, ('<spiffworkflow:property name="overlaps" value="nonproductive_expense" />', ""),
                   ('name="村级小额资金支付（规则检查样例）"', 'name="非生产性开支（含接待）"'),
                   *[(text, "") for text in PUBLISH])
    (finding,) = found(data, "weakens-county")
    assert "（同名）" in finding.message and "没有公开点" in finding.message


def test_overlaps_naming_no_county_item_is_an_error():
    data = changed(OVERLAP_PASS, ('value="nonproductive_expense"', 'value="nonproductive_expence"'))
    (finding,) = found(data, "weakens-county")
    assert finding.severity == ERROR and finding.element == "lint_item"
    assert "nonproductive_expence 不是县级清单事项" in finding.message


def test_an_item_overlapping_nothing_is_unaffected_and_no_county_means_no_comparison():
    compliant = (FIXTURES / "compliant.bpmn").read_bytes()
    assert not found(compliant, "weakens-county")
    assert not found(OVERLAP_FAIL, "weakens-county", county=None)


def test_a_county_item_is_not_compared_with_itself():
    path = DEFAULT_PROCESSES_DIR / "county" / "dibao.bpmn"
    assert not [f for f in lint_document("county/dibao.bpmn", path.read_bytes(), PARAMETERS, FLOORS, COUNTY)
                if f.rule == "weakens-county"]


def test_the_cli_checks_both_rules_offline_with_a_townships_parameter_floor(monkeypatch, tmp_path):
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")   # never used
    runner = CliRunner()
    bad = runner.invoke(cli, ["processes", "check", str(FIXTURES / "weakens-county.fail.bpmn"),
                              str(FIXTURES / "publicity-floor.fail.bpmn")])
    assert bad.exit_code == 1
    assert "错误 [weakens-county]" in bad.output and "错误 [publicity-floor]" in bad.output
    own = tmp_path / "own.bpmn"
    own.write_bytes(timer(FLOOR_PASS, "days(qs_dibao_days)"))
    low = runner.invoke(cli, ["processes", "check", str(own), "--parameter", "qs_dibao_days=3"])
    assert low.exit_code == 1 and "低保公示期最短可为 3 天" in low.output
    ok = runner.invoke(cli, ["processes", "check", str(own), "--parameter", "qs_dibao_days=7"])
    assert ok.exit_code == 0, ok.output
    unknown = runner.invoke(cli, ["processes", "check", str(own), "--parameter", "qs_dibao_days"])
    assert unknown.exit_code == 1 and "最短天数无法确定" in unknown.output
    assert runner.invoke(cli, ["processes", "check", str(own), "--parameter", "qs_dibao_days=x"]).exit_code == 2
