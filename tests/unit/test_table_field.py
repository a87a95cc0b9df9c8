"""The table field type (a household list, 清册): its columns declared in camunda:properties, every
row checked with one message naming each bad cell, the 居民身份证号码 check character (GB 11643),
the list's totals in expressions, and a file (CSV in UTF-8, UTF-8 with BOM or GBK; XLSX) read into rows
with its header by label or by name (api/tables.py)."""
from __future__ import annotations

import io

import pytest
from lxml import etree

from api.tables import rows_csv, rows_from_file, template_csv
from engine.errors import InvalidData
from engine.expressions import evaluate
from engine.forms import Form, clean_form_data, parse_form, to_id_number

COLUMNS = ("household_head:string:户主姓名; id_number:idcard:身份证号码; group:enum(一组|二组):所在小组; "
           "area:money:补贴面积（亩）; amount:money:补贴金额（元）; note:string?:备注")


def form_xml(columns=COLUMNS, max_rows=None, required=True) -> str:
    rows = f'<camunda:property id="max_rows" value="{max_rows}"/>' if max_rows is not None else ""
    need = '<camunda:validation><camunda:constraint name="required"/></camunda:validation>' if required else ""
    return f"""<task xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="roster" label="补贴清册" type="table"><camunda:properties>
          <camunda:property id="columns" value="{columns}"/>{rows}</camunda:properties>{need}</camunda:formField>
      </camunda:formData></bpmn:extensionElements></task>"""


def table_form(**kwargs) -> Form:
    form, problems = parse_form(etree.fromstring(form_xml(**kwargs).encode()))
    assert problems == []
    return form


