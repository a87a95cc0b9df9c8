"""Step forms: read from `camunda:formData` in the BPMN file, and the check of submitted data.

A form is the contract between a step and whoever completes it: a field's type, whether it is
required, its range and its options. `clean_form_data` returns the typed values to store, or raises
InvalidData with one Chinese message per failing field, so a clerk sees every problem at once.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .errors import InvalidData, UnsafeExpression
from .exact import exact_fraction
from .expressions import compile_expression, evaluate

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
FIELD_TYPES = ("string", "text", "long", "money", "boolean", "date", "enum", "file", "matter", "table")
# The types in the words an administrator picks them by (the modeler's form editor).
FIELD_TYPE_NAMES = {"string": "单行文字", "text": "多行文字", "long": "整数", "money": "金额（元）", "boolean": "是/否",
                    "date": "日期", "enum": "单选", "file": "附件", "matter": "关联事项", "table": "清册"}
# A table field's columns: each cell is one of these (idcard: an 18-digit 居民身份证号码, GB 11643).
COLUMN_TYPES = ("string", "long", "money", "date", "enum", "idcard")
DEFAULT_MAX_ROWS = 5000
MAX_ROWS = 20000              # a declared max_rows above this is refused at load
ROW_ERRORS_SHOWN = 20         # a refused list names this many cell problems, then counts the rest
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
DEFAULT_MAX_LENGTH = {"string": 200, "text": 5000}
MAX_FILES = 20
_MONEY = re.compile(r"^-?\d{1,13}(\.\d{1,2})?$")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str
    required: bool = False
    min: str | None = None         # a number or an expression over the matter's data
    max: str | None = None
    minlength: int | None = None
    maxlength: int | None = None
    options: tuple = ()            # ((id, label), ...) for enum fields
    cites: tuple = ()              # matter fields: ((item key, (end event id, ...)), ...) it may cite
    amount_field: str | None = None    # matter fields: this data field may not exceed ...
    limit_field: str | None = None     # ... the cited matter's field (None: its amount)
    scope: tuple | None = None         # matter fields: (this data field, cited flag pattern "auth_{}"): in scope
    valid_until: tuple | None = None   # matter fields: (cited date field, this data date field or None: today)
    amount_shared: bool = False        # matter fields: every live matter citing it draws on the one limit
    same: tuple = ()                   # matter fields: data fields that must hold the cited matter's value
    not_before_end: str | None = None  # matter fields: this date field may not precede the cited matter's end
    columns: tuple = ()            # table fields: (Column, ...)
    max_rows: int | None = None    # table fields: the most rows a list may have

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def as_dict(self) -> dict:
        found = {"name": self.name, "label": self.label, "type": self.type, "required": self.required,
                 "min": self.min, "max": self.max, "minlength": self.minlength,
                 "maxlength": self.maxlength or DEFAULT_MAX_LENGTH.get(self.type),
                 "options": [{"value": v, "label": lab} for v, lab in self.options]}
        if self.type == "matter":
            found["cites"] = [{"process_key": key, "outcomes": list(ends)} for key, ends in self.cites]
        if self.type == "table":
            found["columns"] = [c.as_dict() for c in self.columns]
            found["max_rows"] = self.max_rows
        return found


@dataclass(frozen=True)
class Column:
    """One column of a table field: its name (the key of a row), type and label (the header a
    clerk's spreadsheet may use instead of the name)."""
    name: str
    type: str
    label: str
    required: bool = True
    options: tuple = ()            # enum columns: the words allowed

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "label": self.label, "required": self.required,
                "options": list(self.options)}


@dataclass(frozen=True)
class Form:
    fields: tuple = field(default_factory=tuple)

    def names(self) -> set[str]:
        return {f.name for f in self.fields}


def parse_form(element) -> tuple[Form, list[str]]:
    """The form declared in an element's extensionElements, and problems found in it."""
    fields, problems = [], []
    for node in element.iterfind(f"./{{*}}extensionElements/{{{CAMUNDA}}}formData/{{{CAMUNDA}}}formField"):
        parsed = _parse_field(node)
        if isinstance(parsed, str):
            problems.append(parsed)
        else:
            fields.append(parsed)
    return Form(tuple(fields)), problems


