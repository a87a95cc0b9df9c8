"""Drive one 村级工程项目 (village construction project) from start to finish over HTTP.

Run a server first (`make run`, or `xiaowei demo && xiaowei serve`), then:

    .venv/bin/python examples/drive_project.py [--base-url http://127.0.0.1:8000] [--amount 80000]

Each ready step is completed by the demo user holding exactly that step's role in the project's
village, township or county (`xiaowei demo` creates them), logged in with a bearer token, with the
sample answers below. Publicity periods are real timers: when the project waits on one, the
script runs `xiaowei worker --once --now <due time>` (same database settings as the server), as a
demo's way of letting the seven days pass.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

TODAY = "2026-03-02"
ANSWERS = {
    # 村级工程项目建设
    "tc_decide": {"tc_members": 7, "tc_attendees": 7, "tc_for": 6, "tc_minutes": "两委联席会议一致同意立项"},
    "sc_notice": {"sc_notified_on": TODAY},
    "council_vote": {"council_members": 25, "council_attendees": 21, "council_for": 18, "council_minutes": "议事会表决记录"},
    "establish_review": {"establish_opinion": "agree", "establish_notes": "符合村庄规划，资金来源落实，决策程序完备"},
    "township_review": {"township_decision": "approve", "township_opinion": "符合村庄规划，同意立项",
                        "approval_no": "青政项〔2026〕12号"},
    "prepare_budget": {"budget_amount": None, "budget_prepared_by": "县建筑设计院"},
    "cost_review": {"control_price": None, "cost_review_no": "青财评〔2026〕8号", "cost_review_opinion": "核定控制价"},
    "public_tender": {"tender_notice_on": TODAY, "bidder_count": 4, "contractor": "青山建筑有限公司", "award_price": None},
    "three_quotes": {"quote_count": 3, "quote_record": "甲、乙、丙三家报价，取最低价", "contractor": "绿水建设队",
                     "award_price": None},
    "sign_contract": {"contract_no": "LS-2026-003", "contract_price": None, "signed_on": TODAY},
    "joint_oversight": {"oversight_opinion": "pass", "inspected_on": TODAY, "inspection_notes": "资金、进度、质量符合要求"},
    "site_supervision": {"site_supervisors": "王监委、李监委", "site_supervision_log": "每周现场查看，施工规范"},
    "acceptance": {"acceptance_on": TODAY, "acceptance_participants": "村两委、村监委、村民代表、乡镇规划所",
                   "acceptance_result": "pass", "acceptance_opinion": "验收合格"},
    "joint_acceptance": {"joint_acceptance_result": "pass", "joint_acceptance_notes": "工程量与合同一致，质量合格"},
    "settlement_audit": {"audited_amount": None, "audit_report_no": "青审〔2026〕21号", "audit_opinion": "结算审定"},
    "pay_contractor": {"paid_amount": None, "paid_on": TODAY},
    "village_project.publish_result": {"result_notice": "村道硬化工程竣工结算公示", "result_published_on": TODAY},
    "archive": {"archive_no": "LS-GC-2026-003"},
    # 四议两公开 (called for projects at or above the township's threshold)
    "propose": {"proposal": "硬化通组道路", "matter_source": "villager_suggestion", "meeting_type": "REP"},
    "deliberate": {"tc_members": 7, "tc_attendees": 7, "tc_for": 6, "tc_minutes": "两委联席会议记录",
                   "tc_township_cadres": "镇包村干部刘明"},
    "send_plan": {"plan_sent_on": TODAY, "plan_text": "道路硬化实施方案"},
    "review": {"pm_total": 32, "pm_attendees": 25, "pm_for": 22, "pm_minutes": "党员大会记录（签到25人）",
               "pm_township_cadres": "镇包村干部刘明"},
    "resolve_rep": {"rep_total": 40, "rep_attendees": 31, "rep_for": 27, "resolution": "同意实施道路硬化",
                    "rep_township_cadres": "镇包村干部刘明"},
    "draft_resolution_notice": {"resolution_notice": "道路硬化决议公开"},
    "review_resolution_notice": {"resolution_notice_review": "approve", "resolution_notice_review_opinion": "与决议一致"},
    "publish_resolution": {"resolution_published_on": TODAY},
    "implement": {"person_in_charge": "村委会主任", "implementation_report": "按方案推进"},
    "draft_result_notice": {"result_notice": "道路硬化实施结果公开"},
    "review_result_notice": {"result_notice_review": "approve", "result_notice_review_opinion": "与实施情况一致"},
    "major_decision.publish_result": {"result_published_on": TODAY},
}
# A stand-in for the scanned minutes, ballots, contracts and reports a clerk would upload.
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PRICE_FIELDS = ("budget_amount", "control_price", "award_price", "contract_price", "audited_amount", "paid_amount")


class Client:
    """JSON over HTTP, logged in as whichever demo user a step needs."""

    def __init__(self, base_url: str, password: str):
        self.base_url, self.password, self.tokens = base_url.rstrip("/"), password, {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            answer = self.call("POST", "/api/v1/auth/token", {"username": username, "password": self.password})
            self.tokens[username] = answer["token"]
        return self.tokens[username]

    def upload(self, name: str, content: bytes, user: str) -> dict:
        """POST /api/v1/attachments as multipart/form-data (standard library only)."""
        boundary = "xiaowei-example-boundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.base_url + "/api/v1/attachments", method="POST", data=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {self.token(user)}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def call(self, method: str, path: str, body=None, user: str | None = None):
        headers = {"Content-Type": "application/json"}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        request = urllib.request.Request(
            self.base_url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
            headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"{method} {path} -> {exc.code}: {exc.read().decode()}") from None


def answer(step: dict, amount: float) -> dict:
    data = dict(ANSWERS.get(f"{step['process_key']}.{step['step_id']}") or ANSWERS[step["step_id"]])
    for field in PRICE_FIELDS:
        if field in data:
            data[field] = round(amount * 0.95, 2)      # every price a little under the estimate
    return data


def let_time_pass(matter: dict, out) -> None:
    due = min(datetime.fromisoformat(t["due"]) for t in matter["waiting_timers"])
    names = "、".join(t["name"] for t in matter["waiting_timers"])
    now = (due + timedelta(seconds=1)).isoformat()
    print(f"  …… 等待「{names}」，到期 {due:%Y-%m-%d %H:%M}；运行 xiaowei worker --once --now {now}", file=out)
    xiaowei = Path(sys.executable).with_name("xiaowei")
    subprocess.run([str(xiaowei), "worker", "--once", "--now", now], check=True, capture_output=True)


def user_for(role: str, units: dict) -> str:
    """The demo user holding `role` in the unit of the role's level (see `xiaowei demo`)."""
    return f"{role.lower()}.{units[role]}"


