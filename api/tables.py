"""A household list (清册) from a file: CSV or XLSX into the rows of a table field, and the template.

Villages keep their lists in Excel. A clerk uploads the sheet as XLSX, or as CSV in whatever
encoding Excel wrote it (UTF-8, with or without the byte-order mark, or GBK: a Chinese Excel's
"CSV" is GBK). The first non-empty row is the header: each heading is a column's label as the form
declares it (户主姓名), the label without its note (补贴金额 for 补贴金额（元）) or the column's name
(household_head). A heading that is none of these, or a required column missing, refuses the whole
file naming them; wholly empty rows are skipped. The cells go to the form service as they are:
engine/forms.py checks every row and names every bad cell. This module knows files, not rules,
and keeps openpyxl out of the engine.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from engine.errors import InvalidData
from engine.forms import MAX_ROWS

XLSX_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 10 * 1024 * 1024


def rows_from_file(field: dict, filename: str, content: bytes) -> list[dict]:
    """The rows of `field` (a table field as FormField.as_dict gives it) in an uploaded file;
    InvalidData {field name: message} when the file cannot be read as its list."""
    try:
        return _rows(field, filename or "", content)
    except ValueError as exc:
        raise InvalidData("清册文件无法读取", {field["name"]: f"{field['label']}：{exc}"}) from None


def _rows(field: dict, filename: str, content: bytes) -> list[dict]:
    if len(content) > MAX_FILE_BYTES:
        raise ValueError(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB")
    if not content.strip():
        raise ValueError("文件是空的")
    lower = filename.lower()
    if content.startswith(XLSX_MAGIC) or lower.endswith((".xlsx", ".xlsm")):
        table = _xlsx_cells(content)
    elif lower.endswith(".xls"):
        raise ValueError("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV")
    else:
        table = _csv_cells(content)
    table = [row for row in table if any(_blank(c) is not None for c in row)]
    if not table:
        raise ValueError("文件中没有表头")
    header, body = table[0], table[1:]
    columns = _header(field, header)
    if len(body) > MAX_ROWS:
        body = body[:MAX_ROWS + 1]        # the form check names the count and the limit
    return [{name: _blank(row[i]) if i < len(row) else None for i, name in columns.items()} for row in body]


def _blank(cell):
    if isinstance(cell, str):
        return cell.strip() or None
    return cell


def _header(field: dict, header: list) -> dict[int, str]:
    """{position: column name} from the header row; ValueError naming unknown and missing columns."""
    known = {}
    for c in field["columns"]:
        for word in (c["name"], c["label"], _bare(c["label"])):
            known[_norm(word)] = c["name"]
    positions, unknown = {}, []
    for i, cell in enumerate(header):
        text = str(cell).strip() if cell is not None else ""
        if not text:
            continue
        name = known.get(_norm(text))
        if name is None:
            unknown.append(text)
        elif name in positions.values():
            raise ValueError(f"表头中“{text}”重复")
        else:
            positions[i] = name
    missing = [c["label"] for c in field["columns"] if c["required"] and c["name"] not in positions.values()]
    problems = []
    if unknown:
        problems.append("表头中有不认识的列：" + "、".join(unknown))
    if missing:
        problems.append("缺少列：" + "、".join(missing))
    if problems:
        expected = "、".join(c["label"] for c in field["columns"])
        raise ValueError("；".join(problems) + f"（应有的列：{expected}；请用下载的模板）")
    return positions


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）").lower()


def _bare(label: str) -> str:
    return re.sub(r"[（(][^（()）]*[）)]$", "", label).strip() or label


def _csv_cells(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:                                                     # pragma: no cover - gb18030 decodes any byte string
        raise ValueError("文件编码无法识别（请保存为 UTF-8 或 GBK 编码的 CSV）")
    if "\x00" in text:
        raise ValueError("不是 CSV 文本文件（请上传 .csv 或 .xlsx）")
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0] else "excel"
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), dialect)][:MAX_ROWS + 2]
    except csv.Error as exc:
        raise ValueError(f"CSV 格式有误（{exc}）") from None


def _xlsx_cells(content: bytes) -> list[list]:
    from openpyxl import load_workbook             # only when an XLSX arrives
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:                               # zipfile, XML and openpyxl errors alike: not a workbook
        raise ValueError("不是有效的 Excel（.xlsx）文件") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_xlsx_value(v) for v in row])
            if len(rows) > MAX_ROWS + 2:
                break
        return rows
    finally:
        book.close()


def _xlsx_value(value):
    """A cell as the form check takes it: whole numbers as integers (an ID number typed as a number
    stays digits), days as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= 15:
        return str(value)
    return value


def template_csv(field: dict) -> bytes:
    """The header row of a table field's labels, as UTF-8 with a byte-order mark (Excel opens it right)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([c["label"] for c in field["columns"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def rows_csv(field: dict, rows: list[dict]) -> bytes:
    """A whole list as CSV with the labels as header (UTF-8 with BOM), to download, correct and upload again."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c["label"] for c in field["columns"]])
    for row in rows:
        writer.writerow(["" if row.get(c["name"]) is None else _csv_cell(row.get(c["name"])) for c in field["columns"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value) -> str:
    text = str(value)
    # A cell starting with = + - @ is a formula to Excel (CSV injection): quote it as text.
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return text
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