def _parse_field(node) -> FormField | str:
    name, ftype = node.get("id", ""), node.get("type", "string")
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name):
        return f"表单字段名 {name!r} 不合规（小写字母开头，仅含小写字母、数字、下划线）"
    if ftype not in FIELD_TYPES:
        return f"表单字段 {name} 的类型 {ftype!r} 不受支持（可用：{', '.join(FIELD_TYPES)}）"
    constraints = {c.get("name"): c.get("config") for c in node.iterfind(f"./{{{CAMUNDA}}}validation/{{{CAMUNDA}}}constraint")}
    options = tuple((v.get("id"), v.get("name") or v.get("id")) for v in node.iterfind(f"./{{{CAMUNDA}}}value"))
    if ftype == "enum" and not options:
        return f"选项字段 {name} 没有选项"
    cites, properties = (), {p.get("id"): (p.get("value") or "").strip()
                             for p in node.iterfind(f"./{{{CAMUNDA}}}properties/{{{CAMUNDA}}}property")}
    if ftype == "matter":
        cites = parse_cites(properties.get("cites", ""))
        if not cites:
            return (f"关联事项字段 {name} 没有声明可引用的事项（camunda:property cites，"
                    f"如 “major_decision:end_passed”）")
        scope, valid_until = _pair(properties.get("scope")), _pair(properties.get("valid_until"), optional=True)
        if properties.get("scope") and (scope is None or scope[1].count("{}") != 1):
            return (f"关联事项字段 {name} 的 scope 应为“本事项字段:被引用事项的字段模式”，"
                    f"模式中含一个 {{}}，如 “matter_class:auth_{{}}”，而不是 {properties['scope']!r}")
        if properties.get("valid_until") and valid_until is None:
            return (f"关联事项字段 {name} 的 valid_until 应为“被引用事项的日期字段[:本事项的日期字段]”，"
                    f"如 “auth_valid_until:proposed_on”，而不是 {properties['valid_until']!r}")
        if properties.get("amount_shared", "false") not in ("true", "false"):
            return f"关联事项字段 {name} 的 amount_shared 应为 true 或 false，而不是 {properties['amount_shared']!r}"
        same = tuple(n.strip() for n in properties.get("same", "").split(",") if n.strip())
        if not all(n.isidentifier() for n in same) or (
                properties.get("not_before_end") and not properties["not_before_end"].isidentifier()):
            return f"关联事项字段 {name} 的 same / not_before_end 应为字段名称（same 可用逗号分隔多个）"
    columns, max_rows = (), None
    if ftype == "table":
        columns = parse_columns(properties.get("columns", ""))
        if isinstance(columns, str):
            return f"清册字段 {name} 的列声明有误：{columns}"
        max_rows = _int_or_none(properties.get("max_rows")) if properties.get("max_rows", "").isdigit() else None
        if properties.get("max_rows") and not (max_rows and 0 < max_rows <= MAX_ROWS):
            return f"清册字段 {name} 的 max_rows 应为 1 至 {MAX_ROWS} 的整数，而不是 {properties.get('max_rows')!r}"
        max_rows = max_rows or DEFAULT_MAX_ROWS
    if ftype in ("long", "money"):
        for which in ("min", "max"):
            problem = _constant_bound_problem(constraints.get(which))
            if problem:
                return f"数字字段 {name} 的 {which} {problem}"
    if ftype == "date":
        for which in ("min", "max"):
            limit = (constraints.get(which) or "").strip()
            if limit and not limit.isidentifier() and not _is_iso_day(limit):
                return f"日期字段 {name} 的 {which} 应为日期（YYYY-MM-DD）或另一个日期字段的名称，而不是 {limit!r}"
    return FormField(
        name=name, label=node.get("label") or name, type=ftype, required="required" in constraints,
        min=constraints.get("min"), max=constraints.get("max"),
        minlength=_int_or_none(constraints.get("minlength")), maxlength=_int_or_none(constraints.get("maxlength")),
        options=options, cites=cites, amount_field=properties.get("amount_field") or None,
        limit_field=properties.get("limit_field") or None,
        scope=scope if ftype == "matter" else None, valid_until=valid_until if ftype == "matter" else None,
        amount_shared=ftype == "matter" and properties.get("amount_shared") == "true",
        same=same if ftype == "matter" else (), not_before_end=(properties.get("not_before_end") or None)
        if ftype == "matter" else None,
        columns=columns, max_rows=max_rows)