def with_check(seventeen: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return seventeen + "10X98765432"[sum(int(d) * w for d, w in zip(seventeen, weights, strict=True)) % 11]


ID_A, ID_B, ID_C = with_check("11010119650307123"), with_check("43052119800101002"), with_check("43052119901231004")


def row(name="刘长根", id_number=ID_A, group="一组", area="6.5", amount="812.50", **extra):
    return {"household_head": name, "id_number": id_number, "group": group, "area": area, "amount": amount, **extra}


def clean(rows, form=None):
    return clean_form_data(form or table_form(), {"roster": rows}, {})["roster"]


def refusal(rows, form=None) -> str:
    with pytest.raises(InvalidData) as info:
        clean(rows, form)
    return info.value.errors["roster"]


# -- declaring ---------------------------------------------------------------------------------------
def test_columns_are_read_from_the_properties():
    (f,) = table_form().fields
    assert [(c.name, c.type, c.label, c.required) for c in f.columns] == [
        ("household_head", "string", "户主姓名", True), ("id_number", "idcard", "身份证号码", True),
        ("group", "enum", "所在小组", True), ("area", "money", "补贴面积（亩）", True),
        ("amount", "money", "补贴金额（元）", True), ("note", "string", "备注", False)]
    assert f.column("group").options == ("一组", "二组") and f.max_rows == 5000
    described = f.as_dict()
    assert described["type"] == "table" and described["max_rows"] == 5000
    assert described["columns"][1] == {"name": "id_number", "type": "idcard", "label": "身份证号码", "required": True,
                                       "options": []}


@pytest.mark.parametrize("columns, problem", [
    ("", "没有声明任何列"),
    ("name:string", "应写作“列名:类型:标题”"),
    ("Name:string:姓名", "列名 'Name' 不合规"),
    ("name:text:姓名", "类型 'text' 不受支持"),
    ("kind:enum():类别", "不受支持"),
    ("a:string:姓名; b:string:姓名", "重复"),
])
def test_a_wrong_column_declaration_is_refused(columns, problem):
    _, problems = parse_form(etree.fromstring(form_xml(columns=columns).encode()))
    assert len(problems) == 1 and problems[0].startswith("清册字段 roster 的列声明有误") and problem in problems[0]


@pytest.mark.parametrize("max_rows", ["0", "abc", "20001"])
def test_a_wrong_max_rows_is_refused(max_rows):
    _, problems = parse_form(etree.fromstring(form_xml(max_rows=max_rows).encode()))
    assert problems and "max_rows" in problems[0]


# -- the 居民身份证号码 -------------------------------------------------------------------------------
def test_the_gb11643_check_character():
    assert to_id_number("11010519491231002X") == "11010519491231002X"     # the standard's own example
    assert to_id_number("11010519491231002x") == "11010519491231002X"
    assert to_id_number(" 440524188001010014 ") == "440524188001010014"   # its other example
    for wrong, problem in (("110105194912310021", "校验位不符"), ("11010519491331002X", "出生日期不符"),
                           ("110105194912310", "应为 18 位"), ("1101051949123100XX", "应为 18 位"),
                           (110105194912310020, "应为 18 位")):
        with pytest.raises(ValueError, match=problem):
            to_id_number(wrong)


# -- checking rows -----------------------------------------------------------------------------------
def test_good_rows_are_typed():
    assert clean([row(), row("王*", ID_B.lower() if ID_B.endswith("X") else ID_B, "二组", 3, 375, note="  新增 ")]) == [
        {"household_head": "刘长根", "id_number": ID_A, "group": "一组", "area": 6.5, "amount": 812.5},
        {"household_head": "王*", "id_number": ID_B, "group": "二组", "area": 3, "amount": 375, "note": "新增"}]


def test_every_bad_cell_is_named_with_its_row_in_one_message():
    wrong_check = ID_B[:-1] + ("0" if ID_B[-1] != "0" else "1")
    message = refusal([row(), row(id_number=wrong_check), row(id_number=ID_B, amount="八百"),
                       row(name="", group="三组", id_number=ID_C), row(id_number=ID_A), "不是一行",
                       row(id_number=with_check("43052119770707001"), extra="x")])
    assert message.startswith("补贴清册：清册有 7 处错误：")
    for part in ("第 2 行 身份证号码：校验位不符", "第 3 行 补贴金额（元）：应为金额（元，最多两位小数）",
                 "第 4 行 户主姓名：为必填项", "第 4 行 所在小组：不是可选的值（可选：一组、二组）",
                 "第 5 行 身份证号码：与第 1 行重复", "第 6 行：应为一行数据", "第 7 行：没有此列 extra"):
        assert part in message


def test_negative_areas_and_amounts_are_refused():
    message = refusal([row(), row(id_number=ID_B, area=-5, amount=-500)])
    assert "第 2 行 补贴面积（亩）：不能为负数" in message and "第 2 行 补贴金额（元）：不能为负数" in message


def test_a_long_list_of_errors_names_twenty_then_counts():
    message = refusal([row(id_number=with_check(f"430521199001{n:02d}001")[:-1] + "Y") for n in range(1, 26)])
    assert message.count("第 ") == 20 and message.endswith("……等共 25 处") and "第 21 行" not in message


def test_required_empty_list_and_too_many_rows():
    with pytest.raises(InvalidData) as info:
        clean_form_data(table_form(), {"roster": []}, {})
    assert info.value.errors["roster"] == "补贴清册为必填项"
    assert clean_form_data(table_form(required=False), {"roster": []}, {}) == {}
    small = table_form(max_rows=2)
    assert refusal([row(), row(id_number=ID_B), row(id_number=ID_C)], small) == "补贴清册：共 3 行，超过上限 2 行"
    assert refusal("刘长根,6.5") == "补贴清册：应为清册（行的列表，每行为 列名: 值）"


def test_totals_in_expressions():
    rows = clean([row(amount="812.50"), row(id_number=ID_B, amount="0.1"), row(id_number=ID_C, amount="0.2")])
    assert evaluate("row_count(roster)", {"roster": rows}) == 3
    assert evaluate("column_total(roster, 'amount') == 812.8", {"roster": rows}) is True
    assert evaluate("column_total(roster, 'amount')", {"roster": []}) == 0
    assert evaluate("column_total(roster, 'note')", {"roster": rows}) == 0
    with pytest.raises(TypeError):
        evaluate("column_total(roster, 'household_head')", {"roster": rows})


# -- files into rows ----------------------------------------------------------------------------------
FIELD = table_form().fields[0].as_dict()
LINES = [["户主姓名", "身份证号码", "所在小组", "补贴面积（亩）", "补贴金额（元）"],
         ["刘长根", ID_A, "一组", "6.5", "812.50"], ["", "", "", "", ""], ["陈桂芬", ID_B, "二组", "3", "375"]]
EXPECTED = [{"household_head": "刘长根", "id_number": ID_A, "group": "一组", "area": "6.5", "amount": "812.50"},
            {"household_head": "陈桂芬", "id_number": ID_B, "group": "二组", "area": "3", "amount": "375"}]


def csv_bytes(lines, encoding="utf-8") -> bytes:
    return "\r\n".join(",".join(cells) for cells in lines).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_csv_in_each_encoding_villages_use(encoding):
    assert rows_from_file(FIELD, "清册.csv", csv_bytes(LINES, encoding)) == EXPECTED


def test_the_header_may_use_names_bare_labels_and_a_different_order():
    lines = [["amount", "补贴面积", "id_number", "household_head", "所在小组", "备注"],
             ["812.50", "6.5", ID_A, "刘长根", "一组", "新增"]]
    assert rows_from_file(FIELD, "x.csv", csv_bytes(lines)) == [{**EXPECTED[0], "note": "新增"}]


def test_unknown_and_missing_columns_are_named():
    with pytest.raises(InvalidData) as info:
        rows_from_file(FIELD, "x.csv", csv_bytes([["户主姓名", "身份证号", "电话", "所在小组", "补贴金额（元）"], ["刘长根"]]))
    message = info.value.errors["roster"]
    assert "不认识的列：身份证号、电话" in message and "缺少列：身份证号码、补贴面积（亩）" in message


@pytest.mark.parametrize("name, content, problem", [
    ("x.csv", b"", "文件是空的"), ("x.xls", b"\xd0\xcf\x11\xe0 old", "不支持旧版 Excel"),
    ("x.xlsx", b"PK\x03\x04 not a zip", "不是有效的 Excel"), ("x.csv", b"\r\n,,\r\n", "没有表头"),
])
def test_unreadable_files(name, content, problem):
    with pytest.raises(InvalidData) as info:
        rows_from_file(FIELD, name, content)
    assert problem in info.value.errors["roster"]


def test_an_xlsx_sheet():
    from datetime import datetime

    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["户主姓名", "身份证号码", "所在小组", "补贴面积（亩）", "补贴金额（元）", "备注"])
    sheet.append(["刘长根", ID_A, "一组", 6.5, 812.5, None])
    sheet.append([None] * 6)
    sheet.append(["陈桂芬", ID_B, "二组", 3.0, 375, datetime(2026, 5, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = rows_from_file(FIELD, "清册.xlsx", buffer.getvalue())
    assert rows == [{"household_head": "刘长根", "id_number": ID_A, "group": "一组", "area": 6.5, "amount": 812.5, "note": None},
                    {"household_head": "陈桂芬", "id_number": ID_B, "group": "二组", "area": 3, "amount": 375,
                     "note": "2026-05-01"}]
    assert clean(rows)[1] == {"household_head": "陈桂芬", "id_number": ID_B, "group": "二组", "area": 3, "amount": 375,
                              "note": "2026-05-01"}


def test_the_template_and_the_download_read_back():
    assert template_csv(FIELD).decode("utf-8-sig").strip() == "户主姓名,身份证号码,所在小组,补贴面积（亩）,补贴金额（元）,备注"
    rows = clean([row(), row("=HYPERLINK()", ID_B)])
    text = rows_csv(FIELD, rows)
    assert text.startswith("\ufeff".encode()) and "'=HYPERLINK()" in text.decode("utf-8-sig")
    assert clean(rows_from_file(FIELD, "back.csv", rows_csv(FIELD, rows[:1]))) == rows[:1]


def test_the_notice_board_prints_the_first_rows_and_counts_the_rest():
    from render.board import BOARD_ROWS, _table_text
    table = {"columns": ["户主姓名", "补贴金额（元）"], "rows": [[f"王*{n}", "100.00 元"] for n in range(BOARD_ROWS + 5)]}
    lines = _table_text(table).split("\n")
    assert lines[0] == "序号. 户主姓名 ｜ 补贴金额（元）" and lines[1] == "1. 王*0 ｜ 100.00 元"
    assert len(lines) == BOARD_ROWS + 2 and lines[-1] == "……其余 5 行见网上公开栏（扫描二维码）"
    assert len(_table_text({"columns": ["a"], "rows": [["x"]]}).split("\n")) == 2


def test_a_dossier_zip_keeps_a_matters_list_whole_as_csv():
    import zipfile
    from types import SimpleNamespace

    from api.dossier import attachments_zip
    rows = clean([row(), row("陈桂芬", ID_B)])
    # What attachments_zip reads of a Dossier (engine/services/dossiers.py).
    dossier = SimpleNamespace(attachments=(), contents={}, fields={"roster": FIELD, "note": {"type": "string", "label": "备注"}},
                              matter=SimpleNamespace(data={"roster": rows, "note": "x"}))
    archive = zipfile.ZipFile(io.BytesIO(attachments_zip(dossier)))
    assert sorted(archive.namelist()) == ["清册-补贴清册.csv", "附件清单.txt"]
    assert clean(rows_from_file(FIELD, "back.csv", archive.read("清册-补贴清册.csv"))) == rows
