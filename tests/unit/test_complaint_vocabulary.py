"""The words of complaints the services and pages use (engine/vocabulary.py) are the definition's
own options, the 查询码 reads back as typed, and the case number is stable."""
from engine.complaint_codes import case_number, code_hash, new_code, normalized, spaced
from engine.vocabulary import COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, HANDLER_LEVELS, RATINGS, ComplaintStatus
from tests.catalogs import item_catalog


def options(form, name):
    return dict(next(f for f in form.fields if f.name == name).options)


def test_the_vocabulary_is_the_definitions():
    info = item_catalog("complaint_handling").bundle("complaint_handling").info
    assert options(info.start_form, "category") == COMPLAINT_CATEGORIES
    assert options(info.start_form, "channel") == COMPLAINT_CHANNELS
    assert options(info.steps["assign"].form, "handler_level") == HANDLER_LEVELS
    assert options(info.steps["rate"].form, "rating") == RATINGS == options(info.steps["rerate"].form, "rerating")


def test_lookup_codes():
    code = new_code()
    assert len(code) == 12 and code.isdigit()
    assert normalized(spaced(code)) == code == normalized(f" {code[:4]}-{code[4:8]} {code[8:]} ")
    assert normalized("１２３４５６７８９０１２") is None and normalized("12345") is None and normalized("") is None
    assert code_hash(code) != code_hash(new_code()) and len(code_hash(code)) == 64
    assert case_number(12, 2026) == "SQ2026-000012"


def test_what_counts_as_concluded():
    concluded = {s for s in ComplaintStatus if s.concluded}
    assert concluded == {ComplaintStatus.CLOSED, ComplaintStatus.REJECTED, ComplaintStatus.MERGED}
    assert all(s.label for s in ComplaintStatus)