def _constant_bound_problem(config: str | None) -> str | None:
    """What is wrong with a number bound that reads no data (a literal or a constant expression):
    it must work out to a finite number; one that reads the matter's data is checked when used."""
    if config in (None, ""):
        return None
    try:
        exact_fraction(config)
    except (ValueError, ZeroDivisionError):
        try:
            compile_expression(config)
        except UnsafeExpression as exc:
            return f"不是可用的数字或表达式：{exc.message}"
    try:
        _bound(config, {})
    except Unworkable as exc:
        return f"无法算出（{exc}）：{config[:40]!r}"
    except Exception:  # noqa: BLE001 - an unsafe or malformed expression is the expression checks' to report
        return None
    return None


def _pair(text: str | None, optional: bool = False) -> tuple | None:
    """"a:b" -> (a, b); with `optional`, "a" -> (a, None). None when malformed or empty."""
    parts = [p.strip() for p in (text or "").split(":")]
    if optional and len(parts) == 1 and parts[0].isidentifier():
        return (parts[0], None)
    if len(parts) == 2 and parts[0].isidentifier() and parts[1].replace("{}", "x").isidentifier():
        return (parts[0], parts[1])
    return None


def table_field(spec: dict) -> FormField:
    """A table field again from its description (FormField.as_dict): to check an uploaded list
    against it outside a step (the REST API reads a file into rows before the step is submitted)."""
    columns = tuple(Column(c["name"], c["type"], c["label"], c.get("required", True), tuple(c.get("options") or ()))
                    for c in spec.get("columns") or ())
    return FormField(spec["name"], spec["label"], "table", spec.get("required", False), columns=columns,
                     max_rows=spec.get("max_rows") or DEFAULT_MAX_ROWS)


def check_rows(spec: dict, rows) -> list[dict]:
    """The typed rows of a table field (its description), or InvalidData naming every bad cell."""
    return clean_form_data(Form((table_field(spec),)), {spec["name"]: rows}, {}).get(spec["name"], [])


def parse_columns(text: str) -> tuple | str:
    """ "household_head:string:户主姓名; id_number:idcard:身份证号码; note:string?:备注;
    kind:enum(一组|二组):所在小组" -> (Column, ...), or what is wrong with the text. A type ending in
    ? makes the column optional; an enum column lists the words allowed."""
    columns = []
    for part in (p.strip() for p in text.replace("；", ";").split(";") if p.strip()):
        pieces = [p.strip() for p in part.split(":", 2)]
        if len(pieces) != 3 or not all(pieces):
            return f"{part!r} 应写作“列名:类型:标题”"
        name, ctype, label = pieces
        required = not ctype.endswith("?")
        ctype = ctype.rstrip("?")
        options = ()
        found = re.fullmatch(r"enum\((.+)\)", ctype)
        if found:
            ctype, options = "enum", tuple(o.strip() for o in found.group(1).split("|") if o.strip())
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name):
            return f"列名 {name!r} 不合规（小写字母开头，仅含小写字母、数字、下划线）"
        if ctype not in COLUMN_TYPES:
            return f"列 {name} 的类型 {ctype!r} 不受支持（可用：{'、'.join(COLUMN_TYPES)}）"
        if ctype == "enum" and not options:
            return f"选项列 {name} 没有选项（写作 enum(选项一|选项二)）"
        if any(c.name == name or c.label == label for c in columns):
            return f"列 {name}（{label}）重复"
        columns.append(Column(name, ctype, label, required, options))
    return tuple(columns) if columns else "没有声明任何列（camunda:property columns）"


def parse_cites(text: str) -> tuple:
    """"major_decision:end_passed, annual_plan" -> (("major_decision", ("end_passed",)), ("annual_plan", ())):
    the items a matter field may cite, each with the end events it must have reached (none: any
    completed matter of the item); several ends are written end_a|end_b; `running` instead of ends:
    a matter still running (a change order cites the project it changes)."""
    found = []
    for part in (p.strip() for p in text.split(",")):
        key, _, ends = part.partition(":")
        if re.fullmatch(r"[a-z][a-z0-9_]{0,63}", key.strip()):
            found.append((key.strip(), tuple(e.strip() for e in ends.split("|") if e.strip())))
    return tuple(found)