def drive(base_url: str, amount: float, village: str, out=sys.stdout, password: str = "xiaowei-demo") -> dict:
    api = Client(base_url, password)
    starter = f"two_committees.{village}"
    roles = api.call("GET", "/api/v1/roles", user=starter)
    lineage = {u["code"]: u for u in api.call("GET", "/api/v1/orgs", user=starter)}
    township = lineage[village]["parent_code"]
    unit_of_level = {"village": village, "township": township, "county": lineage[township]["parent_code"]}
    units = {r["code"]: unit_of_level.get(r["level"]) for r in roles}
    matter = api.call("POST", "/api/v1/instances", {
        "process_key": "village_project", "village": village, "subject": "绿水村通组道路硬化工程",
        "data": {"project_name": "通组道路硬化", "summary": "硬化通组道路1.2公里", "amount": amount,
                 "funding_source": "higher_level", "industry_dept": "transport"}}, user=starter)
    print(f"事项 #{matter['id']} 已发起：{matter['subject']}（估算 {amount:,.2f} 元）", file=out)
    number = 0
    while matter["status"] == "running":
        # An objection intake is done only when a villager objects; nobody does in this walk.
        matter["ready_steps"] = [s for s in matter["ready_steps"] if not s["objection_intake"]]
        if not matter["ready_steps"]:
            let_time_pass(matter, out)
            waited = matter["waiting_timers"]
            matter = api.call("GET", f"/api/v1/instances/{matter['id']}", user=starter)
            if matter["waiting_timers"] == waited:
                raise SystemExit("the worker did not advance the matter: run this script with the same "
                                 "XIAOWEI_DATABASE_URL / XIAOWEI_DATA_DIR as the server")
            continue
        step = matter["ready_steps"][0]
        user = user_for(step["role"], units)
        data, evidence = answer(step, amount), []
        for field in api.call("GET", f"/api/v1/tasks/{step['id']}", user=user)["form"]:
            if field["type"] == "file" and field["required"]:      # evidence the procedure requires
                data[field["name"]] = [api.upload(f"{field['label']}.pdf", SAMPLE_PDF, user)["id"]]
                evidence.append(field["label"])
        matter = api.call("POST", f"/api/v1/tasks/{step['id']}/complete", {"data": data}, user=user)
        number += 1
        print(f"{number:2}. {step['name']}（{step['role_name']}）" + (f"  附：{'、'.join(evidence)}" if evidence else ""),
              file=out)
    print(f"结果：{matter['status']}，结束于「{matter['outcome']}」", file=out)
    report = api.call("GET", "/api/v1/audit/verify", user=f"supervision_committee.{village}")
    print(f"审计链：{report['events']} 条事件，{'完整' if report['ok'] else '已损坏'}", file=out)
    return matter


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--amount", type=float, default=80000, help="estimated cost in yuan")
    parser.add_argument("--village", default="lushui_village")
    parser.add_argument("--password", default="xiaowei-demo", help="the demo users' password")
    args = parser.parse_args(argv)
    drive(args.base_url, args.amount, args.village, password=args.password)


if __name__ == "__main__":
    main()
