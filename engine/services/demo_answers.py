"""What the demo's clerks type: a start form and the answer of every step on the way each demo
matter goes (engine/services/demo_walk.py). Plausible, and plainly fake where it is personal: the
ID numbers and phone numbers (13800138000 is the number every Chinese manual uses as an example)
are there so that the public portal's privacy scan has something to catch, in fields it must mask
and in fields it must never show."""
from __future__ import annotations

TODAY = object()          # replaced by the walk's date (Beijing time) when the step is done
FILE = object()           # an optional evidence file the demo uploads anyway (required ones always are)


class Copy(str):
    """The value of another field of the matter (a contract at the awarded price)."""


class Share(float):
    """A share of the matter's estimated amount (prices a little under the estimate)."""


class Quarter(str):
    """Text about the last full quarter before the walk's date: "{start}" and "{end}" (its first and
    last day), "{year}" and "{quarter}", and "{current}" (the name of the quarter the date is in)."""

    def resolve(self, today) -> str:
        quarter = (today.month - 1) // 3           # the last full quarter: 0 is the fourth of last year
        year, quarter = (today.year, quarter) if quarter else (today.year - 1, 4)
        first, last = 3 * quarter - 2, 3 * quarter
        end = {3: 31, 6: 30, 9: 30, 12: 31}[last]
        names = "一二三四"
        return self.format(start=f"{year}-{first:02d}-01", end=f"{year}-{last:02d}-{end}", year=year,
                           quarter=names[quarter - 1], current=f"{today.year}年第{names[(today.month - 1) // 3]}季度")

PROJECT_ROAD = {"project_name": "绿水村三组通组道路硬化", "summary": "硬化三组至村部道路1.2公里，宽4.5米；工程联系人村委会13800138000",
                "amount": 150000, "funding_source": "higher_level", "industry_dept": "transport",
                "planned_start": "2026-04-01", "planned_end": "2026-06-30", "plan_documents": FILE}
PROJECT_DITCH = {"project_name": "绿水村灌溉水渠清淤", "summary": "清淤加固村东灌溉水渠800米", "amount": 80000,
                 "funding_source": "collective", "industry_dept": "water"}
DIBAO_WANG = {"applicant_name": "王大山", "id_number": "110101196503071234", "phone": "13800138000", "household_size": 3,
              "per_capita_income": 420, "application_reason": "户主王大山（身份证110101196503071234）因病丧失劳动能力，家庭无稳定收入",
              "related_to_staff": False}
DIBAO_LI = {"applicant_name": "李秀英", "id_number": "11010119580212002X", "phone": "13900139000", "household_size": 2,
            "per_capita_income": 380, "application_reason": "老两口年老体弱，无劳动能力", "related_to_staff": False}
TEMP_ASSIST = {"applicant_name": "李小梅", "household_size": 4, "hardship_type": "illness",
               "hardship_description": "丈夫突发脑溢血住院，自付医疗费4.6万元", "requested_amount": 3000, "urgent": False}
HOMESTEAD = {"applicant_name": "张建国", "household_members": 5, "application_reason": "儿子成家分户，现住房不足",
             "site_location": "绿水村二组张家湾27号东侧空地，东至村道、南至张某宅、西至水塘、北至林地", "land_type": "construction",
             "applied_area": 120, "storeys": 2, "floor_area": 220, "has_groups": True}
DISABILITY = {"applicant_name": "赵秀兰", "disability_cert_no": "11010119700505102443", "disability_category": "physical",
              "disability_level": 2, "household_dibao": True, "needs_long_term_care": True, "apply_living": True, "apply_care": True}
FARM_SUBSIDY = {"subsidy_year": 2026, "household_head": "刘长根", "contract_no": "110101200101020031J",
                "declared_area": 6.5, "land_plots": "大垄田3.5亩、河湾田3亩", "card_account": "6222000000001234"}
# The village's year list (清册) for the batch item: ID numbers and card accounts that the portal
# must never show (the privacy scan looks for them), names it shows partly hidden.
FARM_ROSTER_ROWS = [
    {"household_head": "刘长根", "id_number": "110101196204150030", "villager_group": "一组", "contract_no": "1101012001010200031J",
     "area": 6.5, "amount": 812.5, "card_account": "6222000000001234"},
    {"household_head": "陈桂芬", "id_number": "110101195807210042", "villager_group": "一组", "contract_no": "1101012001010200032J",
     "area": 3.2, "amount": 400, "card_account": "6222000000002345"},
    {"household_head": "孙德福", "id_number": "110101197003020058", "villager_group": "四组", "contract_no": "1101012001010200033J",
     "area": 4.8, "amount": 600, "card_account": "6222000000003456"},
    {"household_head": "周明", "id_number": "110101198511090065", "villager_group": "二组", "contract_no": "1101012001010200034J",
     "area": 2.75, "amount": 343.75, "card_account": "6222000000004567"},
]
FARM_SUBSIDY_ROSTER = {"subsidy_year": 2026, "roster": FARM_ROSTER_ROWS, "household_count": 4, "roster_total": 2156.25}
EXTREME_POVERTY = {"applicant_name": "陈桂芬", "applicant_category": "elderly", "application_mode": "entrusted",
                   "living_situation": "82岁独居，无子女，无劳动能力和生活来源"}