def _is_iso_day(text: str) -> bool:
    try:
        _to_date(text)
    except ValueError:
        return False
    return True


def _int_or_none(text):
    return int(text) if text not in (None, "") else None


def clean_form_data(form: Form, submitted: dict, context: dict, labels: dict | None = None) -> dict:
    """Typed values for the declared fields; InvalidData naming every failing field. `labels`
    ({data name: label}) lets a message name the field a bound comes from ("不能大于评审控制价 …")."""
    if not isinstance(submitted, dict):
        raise InvalidData("提交的数据必须是对象", {"data": "必须是对象（字段名: 值）"})
    errors = {name: "表单中没有此字段" for name in submitted if name not in form.names()}
    cleaned = {}
    for f in form.fields:
        value = submitted.get(f.name)
        if value is None or value == "" or value == []:
            if f.required:
                errors[f.name] = f"{f.label}为必填项"
            continue
        try:
            cleaned[f.name] = _convert(f, value)
        except ValueError as exc:
            errors[f.name] = f"{f.label}：{exc}"
    known = {**context, **cleaned}
    for f in form.fields:
        if f.name in cleaned and f.name not in errors:
            problem = _check_range(f, cleaned[f.name], known, labels or {})
            if problem:
                errors[f.name] = f"{f.label}：{problem}"
    if errors:
        raise InvalidData("表单数据有误，请按提示修改", errors)
    return cleaned


def refuse_parameter_names(cleaned: dict, parameters: dict) -> None:
    """A field may not carry a township parameter's name: parameters decide thresholds and
    periods, and submitted data must never replace one (definitions are refused at load for
    this; this guards versions stored before that check, and township parameters declared later)."""
    clashing = sorted(set(cleaned) & set(parameters))
    if clashing:
        raise InvalidData("表单字段与乡镇参数同名，不能填写", {name: "此项由乡镇参数决定，不能通过表单填写" for name in clashing})


def _convert(f: FormField, value):
    if f.type in ("string", "text"):
        if not isinstance(value, str):
            raise ValueError("应为文字")
        return value.strip()
    if f.type == "long":
        return _to_int(value)
    if f.type == "money":
        return _to_money(value)
    if f.type == "boolean":
        return _to_bool(value)
    if f.type == "date":
        return _to_date(value)
    if f.type == "enum":
        # a dict or list submitted for an option is a wrong value, not an unhashable crash
        if not isinstance(value, str) or value not in {v for v, _ in f.options}:
            raise ValueError("不是可选的值（可选：" + "、".join(lab for _, lab in f.options) + "）")
        return value
    if f.type == "matter":
        return _to_matter_id(value)
    if f.type == "table":
        return _to_rows(f, value)
    return _to_file_ids(value)


def _to_rows(f: FormField, value) -> list[dict]:
    """A list of rows, each checked cell by cell; one ValueError naming every problem (the first
    ROW_ERRORS_SHOWN of them, then how many in all), rows numbered from 1 without the header."""
    if not isinstance(value, list):
        raise ValueError("应为清册（行的列表，每行为 列名: 值）")
    longest = f.max_rows or DEFAULT_MAX_ROWS
    if len(value) > longest:
        raise ValueError(f"共 {len(value)} 行，超过上限 {longest} 行")
    problems, rows, seen = [], [], {}
    names = {c.name for c in f.columns}
    for number, row in enumerate(value, 1):
        if not isinstance(row, dict):
            problems.append(f"第 {number} 行：应为一行数据（列名: 值）")
            continue
        unknown = [str(k) for k in row if k not in names]
        if unknown:
            problems.append(f"第 {number} 行：没有此列 {'、'.join(unknown)}")
        cleaned = {}
        for column in f.columns:
            cell = row.get(column.name)
            if isinstance(cell, str):
                cell = cell.strip()
            if cell is None or cell == "":
                if column.required:
                    problems.append(f"第 {number} 行 {column.label}：为必填项")
                continue
            try:
                cleaned[column.name] = _to_cell(column, cell)
            except ValueError as exc:
                problems.append(f"第 {number} 行 {column.label}：{exc}")
                continue
            if column.type == "idcard":
                first = seen.setdefault((column.name, cleaned[column.name]), number)
                if first != number:
                    problems.append(f"第 {number} 行 {column.label}：与第 {first} 行重复")
        rows.append(cleaned)
    if problems:
        shown = "；".join(problems[:ROW_ERRORS_SHOWN])
        more = f"……等共 {len(problems)} 处" if len(problems) > ROW_ERRORS_SHOWN else ""
        raise ValueError(f"清册有 {len(problems)} 处错误：{shown}{more}")
    return rows


