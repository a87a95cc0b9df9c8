"""Scenario tests of 集体经济组织成员身份确认 (membership_confirmation, JC-05).

Under the 农村集体经济组织法 (in force 2025-05-01): a person (or the 工作小组 for a batch) applies,
the 理事会 (or the 村委会 acting for it) examines the application against the 章程, the 成员大会
decides after ten days' notice (two thirds of the members present, two thirds of all members in
favour, Art. 27), the result is published with the names and the ID numbers masked, objections are
verified, and the roster goes to the township for 备案 (Art. 12). A refusal of a newborn, or of a
member who married out without gaining membership elsewhere (Art. 12, 18), is checked by the
township before it stands; a refused applicant gets the reasons in writing and may ask the township
to mediate (Art. 56). Together the scenarios take every sequence flow.
"""
from __future__ import annotations

import pytest

from engine.disclosure import disclose
from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, wait_past

KEY = "membership_confirmation"
P = default_parameters()
ID_NUMBER = "110101202601150021"
NEWBORN = {"application_source": "individual", "person_name": "王小雨", "person_count": 1, "id_number": ID_NUMBER,
           "household_head": "王建军", "villager_group": "三组", "hukou_status": "in_village", "basis": "birth",
           "application_reason": "父母均为本集体经济组织成员，2026年1月出生，已在本村落户",
           "contact_phone": "13800138000", "application_file": ["att-application"]}
MARRIED_OUT = {**NEWBORN, "person_name": "李春梅", "id_number": "110101199203040047", "household_head": "李德全",
               "hukou_status": "in_village", "basis": "retained",
               "application_reason": "2024年嫁到邻县，户口未迁出，丈夫所在村未确认其为成员"}
MARRIED_IN = {**NEWBORN, "person_name": "赵丽", "id_number": "110101199805060028", "household_head": "孙志强",
              "hukou_status": "in_village", "basis": "marriage", "application_reason": "2025年与本组成员孙志强结婚，户口已迁入"}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="集体经济组织成员身份确认", list_code="JC-05", category="村级重大决策",
    cites=("第十二条", "第十八条", "第二十七条", "第五十六条", "妇女权益保障法"),
    lanes={"APPLICANT", "PUBLIC_PLATFORM", "SUPERVISION_COMMITTEE", "REPORTING_CLERK", "COLLECTIVE_MEMBERS_MEETING",
           "TOWNSHIP_GOV", "COLLECTIVE_ECON_ORG"},
    supervision={"list_objection", "legality_review", "township_mediation"},
    objections={"list_objection"},
    separations={"council_examine": ("start",), "reverify_list": ("start",),
                 "legality_review": ("start", "council_examine"), "refusal_notice": ("start",),
                 "township_mediation": ("start",)},
    roles={"legality_review": "TOWNSHIP_GOV", "township_mediation": "TOWNSHIP_GOV"},
    end_events={"end_confirmed": "确认为集体经济组织成员", "end_refused": "不予确认"},
)


def start(data: dict) -> Scenario:
    s = Scenario(KEY, data)
    assert steps(s) == {"council_examine"} and s.ready()["council_examine"][0].role == "COLLECTIVE_ECON_ORG"
    return s


def examine(s: Scenario, finding: str = "meets", elsewhere: str = "not_applicable") -> None:
    assert steps(s) == {"council_examine"}
    s.do("council_examine", {"examined_by": "board", "member_elsewhere": elsewhere,
                             "elsewhere_check": "已向对方村及乡镇核实" if elsewhere != "not_applicable" else "不涉及",
                             "council_finding": finding,
                             "council_opinion": "符合章程第八条" if finding == "meets" else "不符合章程第八条",
                             "council_minutes": ["att-board-minutes"]}, role="COLLECTIVE_ECON_ORG")