DILAPIDATED = {"applicant_name": "孙德福", "household_size": 2, "target_group": "dibao", "house_address": "绿水村四组孙家岭8号",
               "house_condition": "土坯房，后墙开裂，屋面漏雨"}
MEDICAL = {"applicant_name": "吴春花", "id_number": "110101196804153326", "applicant_category": "illness", "hospital": "县人民医院",
           "diagnosis": "尿毒症，规律血液透析", "total_cost": 68000, "insurance_paid": 38000, "critical_paid": 12000,
           "out_of_pocket": 18000}
MONITORING = {"household_head": "赵铁柱", "household_size": 4, "risk_source": "self_report", "risk_type": "expense_surge",
              "risk_description": "妻子吴春花患尿毒症长期透析，年自付医疗费约1.8万元，户主外出务工收入减少"}
def finance_period(year: int, quarter: int) -> dict:
    """The start form of a quarter's 村级财务公开."""
    first = 3 * quarter - 2
    last_day = {3: 31, 6: 30, 9: 30, 12: 31}[first + 2]
    return {"summary": f"{year}年第{quarter}季度财务收支公开", "period_start": f"{year}-{first:02d}-01",
            "period_end": f"{year}-{first + 2:02d}-{last_day}"}


DEMOCRATIC_FINANCE = {"summary": Quarter("{year}年第{quarter}季度民主理财"), "period_start": Quarter("{start}"),
                      "period_end": Quarter("{end}"), "period_month_count": 3, "voucher_count": 14, "voucher_total": 41250,
                      "voucher_list": "记-01 村道养护 12,000元；记-02 办公用品 350元；记-03 重阳节慰问品 800元；……（共14张）"}
VISIT = {"applicant_name": "王会计", "nonprod_category": "condolence", "purpose": "重阳节走访慰问80岁以上老人（每人100元慰问品）",
         "amount": 800, "planned_on": TODAY, "participants": "一组张某、三组李某等8位80岁以上老人", "participant_count": 8}
CERTIFICATE = {"applicant_name": "周明", "cert_type": "residence", "purpose": "子女入学，交县第二小学",
               "facts_claimed": "周明一家长期居住在绿水村一组"}
DISASTER = {"disaster_type": "flood", "disaster_date": "2026-06-18", "disaster_summary": "连日暴雨，一组、三组低洼处农户房屋进水",
            "relief_source": "government"}
LEASE = {"asset_name": "村集体原小学校舍", "asset_category": "operating", "location": "绿水村村部东侧",
         "quantity": "建筑面积1200平方米", "lease_method": "lease", "term_years": 10, "lease_reason": "校舍闲置，出租增加集体收入"}
LAND_CONTRACT = {"land_name": "村东机动地", "matter_type": "contract", "land_type": "cultivated",
                 "location": "绿水村五组，东至村道、南至水渠、西至五组承包地、北至林地", "land_area": 32,
                 "matter_reason": "机动地原承包合同到期，重新发包"}
INVESTMENT = {"project_name": "入股青山农旅专业合作社", "investment_type": "equity", "counterparty": "青山农旅专业合作社",
              "amount": 80000, "term_years": 5, "expected_return": 6400, "fund_source": "集体资产租金积累"}
DISPOSAL = {"asset_name": "旧碾米机组", "asset_category": "fixed_asset", "location": "绿水村村部西侧碾米房", "quantity": "1套",
            "disposal_type": "sale", "disposal_reason": "设备老旧闲置三年"}

MEMBERSHIP = {"application_source": "individual", "person_name": "王小雨", "person_count": 1, "id_number": "110101202601150021",
              "household_head": "王建军", "villager_group": "三组", "hukou_status": "in_village", "basis": "birth",
              "application_reason": "父母均为本村集体经济组织成员，2026年1月出生并在本村落户；联系电话13800138000",
              "contact_phone": "13800138000"}
PROJECT_CHANGE = {"project_ref": "LS-GC-2026-003 绿水村三组通组道路硬化", "contract_no": "LS-HT-2026-03", "summary": "K0+400至K0+600段路基换填",
                  "proposed_by": "contractor", "change_reason": "开挖发现软土路基，原设计无法满足承载要求",
                  "change_content": "换填碎石土200米，增加工程量约150立方米", "contract_price": 135000, "prior_changes_total": 0,
                  "change_direction": "increase", "amount": 8000, "new_total": 143000, "days_added": 7}

