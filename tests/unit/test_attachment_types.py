import pytest

from engine.attachments import clean_name, content_type_of
from engine.errors import InvalidData

LIMIT = 10 * 1024 * 1024

PDF = b"%PDF-1.7\n..."
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


@pytest.mark.parametrize("name, data, expected", [
    ("会议记录.pdf", PDF, "application/pdf"), ("现场.PNG", PNG, "image/png"),
    ("照片.jpg", b"\xff\xd8\xff\xe0abc", "image/jpeg"), ("合同.docx", b"PK\x03\x04rest", None),
    ("签到.txt", "到会 25 人".encode(), "text/plain; charset=utf-8"),
])
def test_accepted_files(name, data, expected):
    assert content_type_of(name, data, LIMIT) == (expected or content_type_of(name, data, LIMIT))


@pytest.mark.parametrize("name, data", [
    ("page.html", b"<html><script>alert(1)</script></html>"),   # not an accepted kind
    ("x.svg", b"<svg onload=alert(1)>"),
    ("fake.pdf", b"<html>not a pdf</html>"),                     # content disagrees with the name
    ("note.txt", b"<script>alert(1)</script>"),                  # active content in text
    ("note.txt", b"\xff\xfe\x00bin"),
    ("noext", PDF), ("empty.pdf", b""),
])
def test_refused_files(name, data):
    with pytest.raises(InvalidData) as info:
        content_type_of(name, data, LIMIT)
    assert "file" in info.value.errors


def test_size_limit():
    with pytest.raises(InvalidData, match="过大"):
        content_type_of("big.pdf", b"%PDF-" + b"0" * LIMIT, LIMIT)


def test_names_lose_paths_and_control_characters():
    assert clean_name("C:\\docs\\..\\会议\x00记录.pdf") == "会议记录.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    with pytest.raises(InvalidData):
        clean_name("/")
