"""A closed matter's dossier: the PDF holds every step, who, when, the data, the attachments with
their sha256 and the chain hashes, with the flowchart appended; the zip holds the attachments."""
import io
import re
import zipfile

from pypdf import PdfReader

from engine.services import Actor, archives, matters
from engine import clock
from engine.identity import Grant
from tests.integration.helpers import DELIBERATE, PROPOSE, do, start_decision

SYSTEM = Actor.system()


def squeeze(text: str) -> str:
    """pypdf reads fpdf2's two-byte CJK text with a NUL before each character (poppler's pdftotext
    reads it clean): compare without NULs and white space."""
    return re.sub(r"[\s\x00]+", "", text)


def closed_matter(ctx):
    clerk = Actor("clerk", frozenset(Grant(code, "demo_county") for code in ctx.roles))
    matter = do(ctx, clerk, start_decision(ctx, clerk, "修建村道档案"), "propose", PROPOSE)
    matter = do(ctx, clerk, matter, "deliberate", DELIBERATE)
    return matters.cancel_matter(ctx, SYSTEM, matter.id, "资金未落实，撤销")


def test_the_dossier_pdf_holds_steps_people_times_data_files_and_hashes(client, ctx):
    matter = closed_matter(ctx)
    history = matters.matter_history(ctx, SYSTEM, matter.id)
    files = matters.get_matter(ctx, SYSTEM, matter.id).attachments
    assert files
    answer = client.get(f"/api/v1/instances/{matter.id}/dossier.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.data))
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    for words in ("事项档案：修建村道档案", "四议两公开", "绿水村", "已撤销", "办理过程", "办理步骤提议",
                  "硬化村道1.2公里", "资金未落实，撤销", "附件清单", "审计链", "clerk", "北京时间"):
        assert squeeze(words) in text, words
    for event in history:
        assert event.hash in text and str(event.seq) in text
    for f in files:
        assert f.sha256 in text and squeeze(f.name) in text
    assert len(reader.pages) >= 3              # the text, then the flowchart page(s)


def test_the_zip_holds_every_attachment_and_their_list(client, ctx):
    matter = closed_matter(ctx)
    files = matters.get_matter(ctx, SYSTEM, matter.id).attachments
    answer = client.get(f"/api/v1/instances/{matter.id}/dossier.zip")
    assert answer.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    listing = archive.read("附件清单.txt").decode()
    assert len(archive.namelist()) == len(files) + 1
    for f in files:
        assert f.sha256 in listing


def test_a_running_matter_has_no_dossier_and_an_archived_one_still_does(client, ctx):
    clerk = Actor("clerk", frozenset(Grant(code, "demo_county") for code in ctx.roles))
    running = start_decision(ctx, clerk, "办理中")
    assert client.get(f"/api/v1/instances/{running.id}/dossier.pdf").status_code == 409
    matter = closed_matter(ctx)
    archives.archive_closed_matters(ctx, SYSTEM, clock.now())
    supervisor = client.as_user("jiwei", ["TOWNSHIP_DISCIPLINE"])
    answer = supervisor.get(f"/api/v1/instances/{matter.id}/dossier.pdf")
    assert answer.status_code == 200
    text = squeeze("".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.data)).pages))
    assert "归档时间" in text and "未归档" not in text