DECISION_STEPS = {
    "propose": {"proposal": "提请研究", "matter_source": "villager_suggestion", "meeting_type": "REP"},
    "deliberate": {"tc_members": 7, "tc_attendees": 7, "tc_for": 6, "tc_minutes": "两委联席会议记录",
                   "tc_township_cadres": "镇包村干部刘明"},
    "send_plan": {"plan_sent_on": TODAY, "plan_text": "实施方案"},
    "review": {"pm_total": 32, "pm_attendees": 25, "pm_for": 22, "pm_minutes": "党员大会记录（签到25人）",
               "pm_township_cadres": "镇包村干部刘明"},
    "resolve_rep": {"rep_total": 40, "rep_attendees": 31, "rep_for": 27, "resolution": "同意按方案实施",
                    "rep_township_cadres": "镇包村干部刘明、镇农经站王会计"},
    "draft_resolution_notice": {"resolution_notice": "决议事项、表决情况及实施方案"},
    "review_resolution_notice": {"resolution_notice_review": "approve", "resolution_notice_review_opinion": "与会议记录一致"},
    "publish_resolution": {"resolution_published_on": TODAY},
    "implement": {"person_in_charge": "村委会主任", "implementation_report": "已按决议组织实施"},
    "draft_result_notice": {"result_notice": "实施结果公开"},
    "review_result_notice": {"result_notice_review": "approve", "result_notice_review_opinion": "与实施情况一致"},
    "major_decision.publish_result": {"result_published_on": TODAY},
    "major_decision.archive": {"archive_no": "JC-2026-01"},
}
SQUARE = {"summary": "修建村文化广场及健身设施", "amount": 260000}