def _to_cell(column: Column, value):
    if column.type == "string":
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValueError("应为文字")
        text = str(value)
        if len(text) > DEFAULT_MAX_LENGTH["string"]:
            raise ValueError(f"不能超过{DEFAULT_MAX_LENGTH['string']}个字")
        return text
    if column.type in ("long", "money"):
        # a list's counts and amounts (areas, persons, 补贴金额) are never below zero
        number = _to_int(value) if column.type == "long" else _to_money(value)
        if number < 0:
            raise ValueError("不能为负数")
        return number
    if column.type == "date":
        return _to_date(value)
    if column.type == "enum":
        if value not in column.options:
            raise ValueError("不是可选的值（可选：" + "、".join(column.options) + "）")
        return value
    return to_id_number(value)


def to_id_number(value) -> str:
    """An 18-digit 居民身份证号码 (GB 11643-1999): 17 digits, a valid birth date, and the check
    character (0-9 or X) the weighted sum mod 11 gives. Upper-case X is stored."""
    text = value.strip().upper() if isinstance(value, str) else ""
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise ValueError("应为 18 位居民身份证号码")
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValueError("出生日期不符") from None
    if _ID_CHECK[sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True)) % 11] != text[17]:
        raise ValueError("校验位不符")
    return text


def _to_matter_id(value) -> int:
    """A matter's number: 12, "12" or "#12"."""
    text = value.strip().lstrip("#") if isinstance(value, str) else value
    try:
        number = _to_int(text)
    except ValueError:
        raise ValueError("应为事项编号（整数）") from None
    if number <= 0:
        raise ValueError("应为事项编号（正整数）")
    return number


MAX_WHOLE = 10 ** 15          # whole numbers of a form: a matter's number, a count (1e19 overflowed a column)


def _to_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"-?\d{1,15}", value.strip()):
        number = int(value.strip())
    else:
        raise ValueError("应为整数")
    if abs(number) >= MAX_WHOLE:
        raise ValueError(f"数值过大（绝对值应小于 {MAX_WHOLE:,}）")
    return number


def _to_money(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("应为金额（元，最多两位小数）")
    text = value.strip().replace(",", "") if isinstance(value, str) else repr(value)
    if not _MONEY.match(text):
        raise ValueError("应为金额（元，最多两位小数）")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError("应为金额（元，最多两位小数）") from None
    # Stored as a JSON number: whole yuan as int, else a float rounded to fen.
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "on", "yes", "no"):
        return value.lower() in ("true", "1", "on", "yes")
    raise ValueError("应为是或否")


def _to_date(value) -> str:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError("应为日期（YYYY-MM-DD）")


def _to_file_ids(value) -> list[str]:
    ids = [value] if isinstance(value, str) else value
    if not isinstance(ids, list) or not all(isinstance(i, str) and 0 < len(i) <= 64 for i in ids):
        raise ValueError("应为附件编号列表")
    if len(ids) > MAX_FILES:
        raise ValueError(f"附件最多{MAX_FILES}个")
    return ids


def _check_range(f: FormField, value, data: dict, labels: dict) -> str | None:
    if f.type in ("long", "money"):
        try:
            low, high, exact = _bound(f.min, data), _bound(f.max, data), _exact(value)
        except Unworkable as exc:
            return f"其上下限无法按已填写的数据算出（{exc}），请核对相关数据"
        if low is not None and exact < low:
            return f"不能小于{_limit_words(f, f.min, low, labels)}"
        if high is not None and exact > high:
            return f"不能大于{_limit_words(f, f.max, high, labels)}"
    if f.type == "date":
        low, high = _date_bound(f.min, data), _date_bound(f.max, data)
        if low is not None and value < low:
            return f"不能早于{_date_words(f.min, low, labels)}"
        if high is not None and value > high:
            return f"不能晚于{_date_words(f.max, high, labels)}"
    if f.type in ("string", "text"):
        longest = f.maxlength or DEFAULT_MAX_LENGTH[f.type]
        if len(value) > longest:
            return f"不能超过{longest}个字"
        if f.minlength and len(value) < f.minlength:
            return f"不能少于{f.minlength}个字"
    return None


