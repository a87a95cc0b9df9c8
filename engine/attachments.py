"""What evidence files may be: the type is read from the content, and must agree with the name.

A clerk uploads minutes, ballots, contracts, invoices and photos. Anything a browser could run
(HTML, SVG, scripts) is refused whatever it is called, so a stored file can never be served back
as a page.
"""
from __future__ import annotations

import re
import unicodedata

from .errors import InvalidData

_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension -> (content type, magic prefixes)
KINDS = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "doc": ("application/msword", (_OLE,)),
    "xls": ("application/vnd.ms-excel", (_OLE,)),
    "txt": ("text/plain; charset=utf-8", ()),
}
_ACTIVE = re.compile(rb"<\s*(html|script|svg|iframe|object|body|!doctype)", re.IGNORECASE)


def clean_name(name: str) -> str:
    """A file name fit to store and show: no path, no control characters, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not base:
        raise InvalidData("文件名不能为空", {"file": "请选择要上传的文件"})
    return base[-200:]


def content_type_of(name: str, data: bytes, max_bytes: int) -> str:
    """The content type, or InvalidData saying why the file is refused."""
    if not data:
        raise InvalidData("文件为空", {"file": "文件内容为空"})
    if len(data) > max_bytes:
        raise InvalidData("文件过大", {"file": f"文件不能超过 {_megabytes(max_bytes)} MB"})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS:
        raise InvalidData("不支持的文件类型", {"file": "只接受 PDF、图片（PNG/JPG）、Word、Excel 或纯文本文件"})
    content_type, magics = KINDS[extension]
    if magics and not any(data.startswith(m) for m in magics):
        raise InvalidData("文件内容与扩展名不符", {"file": f"文件内容不是 .{extension} 格式"})
    if not magics and (b"\x00" in data or _ACTIVE.search(data[:4096]) or not _utf8(data)):
        raise InvalidData("文件内容与扩展名不符", {"file": "纯文本文件须为 UTF-8 文字，且不含网页代码"})
    return content_type


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