ANSWERS = {
    "village_project": {
        **{f"major_decision.{k}" if "." not in k else k: v for k, v in DECISION_STEPS.items()},
        "tc_decide": {"tc_members": 7, "tc_attendees": 7, "tc_for": 6, "tc_minutes": "两委会议研究决定"},
        "sc_notice": {"sc_notified_on": TODAY},
        "council_vote": {"council_members": 25, "council_attendees": 21, "council_for": 18, "council_minutes": "议事会表决记录"},
        "establish_review": {"establish_opinion": "agree", "establish_notes": "符合村庄规划，资金来源落实，决策程序完备"},
        "revise_establish": {"establish_revision": "已按审查意见补充规划选址意见"},
        "township_review": {"township_decision": "approve", "township_opinion": "符合村庄规划和技术标准，决策程序完备，同意立项",
                            "approval_no": "青政项〔2026〕12号"},
        "prepare_budget": {"budget_prepared_by": "县建筑设计院", "budget_amount": Share(0.97), "bill_of_quantities": FILE},
        "cost_review": {"cost_review_no": "青财评〔2026〕8号", "cost_review_opinion": "核减不合理工程量后核定控制价", "control_price": Share(0.95)},
        "public_tender": {"tender_notice_on": TODAY, "bidder_count": 4, "contractor": "青山建筑工程有限公司", "award_price": Share(0.9),
                          "tender_documents": FILE},
        "three_quotes": {"quote_count": 3, "quote_record": "绿水建设队7.4万元、青山农建队7.8万元、红旗工程队7.9万元，取最低价",
                         "contractor": "绿水建设队", "award_price": Share(0.92)},
        "sign_contract": {"contract_no": "LS-2026-003", "contract_price": Copy("award_price"), "signed_on": TODAY},
        "joint_oversight": {"oversight_opinion": "pass", "inspected_on": TODAY, "inspection_notes": "程序规范，资金按进度拨付，质量符合要求"},
        "site_supervision": {"site_supervisors": "王监委、李监委", "site_supervision_log": "每周现场查看，材料进场抽检合格",
                             "site_issues": "路基压实度一处不足，已整改", "site_photos": FILE},
        "acceptance": {"acceptance_on": TODAY, "acceptance_participants": "村两委、村务监督委员会、村民代表、乡镇规划所、县交通局",
                       "acceptance_result": "pass", "acceptance_opinion": "工程质量合格，同意验收"},
        "joint_acceptance": {"joint_acceptance_result": "pass", "joint_acceptance_notes": "工程量与合同一致，质量合格，资金使用规范"},
        "settlement_audit": {"audited_amount": Copy("contract_price"), "audit_report_no": "青审〔2026〕21号", "audit_opinion": "结算审定"},
        "pay_contractor": {"paid_amount": Copy("audited_amount"), "paid_on": TODAY},
        "village_project.publish_result": {"result_notice": "立项、发包、合同价、验收和结算审计结果已公开", "result_published_on": TODAY},
        "village_project.archive": {"archive_no": "LS-GC-2026-003"},
    },
    "major_decision": DECISION_STEPS,
    "dibao": {
        "accept_application": {"acceptance": "accept", "acceptance_note": "材料齐全，予以受理", "accepted_on": TODAY},
        "investigate": {"info_check_result": "无车辆、无工商登记，存款低于标准", "home_visit_record": "两名工作人员入户，住房简陋",
                        "neighbour_visit_record": "走访邻居三户，情况属实", "verified_income": 380, "complex_case": False,
                        "hold_appraisal": True},
        "appraisal": {"appraisal_on": TODAY, "panel_total": 9, "panel_reps": 6, "ballots_cast": 9, "votes_for": 8, "votes_against": 1},
        "sc_review": {"sc_reviewers": "监委会主任李四", "sc_result": "approve", "sc_opinion": "无记名投票，当场唱票，程序合规"},
        "first_review": {"first_review_opinion": "recommend", "first_review_reason": "家庭人均收入低于当地低保标准",
                         "proposed_allowance": 900},
        "publish_first_review": {"first_review_notice": "申请人王大山（身份证110101196503071234，电话13800138000）户3人，"
                                                        "评议同意8票，初审建议确认",
                                 "first_review_published_on": TODAY},
        "county_review": {"materials_opinion": "材料齐全", "home_check_sampled": True},
        "home_check": {"home_checked_on": TODAY, "home_check_staff": "县民政局赵、钱", "home_check_record": "与调查结果一致"},
        "confirm": {"confirm_decision": "approve", "confirm_reason": "符合低保条件", "covered_persons": Copy("household_size"),
                    "monthly_allowance": 900},
        "publish_result": {"result_notice": "户主王大山，保障3人，每月900元", "result_published_on": TODAY},
        "register_payment": {"payment_from": TODAY, "payment_account": "6222000000001234"},
    },
    "temporary_assistance": {
        "verify": {"facts_confirmed": True, "verify_record": "入户核实，医疗票据属实"},
        "appraisal": {"appraisal_on": TODAY, "panel_total": 9, "panel_attendees": 8, "votes_for": 7},
        "sc_review": {"sc_reviewers": "监委会主任李四", "sc_result": "approve", "sc_opinion": "公示内容属实"},
        "publish": {"notice": "李小梅户因病申请临时救助3000元，电话13800138000", "published_on": TODAY},
        "township_approve": {"approved_amount": 3000, "township_opinion": "同意救助3000元"},
        "pay": {"paid_amount": 3000, "paid_on": TODAY},
        "quarterly_list": {"quarter": "2026年第二季度", "list_entry": "李小梅，因病，3000元"},
    },
    "homestead": {
        "group_meeting": {"group_households": 40, "group_attendees": 34, "group_for": 30},
        "publish_group": {"group_notice": "张建国户申请宅基地120平方米，位置张家湾27号东侧", "group_published_on": TODAY},
        "village_review": {"documents_genuine": True, "fits_village_plan": True, "neighbours_consulted": True,
                           "neighbour_opinions": "相邻四户均无异议", "village_decision": "forward", "village_opinion": "同意上报"},
        "site_check": {"township_accepted_on": TODAY, "site_check_record": "符合村庄规划，地类为建设用地，四至清楚"},
        "joint_review": {"joint_review_opinion": "符合一户一宅和面积标准", "joint_decision": "approve"},
        "issue_approval": {"approval_no": "青宅批〔2026〕031号", "planning_permit_no": "乡字第2026-031号", "approved_area": 120,
                           "approved_on": TODAY},
        "publish_result": {"result_notice": "张建国户宅基地审批结果", "result_published_on": TODAY},
        "county_filing": {"filed_on": TODAY, "filing_no": "县农宅备〔2026〕031号", "filing_note": "材料齐全，予以备案"},
        "stake_out": {"staked_on": TODAY, "stake_record": "按批准位置、四至和面积放样"},
        "report_completion": {"completed_on": TODAY},
        "completion_check": {"checked_on": TODAY, "complies": True, "completion_record": "按批准面积、层数建设"},
    },
    "disability_subsidy": {
        "village_check": {"facts_verified": True, "village_check_record": "入户核实，需长期照护属实"},
        "township_review": {"township_decision": "approve", "township_opinion": "符合两项补贴条件"},
        "county_review": {"county_decision": "approve", "living_amount": 80, "care_amount": 100, "county_opinion": "核准两项补贴"},
        "publish": {"notice": "赵秀兰，肢体二级，生活补贴80元、护理补贴100元", "published_on": TODAY},
        "pay": {"pay_from": TODAY, "payment_account": "6222000000005678"},
    },
    "farm_subsidy": {
        "verify": {"verified_area": 6.5, "verification_result": "eligible", "verification_opinion": "与承包台账一致"},
        "publish_area": {"area_notice": "刘长根 6.5亩", "area_published_on": TODAY},
        "township_review": {"township_decision": "approve", "township_opinion": "审核汇总无误"},
        "pay": {"paid_amount": 650, "paid_on": TODAY, "payment_batch": "2026-01"},
        "prepare_result": {"result_notice": "刘长根 6.5亩 650元"},
        "sc_review": {"sc_review_result": "approve", "sc_review_opinion": "与发放清册一致"},
        "publish_result": {"result_published_on": TODAY},
        "archive": {"archive_no": "HN-2026-017"},
    },
    "farm_subsidy_roster": {
        "sc_check": {"sc_check_result": "approve", "sc_check_opinion": "逐户核对，与承包台账一致"},
        "publish_roster": {"roster_published_on": TODAY},
        "township_review": {"township_decision": "approve", "township_opinion": "审核汇总无误，报县财政发放"},
        "pay": {"payment_batch": "2026-GDLB-0007", "paid_households": Copy("household_count"),
                "paid_total": Copy("roster_total"), "paid_on": TODAY},
        "publish_result": {"result_published_on": TODAY},
    },
    "extreme_poverty": {
        "investigate": {"verified_age": 82, "disability_kind": "none", "disability_grade": "none",
                        "no_work_ability": True, "no_income_source": True, "no_able_supporter": True,
                        "self_care_ability": "partial", "investigation_finding": "三无条件属实"},
        "appraise": {"panel_total": 9, "panel_attendees": 8, "panel_for": 8, "appraisal_opinion": "一致同意"},
        "publish_initial": {"initial_opinion": "初审符合特困供养条件", "initial_published_on": TODAY},
        "county_confirm": {"spot_checked": True, "county_decision": "confirm", "county_opinion": "确认为特困人员"},
        "choose_mode": {"support_mode": "dispersed", "caregiver": "邻居周大姐"},
        "prepare_result": {"result_notice": "陈桂芬，分散供养"},
        "sc_review": {"sc_review_result": "approve", "sc_review_opinion": "同意公布"},
        "publish_result": {"result_published_on": TODAY},
        "archive": {"archive_no": "TK-2026-004"},
    },
    "medical_assistance": {
        "village_check": {"materials_complete": True, "category_confirmed": True, "check_record": "材料齐全，非低保、特困对象，需入户调查"},
        "home_visit": {"visited_on": TODAY, "household_size": 4, "household_income": 26000, "hardship_confirmed": True,
                       "visit_finding": "自付医疗费1.8万元，家庭年收入2.6万元，基本生活严重困难"},
        "township_review": {"township_decision": "forward", "township_opinion": "符合因病致贫重病患者条件，经济状况核对无异常"},
        "publish_review": {"review_published_on": TODAY},
        "county_decide": {"eligible_costs": 15000, "received_this_year": 0, "county_decision": "grant",
                          "deductible_applied": 5000, "ratio_applied": 50, "approved_amount": 5000,
                          "county_opinion": "政策范围内自付1.5万元，扣除起付标准5000元后按50%救助"},
        "record_payment": {"paid_amount": Copy("approved_amount"), "paid_on": TODAY},
        "prepare_notice": {"result_notice": "吴春花，因病致贫重病患者，医疗救助5000元"},
        "sc_review": {"sc_review_result": "approve", "sc_review_opinion": "公示内容不含病情和身份证号，同意公示"},
        "publish_result": {"result_published_on": TODAY},
    },
    "poverty_monitoring": {
        "verify": {"visited_on": TODAY, "per_capita_income": 6200, "severe_hardship": True, "review_mode": "rep",
                   "verify_finding": "人均纯收入6200元，低于监测范围；医疗支出大，饮水、住房有保障"},
        "rep_appraisal": {"rep_total": 30, "rep_attendees": 25, "rep_for": 23},
        "sc_review": {"sc_result": "approve", "sc_opinion": "评议程序合规，同意公示"},
        "publish_proposed": {"proposed_published_on": TODAY},
        "township_review": {"township_decision": "agree", "township_opinion": "同意纳入，报县级确认"},
        "county_confirm": {"county_decision": "confirm", "monitoring_type": "sudden", "county_opinion": "确认为突发严重困难户",
                           "entered_on": TODAY},
        "assist_plan": {"main_measure": "social_security", "measures": "落实医疗救助；户主安排村保洁公益性岗位",
                        "responsible_cadre": "乡镇驻村干部李明"},
        "recheck": {"recheck_on": TODAY, "current_income": 6900, "stable_months": 0, "basic_needs_secure": True,
                    "recheck_result": "continue", "recheck_record": "公益性岗位已上岗，收入回升"},
    },
    "dilapidated_housing": {
        "appraisal": {"rep_total": 40, "rep_attendees": 32, "rep_for": 30, "appraisal_opinion": "同意列入改造"},
        "publish_appraisal": {"appraisal_notice": "孙德福户评议通过", "appraisal_published_on": TODAY},
        "township_review": {"township_decision": "approve", "township_opinion": "同意上报"},
        "safety_appraisal": {"safety_grade": "C", "safety_appraiser": "县住建局鉴定组", "safety_finding": "局部危险，需修缮加固"},
        "county_approve": {"renovation_plan": "C级修缮加固：后墙加固、屋面翻修", "subsidy_amount": 10000, "approval_no": "县住建危改〔2026〕15号"},
        "construct": {"builder": "农户自建，村级工匠协助", "started_on": TODAY, "completed_on": TODAY},
        "acceptance": {"accepted_on": TODAY, "acceptance_participants": "乡镇、村委会、村务监督委员会", "acceptance_result": "pass",
                       "acceptance_opinion": "加固到位"},
        "sc_acceptance": {"sc_acceptance_members": "王监委", "sc_acceptance_result": "agree", "sc_acceptance_opinion": "同意验收"},
        "pay_subsidy": {"paid_amount": 10000, "paid_on": TODAY},
        "prepare_result": {"result_notice": "孙德福户C级修缮加固，补助1万元"},
        "sc_review": {"sc_review_result": "approve", "sc_review_opinion": "同意公开"},
        "publish_result": {"result_published_on": TODAY},
        "archive": {"archive_no": "WG-2026-009"},
    },
    "finance_disclosure": {
        "prepare_statement": {"income_total": 86000, "expense_total": 41250, "balance": 44750, "cash_on_hand": 1800,
                              "statement_items": "集体资产租金收入 86,000 元；办公费、村道养护等支出 41,250 元（明细见附表）"},
        "agri_review": {"agri_result": "approve", "agri_opinion": "与账簿一致，审核盖章"},
        "supervision_review": {"supervision_result": "approve", "supervision_opinion": "真实完整，同意公开"},
        "publish_statement": {"statement_published_on": TODAY},
        "archive": {"archive_no": "WW04-2026", "archive_files": FILE},
    },
    "democratic_finance": {
        "review_vouchers": {"reviewers": "监委会主任李桂兰、王建军、刘长青", "approved_count": 13, "questioned_count": 1,
                            "questioned_amount": 800, "voucher_findings": "记-03 重阳节慰问品未附签收单，存疑；其余13张审核通过"},
        "explain_vouchers": {"explanation": "记-03 为重阳节慰问8位高龄老人的慰问品，每人100元", "corrections": "补附老人签收单"},
        "rereview_vouchers": {"rereview_result": "accepted", "rereview_opinion": "记-03 已补签收单，予以认可"},
        "sign_result": {"group_members": 5, "signed_members": 5, "signer_names": "李桂兰、王建军、刘长青、陈玉梅、张国华",
                        "review_conclusion": "本期14张凭证真实、合规，存疑1张已补齐手续"},
        "publish_result": {"result_published_on": TODAY},
        "archive": {"archive_no": "CW06-2026", "archive_files": FILE},
    },
    "nonproductive_expense": {
        "tc_decide": {"tc_members": 7, "tc_attendees": 7, "tc_for": 7, "tc_minutes": "两委会议研究同意重阳节慰问高龄老人"},
        "supervision_review": {"sc_reviewers": "监委会主任李四", "supervision_result": "approve", "supervision_opinion": "确属必要，标准合理"},
        "spend": {"actual_amount": 800, "spent_on": TODAY, "actual_participant_count": 8, "invoice_no": "04405678"},
        "book_voucher": {"voucher_no": "记-2026-10-031", "booked_on": TODAY, "disclosure_quarter": Quarter("{current}")},
        "publish_expense": {"expense_published_on": TODAY},
        "archive": {"archive_no": "CW07-2026-031", "archive_files": FILE},
    },
    "certificate": {
        "verify_facts": {"verification_method": "home_visit", "facts_verified": "verified", "verification_record": "入户核实属实",
                         "certificate_draft": "兹证明周明一家居住在本村一组"},
        "approve": {"approval_decision": "issue", "approval_opinion": "同意出具", "certificate_text": "兹证明周明一家居住在本村一组"},
        "stamp": {"seal_register_no": "YZ-2026-088", "stamped_on": TODAY},
        "register": {"certificate_no": "LS-ZM-2026-041", "issued_on": TODAY},
        "register_check": {"check_result": "compliant", "check_notes": "登记完整"},
    },
    "disaster_relief": {
        "register": {"registered_households": 12, "loss_summary": "房屋进水12户，损毁家具家电"},
        "group_verify": {"verified_households": 12, "group_check": "consistent", "group_check_note": "逐户核实一致"},
        "appraise": {"panel_total": 9, "panel_attendees": 9, "panel_for": 9, "proposed_households": 12, "proposed_total": 24000,
                     "proposed_goods": "棉被24床"},
        "publish_list": {"list_notice": "12户名单（户主姓名、受灾情况、拟救助款物）", "list_published_on": TODAY},
        "township_review": {"township_decision": "approve", "township_opinion": "同意"},
        "county_approval": {"county_decision": "approve", "county_opinion": "灾情属实，同意救助"},
        "approve_amounts": {"approved_households": 12, "household_amount": 2000, "approved_total": 24000, "approved_goods": "棉被24床",
                            "approval_no": "青民救〔2026〕6号"},
        "distribute": {"distributor": "村委会主任", "distributed_on": TODAY, "distributed_households": 12, "distributed_total": 24000,
                       "distributed_goods": "棉被24床"},
        "witness": {"witness_members": "李监委", "witness_result": "confirmed", "witness_opinion": "现场监督，逐户签收"},
        "prepare_result": {"result_notice": "12户，合计2.4万元，棉被24床"},
        "sc_review": {"sc_review_result": "approve", "sc_review_opinion": "同意公开"},
        "publish_result": {"result_published_on": TODAY},
        "archive": {"archive_no": "JZ-2026-002"},
    },
    "asset_lease": {
        **{f"major_decision.{k}" if "." not in k else k: v for k, v in DECISION_STEPS.items()},
        "inventory": {"register_no": "ZC-0012", "book_value": 380000, "ownership_clear": True, "current_status": "2019年撤并后闲置",
                      "inventory_opinion": "权属清晰"},
        "draft_plan": {"lease_plan": "整体出租，租期10年，年租金一年一付，竞买人须为依法设立的企业", "use_restrictions": "限文化、养老用途",
                       "outsiders_admitted": True},
        "appraisal": {"appraisal_method": "agency", "appraised_value": 40000},
        "reserve_review": {"reserve_price": 42000, "reserve_review_no": "青农经评〔2026〕5号", "reserve_review_opinion": "核定首年租金底价"},
        "publish_plan": {"plan_notice": "原小学校舍出租方案公示", "plan_published_on": TODAY},
        "village_bidding": {"bidding_method": "auction", "bidding_notice_on": TODAY, "bidder_count": 3, "best_bid": 46000,
                            "best_bidder": "青山文化传播有限公司", "best_bidder_outsider": True},
        "sc_bidding": {"sc_bidding_members": "王监委、李监委", "bidding_compliant": "compliant", "sc_bidding_opinion": "竞价公开，程序合规"},
        "sign_contract": {"lessee": "青山文化传播有限公司", "contract_no": "ZL-2026-01", "contract_price": 46000,
                          "contract_term_years": 10, "lease_start": "2026-07-01", "lease_end": "2036-06-30"},
        "filing": {"filing_result": "filed", "filing_opinion": "与方案一致", "filing_no": "青农经备〔2026〕11号"},
        "asset_lease.publish_result": {"deal_notice": "承租方、成交价、期限公示", "deal_published_on": TODAY},
        "rent_check": {"rent_due": 46000, "rent_received": 46000, "receipt_method": "transfer", "received_on": TODAY,
                       "rent_opinion": "首年租金足额收缴"},
        "asset_lease.archive": {"archive_no": "ZC-2026-01"},
    },
    "land_contracting": {
        **{f"major_decision.{k}" if "." not in k else k: v for k, v in DECISION_STEPS.items()},
        "draft_plan": {"land_source": "reserved", "contract_method": "open_bid", "outsider_allowed": False,
                       "planned_term_years": 5, "reserve_fee": 12800,
                       "contract_plan": "面向本村农户公开竞价发包，期限5年，承包费每年12月底前交清，不得改变农业用途、不得建设永久性建筑"},
        "publish_plan": {"plan_notice": "村东机动地32亩发包方案：公开竞价，期限5年，年承包费底价12800元，限本村农户", "plan_published_on": TODAY},
        "township_review": {"township_decision": "approve", "township_opinion": "程序合法，予以备案", "township_doc_no": "青政土备〔2026〕4号"},
        "village_bidding": {"bidding_method": "auction", "bidding_notice_on": TODAY, "bidder_count": 3, "best_bid": 14400,
                            "best_bidder": "刘长根", "winner_is_member": True, "member_priority": "竞买人均为本村农户"},
        "sc_bidding": {"sc_bidding_members": "王监委、李监委", "bidding_compliant": "compliant", "sc_bidding_opinion": "公开竞价，当场唱价，程序合规"},
        "sign_contract": {"contractor": "刘长根", "contract_no": "LS-CB-2026-01", "contract_fee": 14400, "contract_term_years": 5,
                          "contract_start": "2026-10-01", "contract_end": "2031-09-30"},
        "register_contract": {"filing_result": "filed", "filing_opinion": "与方案和决议一致", "filing_no": "青农经承备〔2026〕6号"},
        "land_contracting.publish_result": {"result_notice": "村东机动地32亩由刘长根承包，年承包费14400元，期限5年", "result_published_on": TODAY},
        "land_contracting.archive": {"archive_no": "ZC-CB-2026-01"},
    },
    "collective_investment": {
        **{f"major_decision.{k}" if "." not in k else k: v for k, v in DECISION_STEPS.items()},
        "draft_plan": {"investment_plan": "现金入股8万元，占股8%，按股分红，不约定保底收益，五年期满退股收回本金",
                       "counterparty_profile": "合作社2019年成立，近三年经审计均盈利，无失信记录", "risk_level": "medium",
                       "risk_assessment": "客源受季节影响；约定每年审计并向村集体公开财务，亏损时可提前退股"},
        "feasibility_review": {"feasibility_result": "feasible", "feasibility_opinion": "合作方经营稳定，方案可行，同意提交民主决策"},
        "sign_contract": {"contract_no": "LS-TZ-2026-01", "invested_amount": 80000, "contract_term_years": 5, "agreed_return": 6400,
                          "contract_start": TODAY, "contract_end": "2031-09-30", "paid_on": TODAY},
        "register_ledger": {"ledger_result": "registered", "ledger_opinion": "协议与决议一致，无担保、借款条款，登记长期投资",
                            "ledger_no": "青农经资〔2026〕LS-17"},
        "collective_investment.publish_result": {"result_notice": "入股青山农旅专业合作社8万元，期限5年，约定年收益6400元",
                                                 "result_published_on": TODAY},
    },
    "asset_disposal": {
        **{f"major_decision.{k}" if "." not in k else k: v for k, v in DECISION_STEPS.items()},
        "inventory": {"register_no": "GD-0031", "book_value": 18000, "ownership_clear": True, "current_status": "停用三年",
                      "inventory_opinion": "权属清晰"},
        "draft_plan": {"disposal_plan": "公开竞价变卖，价款一次付清"},
        "appraisal": {"appraisal_method": "market", "appraised_value": 9000},
        "reserve_review": {"reserve_price": 10500, "reserve_review_no": "青农经评〔2026〕9号", "reserve_review_opinion": "核定底价"},
        "publish_plan": {"plan_notice": "旧碾米机组变卖方案公示", "plan_published_on": TODAY},
        "village_bidding": {"bidding_notice_on": TODAY, "bidder_count": 2, "best_bid": 11800, "best_bidder": "某再生资源公司"},
        "sc_bidding": {"sc_bidding_members": "王监委", "bidding_compliant": "compliant", "sc_bidding_opinion": "程序合规"},
        "sign_contract": {"buyer": "青山再生资源回收有限公司", "contract_no": "CZ-2026-01", "contract_price": 11800, "payment_received": 11800},
        "asset_disposal.publish_result": {"disposal_notice": "受让方、成交价公示", "disposal_published_on": TODAY},
        "update_ledger": {"ledger_entry_no": "TZ-2026-07", "proceeds_booked": 11800, "receipt_method": "transfer",
                          "received_on": TODAY, "ledger_filed_on": TODAY},
        "sc_proceeds_check": {"proceeds_match": True, "sc_proceeds_opinion": "入账金额与成交价一致"},
        "asset_disposal.archive": {"archive_no": "CZ-2026-01"},
    },
    "membership_confirmation": {
        "council_examine": {"examined_by": "board", "member_elsewhere": "not_applicable", "elsewhere_check": "不涉及",
                            "council_finding": "meets", "council_opinion": "父母均为本集体成员，符合章程第八条，提交成员大会表决"},
        "notify_meeting": {"meeting_notified_on": TODAY, "meeting_notice": "召开成员大会，审议新生儿成员身份确认事项"},
        "member_vote": {"cm_total": 412, "cm_attendees": 318, "cm_for": 301, "cm_resolution": "同意确认王小雨为本集体经济组织成员"},
        "publish_list": {"list_published_on": TODAY},
        "file_township": {"roster_change": "成员名册新增1人", "filing_no": "青政集备〔2026〕7号", "filed_on": TODAY, "county_filed": True},
        "archive": {"archive_no": "JC05-2026-001"},
    },
    "project_change": {
        "technical_review": {"supervisor_opinion": "监理单位现场核实，同意换填", "technical_result": "approve", "verified_amount": 7800,
                             "technical_opinion": "换填方案符合公路路基施工技术规范，核定变更金额7800元"},
        "tc_decide": {"tc_members": 7, "tc_attendees": 7, "tc_for": 6, "tc_minutes": "两委联席会议研究同意路基换填变更"},
        "sc_notice": {"sc_notified_on": TODAY},
        "oversight_informed": {"oversight_ack": "noted", "oversight_note": "纳入下次联合检查"},
        "publish_change": {"change_published_on": TODAY},
        "sign_supplement": {"supplement_no": "LS-HT-2026-03-BC1", "supplement_amount": 7800, "new_contract_total": 142800,
                            "new_completion_date": "2026-07-10", "supplement_signed_on": TODAY},
        "archive": {"archive_no": "GC03-2026-001"},
    },
}