def _exact(number) -> Fraction:
    """Numbers compared exactly: 1234.56 (a float) equals the bound "1234.56", a bound of
    frac("1/3") * 100 is not rounded, and float arithmetic noise in a bound (10.2 * 100 =
    1019.9999999999999) is dropped below a millionth."""
    return Fraction(str(round(number, 6))) if isinstance(number, float) else Fraction(number)


class Unworkable(ValueError):
    """A bound the data given makes impossible to work out (a division by zero, a number past any
    range): the field is refused with that, never a server error or a bound silently dropped."""


def _bound(config, data) -> Fraction | None:
    """A constraint's number: a literal, or an expression over the data (None if it cannot be known yet)."""
    if config in (None, ""):
        return None
    try:
        return exact_fraction(config)
    except ValueError:
        pass
    except ZeroDivisionError:
        raise Unworkable("除数为零") from None
    try:
        result = evaluate(config, data)
    except NameError:
        return None
    except (ArithmeticError, ValueError) as exc:        # ZeroDivisionError, OverflowError...
        raise Unworkable("除数为零" if isinstance(exc, ZeroDivisionError) else "数值无效或超出范围") from None
    if isinstance(result, float) and not math.isfinite(result):
        raise Unworkable("数值超出范围")
    return _exact(result) if isinstance(result, (int, float, Fraction)) and not isinstance(result, bool) else None


def known_bounds(f: FormField, data: dict) -> dict:
    """{min_value, max_value} of a field as far as `data` (the matter's data and its parameters)
    tells them: numbers for long and money fields, days (YYYY-MM-DD) for dates, None where a bound
    is absent or reads something not known yet. For clients that fill a form without evaluating
    expressions (the API publishes the expressions too)."""
    if f.type in ("long", "money"):
        low, high = (_known(_bound, config, data) for config in (f.min, f.max))
        return {"min_value": float(low) if low is not None else None,
                "max_value": float(high) if high is not None else None}
    if f.type == "date":
        return {"min_value": _known(_date_bound, f.min, data), "max_value": _known(_date_bound, f.max, data)}
    return {"min_value": None, "max_value": None}


def _known(bound, config, data):
    try:
        return bound(config, data)
    except Exception:  # noqa: BLE001 - a bound that cannot be worked out yet is simply not known
        return None


def _date_bound(config, data) -> str | None:
    """A date limit: a literal day, or a date field of the matter (None if not known yet)."""
    if config in (None, ""):
        return None
    text = config.strip()
    if not text.isidentifier():
        return _to_date(text)
    value = data.get(text)
    try:
        return _to_date(value) if value is not None else None
    except ValueError:
        return None


def _date_words(config, day: str, labels: dict) -> str:
    name = labels.get(config.strip()) if config.strip().isidentifier() else None
    return f"{_bare(name)} {day}" if name else day


def _limit_words(f: FormField, config, number: Fraction, labels: dict) -> str:
    """A bound as a clerk reads it: money as yuan with thousands separators, and the name of the
    field it comes from when the bound is that field ("评审控制价 76,000.00 元")."""
    shown = f" {float(number):,.2f} 元" if f.type == "money" else _show(number)
    name = labels.get(config.strip()) if isinstance(config, str) and config.strip().isidentifier() else None
    return f"{_bare(name)} {shown.strip()}" if name else shown


def _bare(label: str) -> str:
    """A label without its trailing note: "评审控制价（元）" -> "评审控制价"."""
    return re.sub(r"[（(][^（()）]*[）)]$", "", label).strip() or label


def _show(number: Fraction) -> str:
    if number.denominator == 1:
        return str(number.numerator)
    return f"{float(number):.2f}".rstrip("0").rstrip(".")
