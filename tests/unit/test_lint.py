"""The compliance lint (规则检查, engine/lint.py): for each rule a failing file and a passing one
(tests/fixtures/lint/), every shipped item free of errors, and the offline check of the CLI."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.lint import ERROR, RULES, check_documents, check_offline, has_errors, lint_document
from engine.lint_county import county_items
from engine.registry import load_parameters, load_publicity_floors, load_roles
from engine.services.context import DEFAULT_PROCESSES_DIR

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"
PARAMETERS = load_parameters(DEFAULT_PROCESSES_DIR)          # with their floors (min)
FLOORS = load_publicity_floors(DEFAULT_PROCESSES_DIR)
COUNTY = county_items({str(p.relative_to(DEFAULT_PROCESSES_DIR)): p.read_bytes()
                       for p in sorted((DEFAULT_PROCESSES_DIR / "county").glob("*.bpmn"))})
CJK = re.compile(r"[\u4e00-\u9fff]")
LINT_RULES = sorted(set(RULES) - {"load"})


def lint(path: Path):
    return lint_document(f"townships/qingshan_town/{path.name}", path.read_bytes(), PARAMETERS, FLOORS, COUNTY)


def passing(rule: str) -> Path:
    own = FIXTURES / f"{rule}.pass.bpmn"
    return own if own.exists() else FIXTURES / "compliant.bpmn"


@pytest.mark.parametrize("rule", LINT_RULES)
def test_each_rule_has_a_failing_file_that_it_names(rule):
    findings = [f for f in lint(FIXTURES / f"{rule}.fail.bpmn") if f.rule == rule]
    assert findings, rule
    for finding in findings:
        assert finding.severity == RULES[rule][0]
        assert finding.file == f"townships/qingshan_town/{rule}.fail.bpmn"
        assert finding.element and isinstance(finding.line, int) and CJK.search(finding.message)
        source = (FIXTURES / f"{rule}.fail.bpmn").read_text(encoding="utf-8").splitlines()
        assert f'id="{finding.element}"' in source[finding.line - 1]
        assert "第" in finding.text() and finding.element in finding.text()


@pytest.mark.parametrize("rule", LINT_RULES)
def test_each_rule_passes_a_file_that_keeps_it(rule):
    assert not [f for f in lint(passing(rule)) if f.rule == rule]


def test_the_compliant_item_passes_every_load_time_check_and_the_lint():
    data = (FIXTURES / "compliant.bpmn").read_bytes()
    assert check_offline({"townships/qingshan_town/compliant.bpmn": data}, DEFAULT_PROCESSES_DIR) == []


def test_a_failing_file_fails_the_full_check_with_its_lint_error():
    data = (FIXTURES / "major-decision.fail.bpmn").read_bytes()
    findings = check_offline({"townships/qingshan_town/x.bpmn": data}, DEFAULT_PROCESSES_DIR)
    assert has_errors(findings) and [f.rule for f in findings if f.severity == ERROR] == ["major-decision"]


def test_a_load_error_is_reported_with_its_file_element_and_line():
    data = (FIXTURES / "compliant.bpmn").read_bytes().replace(b'targetRef="gw_amount"', b'targetRef="gw_amonut"')
    (finding, *_) = check_offline({"townships/qingshan_town/x.bpmn": data}, DEFAULT_PROCESSES_DIR)
    assert finding.rule == "load" and finding.element == "f_review" and finding.line and CJK.search(finding.message)


@pytest.mark.parametrize("path", sorted((DEFAULT_PROCESSES_DIR / "county").glob("*.bpmn")), ids=lambda p: p.stem)
def test_every_shipped_item_passes_the_lint_without_errors(path):
    findings = lint_document(str(path.relative_to(DEFAULT_PROCESSES_DIR)), path.read_bytes(), PARAMETERS, FLOORS,
                             COUNTY)
    assert not has_errors(findings), [f.text() for f in findings if f.severity == ERROR]


def test_the_cli_checks_files_offline_with_exit_codes(monkeypatch):
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")   # never used
    runner = CliRunner()
    good = runner.invoke(cli, ["processes", "check", str(FIXTURES / "compliant.bpmn")])
    assert good.exit_code == 0, good.output
    assert "0 个错误" in good.output
    bad = runner.invoke(cli, ["processes", "check", str(FIXTURES / "compliant.bpmn"),
                              str(FIXTURES / "policy-basis.fail.bpmn")])
    assert bad.exit_code == 1
    assert "错误 [policy-basis]" in bad.output and "policy-basis.fail.bpmn 第 36 行 元素 review" in bad.output


def test_a_step_id_equal_to_a_new_items_key_keeps_the_file_that_has_it():
    """A township item keyed `pay_check` calling `other_item`, whose file has a step `pay_check`:
    that file stays among the items it may call (only a file defining the same process is replaced)."""
    compliant = (FIXTURES / "compliant.bpmn").read_bytes()
    data = compliant.replace(b'id="lint_item"', b'id="pay_check"').replace(b'calledElement="major_decision"',
                                                                          b'calledElement="other_item"')
    other = compliant.replace(b'id="lint_item"', b'id="other_item"').replace(b'"pay"', b'"pay_check"') \
        .replace(b"start,pay", b"start,pay_check").replace(b">pay<", b">pay_check<")
    base = {"county/major_decision.bpmn": (DEFAULT_PROCESSES_DIR / "county" / "major_decision.bpmn").read_bytes(),
            "townships/t/other.bpmn": other}
    findings = check_documents({"townships/t/x.bpmn": data}, base, set(load_roles(DEFAULT_PROCESSES_DIR)), PARAMETERS)
    assert [f.rule for f in findings if f.severity == ERROR] == ["major-decision"], [f.text() for f in findings]


def test_the_docs_worked_example_is_clean_laid_out_and_needs_its_township_role():
    """docs/examples/tea_garden_subsidy.bpmn (the administrator's guide): no error and no warning
    with the township's role and parameters, a complete diagram, and refused without the role."""
    from render.bpmndi import diagram_problems

    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "tea_garden_subsidy.bpmn"
    files = {"tea_garden_subsidy.bpmn": example.read_bytes()}
    parameters = {"tea_subsidy_per_mu": None, "tea_subsidy_publicity_days": 5}
    assert check_offline(files, DEFAULT_PROCESSES_DIR, parameters, ["TOWNSHIP_AGRI_OFFICE"]) == []
    without = check_offline(files, DEFAULT_PROCESSES_DIR, parameters)
    assert has_errors(without) and "TOWNSHIP_AGRI_OFFICE" in without[0].message
    assert diagram_problems(files["tea_garden_subsidy.bpmn"]) == []


# -- major-decision: the branch taken when the amount reaches the threshold, however it is written ----
GATEWAY = ('    <bpmn:exclusiveGateway id="gw_amount" name="金额" default="f_small" />\n'
           '    <bpmn:sequenceFlow id="f_big" name="金额≥决策限额" sourceRef="gw_amount" targetRef="call_decision">\n'
           '      <bpmn:conditionExpression>amount &gt;= expense_decision_threshold</bpmn:conditionExpression>\n'
           '    </bpmn:sequenceFlow>\n'
           '    <bpmn:sequenceFlow id="f_small" name="金额＜决策限额" sourceRef="gw_amount" targetRef="merge_pay" />\n')


def _flow(flow_id: str, name: str, target: str, condition: str | None) -> str:
    head = f'    <bpmn:sequenceFlow id="{flow_id}" name="{name}" sourceRef="gw_amount" targetRef="{target}"'
    if condition is None:
        return head + " />\n"
    condition = condition.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"{head}>\n      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>\n"


def gateway(big: str | None, small: str | None, big_calls: bool, default: str | None) -> bytes:
    """The compliant item with its amount gateway rewritten: `big`/`small` the conditions of the
    branches taken at or above / below the threshold (None: no condition), `default` the default
    flow's id (or None), and whether the big branch (else the small one) leads to 四议两公开."""
    data = (FIXTURES / "compliant.bpmn").read_text(encoding="utf-8")
    assert data.count(GATEWAY) == 1
    targets = ("call_decision", "merge_pay") if big_calls else ("merge_pay", "call_decision")
    block = (f'    <bpmn:exclusiveGateway id="gw_amount" name="金额"{f" default={chr(34)}{default}{chr(34)}" if default else ""} />\n'
             + _flow("f_big", "金额≥决策限额", targets[0], big) + _flow("f_small", "金额＜决策限额", targets[1], small))
    return data.replace(GATEWAY, block).encode()


BIG_BRANCHES = [
    # (the big branch's condition, the small branch's condition, the default flow)
    (None, "amount < expense_decision_threshold", "f_big"),
    (None, "amount <= expense_decision_threshold", "f_big"),
    (None, "expense_decision_threshold > amount", "f_big"),
    (None, "amount < expense_decision_threshold and amount > 0", "f_big"),
    (None, "amount < min(expense_decision_threshold, expense_small_limit)", "f_big"),
    (None, "not (amount >= expense_decision_threshold)", "f_big"),
    ("not (amount < expense_decision_threshold)", None, "f_small"),
    ("not amount <= expense_decision_threshold", None, "f_small"),
    ("True", "amount < expense_decision_threshold", None),
    ("amount >= expense_decision_threshold", "not (amount >= expense_decision_threshold)", None),
]
BIG_IDS = ["lt-default", "lte-default", "reflected-default", "and-default", "min-default", "not-gte-default",
           "not-lt", "not-lte", "other-branch", "both-written"]


def _major(data: bytes):
    return [f for f in lint_document("townships/qingshan_town/x.bpmn", data, PARAMETERS, FLOORS, COUNTY)
            if f.rule == "major-decision"]


@pytest.mark.parametrize("big, small, default", BIG_BRANCHES, ids=BIG_IDS)
def test_the_big_branch_is_found_however_the_condition_is_written(big, small, default):
    data = gateway(big, small, big_calls=False, default=default)
    (finding,) = _major(data)
    assert finding.severity == ERROR and finding.element == "f_big" and "四议两公开" in finding.message
    source = data.decode().splitlines()
    assert 'id="f_big"' in source[finding.line - 1]
    if default == "f_big":
        assert "默认分支" in finding.message and small in finding.message
    assert not _major(gateway(big, small, big_calls=True, default=default))


def test_a_small_branch_written_with_less_than_and_the_default_to_a_plain_step_fails_the_full_check():
    data = gateway(None, "amount < expense_decision_threshold", big_calls=False, default="f_big")
    findings = check_offline({"townships/qingshan_town/x.bpmn": data}, DEFAULT_PROCESSES_DIR)
    assert [f.rule for f in findings if f.severity == ERROR] == ["major-decision"], [f.text() for f in findings]
    assert check_offline({"townships/qingshan_town/x.bpmn": gateway(None, "amount < expense_decision_threshold",
                                                                     big_calls=True, default="f_big")},
                         DEFAULT_PROCESSES_DIR) == []
    # the other branch's condition can only hold at or above the threshold: that branch is the big
    # one (and calls), the default is not
    assert not _major(gateway(None, "amount >= expense_decision_threshold and amount < 0", big_calls=False,
                              default="f_big"))