def vote(s: Scenario, total: int = 300, attendees: int = 240, votes_for: int = 200) -> None:
    assert steps(s) == {"notify_meeting"}
    s.do("notify_meeting", {"meeting_notified_on": "2026-03-03", "meeting_notice_photos": ["att-notice"],
                            "meeting_notice": "3月14日上午9时在村部召开成员大会，审议成员身份确认事项"},
         role="COLLECTIVE_ECON_ORG")
    (timer,) = s.matter.waiting_timers()
    assert timer.element_id == "meeting_notice_period"
    wait_past(s, P["membership_meeting_notice_days"], "member_vote")
    assert s.ready()["member_vote"][0].role == "COLLECTIVE_MEMBERS_MEETING"
    s.do("member_vote", {"cm_total": total, "cm_attendees": attendees, "cm_for": votes_for,
                         "cm_resolution": "表决通过" if votes_for * 3 >= 2 * total else "未获通过",
                         "cm_minutes": ["att-vote"]}, role="COLLECTIVE_MEMBERS_MEETING")


def publish(s: Scenario) -> None:
    assert steps(s) == {"publish_list"}
    s.do("publish_list", {"list_published_on": "2026-03-16", "list_posting_photos": ["att-board"]},
         role="COLLECTIVE_ECON_ORG")
    assert steps(s) == {"list_objection"}


def reverify(s: Scenario, upheld: bool) -> None:
    assert steps(s) == {"reverify_list"}
    s.do("reverify_list", {"verification_finding": "会同监事会核实", "objection_upheld": upheld},
         role="COLLECTIVE_ECON_ORG")


def filed_and_archived(s: Scenario) -> Scenario:
    wait_past(s, P["membership_publicity_days"], "file_township")
    assert s.ready()["file_township"][0].role == "TOWNSHIP_GOV"
    s.do("file_township", {"roster_change": "新增成员1人", "filing_no": "青政备〔2026〕3号", "filed_on": "2026-03-30",
                           "county_filed": True}, role="TOWNSHIP_GOV")
    s.do("archive", {"archive_no": "JC05-2026-001"}, role="REPORTING_CLERK")
    return finished(s, "确认为集体经济组织成员")


def legality(s: Scenario, result: str) -> None:
    assert steps(s) == {"legality_review"} and s.ready()["legality_review"][0].role == "TOWNSHIP_GOV"
    s.do("legality_review", {"legality_result": result, "legality_opinion": "依据农村集体经济组织法第十二条、第十八条审查"},
         role="TOWNSHIP_GOV")


def refused_in_writing(s: Scenario) -> None:
    assert steps(s) == {"refusal_notice"}
    s.do("refusal_notice", {"refusal_reason": "已在他村取得成员身份（农村集体经济组织法第十七条）",
                            "refusal_notified_on": "2026-03-20", "refusal_letter": ["att-letter"]},
         role="COLLECTIVE_ECON_ORG")
    assert steps(s) == {"applicant_decides"} and s.ready()["applicant_decides"][0].role == "APPLICANT"


def applicant(s: Scenario, choice: str) -> None:
    s.do("applicant_decides", {"applicant_choice": choice, "mediation_request": "不服" if choice == "mediation" else ""},
         role="APPLICANT")


def mediation(s: Scenario, result: str) -> None:
    assert steps(s) == {"township_mediation"}
    s.do("township_mediation", {"mediation_result": result, "mediation_record": "乡镇组织双方调解",
                                "mediated_on": "2026-04-10"}, role="TOWNSHIP_GOV")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def newborn_confirmed_published_and_filed() -> Scenario:
    s = start(NEWBORN)
    examine(s)
    vote(s)
    publish(s)
    return filed_and_archived(s)


def married_out_woman_refused_by_the_board_is_not_a_silent_refusal() -> Scenario:
    """She kept her membership (Art. 18): the township finds the refusal unlawful, the board examines
    again and the members' meeting confirms her."""
    s = start(MARRIED_OUT)
    examine(s, "not_meets", elsewhere="no")
    legality(s, "unlawful")
    examine(s, "meets", elsewhere="no")
    vote(s)
    publish(s)
    return filed_and_archived(s)


def married_out_woman_with_membership_elsewhere_is_refused_in_writing() -> Scenario:
    s = start(MARRIED_OUT)
    examine(s, "not_meets", elsewhere="yes")         # Art. 17(3): membership gained elsewhere
    refused_in_writing(s)                            # no township check needed: the law allows it
    applicant(s, "accept")
    return finished(s, "不予确认")


def newborn_voted_down_checked_by_the_township_then_mediation_fails() -> Scenario:
    s = start(NEWBORN)
    examine(s)
    vote(s, total=300, attendees=240, votes_for=199)     # one short of two thirds of all members
    legality(s, "lawful")                                 # e.g. neither parent was in fact a member
    refused_in_writing(s)
    applicant(s, "mediation")
    mediation(s, "maintained")
    return finished(s, "不予确认")


def married_in_refused_mediated_confirmed_then_an_objection_upheld() -> Scenario:
    s = start(MARRIED_IN)
    examine(s, "not_meets")
    refused_in_writing(s)                                 # marriage: 一般应当确认, no township check
    applicant(s, "mediation")
    mediation(s, "reexamine")
    examine(s, "meets")
    vote(s)
    publish(s)
    object_during(s, "list_objection", after_days=2)
    reverify(s, upheld=False)
    (timer,) = s.matter.waiting_timers()
    assert timer.element_id == "list_publicity"
    object_during(s, "list_objection")
    reverify(s, upheld=True)                              # a sham marriage: examined again
    examine(s, "not_meets")
    refused_in_writing(s)
    applicant(s, "accept")
    return finished(s, "不予确认")


SCENARIOS = [newborn_confirmed_published_and_filed, married_out_woman_refused_by_the_board_is_not_a_silent_refusal,
             married_out_woman_with_membership_elsewhere_is_refused_in_writing,
             newborn_voted_down_checked_by_the_township_then_mediation_fails,
             married_in_refused_mediated_confirmed_then_an_objection_upheld]


# -- the forms and the quorum ---------------------------------------------------------------------
def test_the_application_needs_its_evidence_and_a_plausible_id_number():
    with pytest.raises(InvalidData) as err:
        Scenario(KEY, {**NEWBORN, "id_number": "1234", "application_file": [], "person_count": 0})
    assert set(err.value.errors) == {"id_number", "application_file", "person_count"}


def test_attendance_and_consent_are_counted_against_all_members():
    s = start(NEWBORN)
    examine(s)
    vote(s, total=300, attendees=199, votes_for=199)      # fewer than two thirds came: not valid
    assert steps(s) == {"legality_review"}
    s = start(NEWBORN)
    examine(s)
    vote(s, total=300, attendees=200, votes_for=200)      # exactly two thirds present and in favour (以上 includes it)
    assert steps(s) == {"publish_list"}


def test_the_vote_cannot_count_more_than_came():
    s = start(NEWBORN)
    examine(s)
    s.do("notify_meeting", {"meeting_notified_on": "2026-03-03", "meeting_notice": "通知",
                            "meeting_notice_photos": ["att-notice"]},
         role="COLLECTIVE_ECON_ORG")
    wait_past(s, P["membership_meeting_notice_days"], "member_vote")
    with pytest.raises(InvalidData) as err:
        s.do("member_vote", {"cm_total": 100, "cm_attendees": 120, "cm_for": 130, "cm_resolution": "x"},
             role="COLLECTIVE_MEMBERS_MEETING")
    assert set(err.value.errors) == {"cm_attendees", "cm_for", "cm_minutes"}


def test_the_published_list_names_the_person_and_masks_the_id_number():
    bundle = item_catalog(KEY).bundle(KEY)
    (publication,) = bundle.step(KEY, "publish_list").publications
    assert publication.section == "village_affairs" and publication.publicity_step == "list_objection"
    data = {**NEWBORN, "cm_total": 300, "cm_attendees": 240, "cm_for": 200, "list_published_on": "2026-03-16",
            "list_posting_photos": ["att-board"], "application_reason": f"身份证{ID_NUMBER}，电话13800138000"}
    record = disclose(publication, data, {"village": "绿水村", "township": "青山镇"})
    text = repr(record)
    assert record["subject"] == "王小雨"
    assert ID_NUMBER not in text and "1101**********0021" in text
    assert "13800138000" not in text and "att-application" not in record["documents"] and record["documents"] == []
    published = {f.ref for f in publication.fields if f.cls != "never"}
    assert {"person_name", "id_number", "villager_group", "basis", "cm_for"} <= published
    assert not published & {"contact_phone", "application_file", "application_reason", "list_posting_photos"}
    # A refusal is never published: only the confirmed list is a publicity point.
    assert [s for s, step in bundle.info.steps.items() if bundle.step(KEY, s).publications] == ["publish_list"]
