"""The `xiaowei` command line. Each command builds the service context and calls the services."""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click

from engine import clock, committed
from engine.errors import XiaoweiError
from engine.services import Actor, audit, definitions, health, orgs, redlines, timers
from engine.services.complaints import worker as complaint_jobs
from engine.settings import Settings, SettingsError

from .lifeline import exit_with_parent, parent_alive
from .logs import begin_request, configure_logging
from .metrics import instruments, mark_process_dead, prepare_multiprocess_dir
from .wiring import build_context

# What the long-running commands (serve, a polling worker) say goes to the log, in its format.
_serve_log = logging.getLogger("xiaowei.serve")
_worker_log = logging.getLogger("xiaowei.worker")


def _context():
    return build_context()


class SchemaNotReady(click.ClickException):
    """A command that reads or writes the database, run before `xiaowei db upgrade`."""
    exit_code = 3

    def show(self, file=None):
        click.echo(f"错误：{self.message}", err=True)


def _migrated_context():
    """The context, once the database schema is this code's: else a sentence saying what to run,
    not an SQL traceback about a missing table."""
    ctx = _context()
    state = ctx.database.schema_state()
    if state == "missing":
        raise SchemaNotReady("数据库尚未初始化，请先运行 xiaowei db upgrade（演示环境：xiaowei demo）")
    if state == "behind":
        raise SchemaNotReady("数据库结构不是最新版本，请先运行 xiaowei db upgrade")
    return ctx


def main() -> None:
    try:
        cli(standalone_mode=True)
    except SettingsError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(2)
    except XiaoweiError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        for field, problem in exc.errors.items():
            click.echo(f"  {field}: {problem}", err=True)
        sys.exit(2)


@click.group()
def cli():
    """小微：村级小微权力清单流程引擎。"""
    configure_logging(Settings.from_env().log_format)


# -- database and definitions ------------------------------------------------------------------
@cli.group()
def db():
    """Database schema."""


@db.command("upgrade")
def db_upgrade():
    """Create or migrate the schema to the newest revision."""
    ctx = _context()
    click.echo(f"upgrading {ctx.database.url.split('@')[-1]} ...")
    ctx.database.upgrade()
    click.echo("schema is up to date")


@cli.group()
def processes():
    """The power list (BPMN definitions under processes/)."""


@processes.command("load")
def processes_load():
    """Validate every definition and store new versions."""
    _load(_migrated_context())


def _load(ctx, say=click.echo, detail=click.echo):
    """Load the power list's definitions, saying what it does; `detail` says it item by item."""
    def progress(key, is_new):
        detail(f"  {'new    ' if is_new else 'current'} {key}")
    say(f"loading definitions from {ctx.processes_dir} ...")
    report = definitions.sync_definitions(ctx, progress=progress)
    say(f"{len(report)} items loaded, {sum(r.new for r in report)} new versions")


@processes.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--parameter", "extra", multiple=True, metavar="NAME[=MIN]",
              help="a township's own parameter the files may read, with its floor (min) when a publicity "
                   "period reads it (repeatable)")
@click.option("--role", "roles", multiple=True, metavar="CODE",
              help="a township's own role the files' lanes may be (repeatable)")
def processes_check(files, extra, roles):
    """Check BPMN files offline (no database): every load-time check and the compliance lint
    (规则检查). Exit code 1 when there is an error."""
    from engine.lint import ERROR, check_offline

    parameters = _parameter_floors(extra)
    directory = Settings.from_env().processes_dir.resolve()
    named = {}
    for given in files:
        path = Path(given).resolve()
        if not path.is_file():
            click.echo(f"错误：找不到文件 {given}", err=True)
            sys.exit(2)
        name = str(path.relative_to(directory)) if path.is_relative_to(directory) else given
        named[name] = path.read_bytes()
    findings = check_offline(named, directory, parameters, roles)
    for finding in findings:
        click.echo(finding.text())
    errors = sum(f.severity == ERROR for f in findings)
    click.echo(f"检查了 {len(named)} 个文件：{errors} 个错误，{len(findings) - errors} 个警告"
               + ("" if errors else "，可以发布"))
    if errors:
        sys.exit(1)


def _parameter_floors(given) -> dict:
    """`--parameter NAME` or `NAME=MIN` -> {name: floor or None}; exit 2 on a floor that is no number."""
    floors = {}
    for text in given:
        name, _, floor = text.partition("=")
        try:
            floors[name.strip()] = float(floor) if floor.strip() else None
        except ValueError:
            click.echo(f"错误：参数 {name.strip()} 的下限 {floor!r} 不是数字（写作 --parameter 名称=下限）", err=True)
            sys.exit(2)
    return floors


@processes.command("list")
def processes_list():
    """List the items by category."""
    groups = definitions.list_processes(_migrated_context(), Actor.system())
    if not groups:
        click.echo("no items loaded: run `xiaowei processes load` (or `xiaowei demo`)")
    for group in groups:
        click.echo(f"\n{group.category}（{len(group.items)}项）")
        for row in group.items:
            click.echo(f"  {row.list_code or '-':8} {row.key:28} {row.name}")
    click.echo(f"\n共 {sum(len(g.items) for g in groups)} 项")


@processes.command("doc")
@click.option("-o", "--output", default="docs/power-list.md", show_default=True, type=click.Path(dir_okay=False))
def processes_doc(output):
    """Write the power list as Markdown, generated from the definitions."""
    from pathlib import Path

    from engine.power_list import power_list_markdown
    ctx = _context()
    text = power_list_markdown(ctx.catalog(), ctx.roles, ctx.parameters)
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}")


@processes.command("layout")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--check", is_flag=True, help="Write nothing: list the files whose diagram (BPMNDI) is missing or "
              "does not show every flow node, lane and flow; exit code 1 when there is one.")
def processes_layout(files, check):
    """Lay BPMN files out (Graphviz) and write their diagram interchange (BPMNDI), so that bpmn.io
    and Camunda Modeler open them laid out. Only the diagram part of a file changes."""
    from render.bpmndi import diagram_problems, with_diagram
    from render.errors import RenderError

    started, failed, changed, shapes, edges = time.perf_counter(), [], 0, 0, 0
    for given in files:
        path = Path(given)
        data = path.read_bytes()
        try:
            if check:
                problems = diagram_problems(data, given)
                if problems:
                    failed.append(given)
                    click.echo(f"{given}: {len(problems)} 处缺图形")
                    for problem in problems[:10]:
                        click.echo(f"  {problem}")
                continue
            laid = with_diagram(data, given)
        except RenderError as exc:
            failed.append(given)
            click.echo(f"错误：{exc}", err=True)
            continue
        shapes += laid.count(b"BPMNShape id=")
        edges += laid.count(b"BPMNEdge id=")
        if laid != data:
            path.write_bytes(laid)
            changed += 1
    seconds = time.perf_counter() - started
    if check:
        click.echo(f"检查了 {len(files)} 个文件：{len(failed)} 个缺图形（{seconds:.2f} 秒）")
    else:
        click.echo(f"laid out {len(files) - len(failed)} files ({changed} changed): {shapes} shapes, "
                   f"{edges} edges in {seconds:.2f} s")
    if failed:
        sys.exit(1)


@processes.command("fragments")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--check", is_flag=True, help="Write nothing: list the files whose marked fragments (or their lanes) "
              "differ from the template; exit code 1 when there is one.")
def processes_fragments(files, check):
    """Rewrite every marked fragment (<!-- fragment:publicity ... -->, <!-- fragment:field ... -->)
    from its template or shared definition (bpmn_fragments/), and lay the changed files out again
    when they carry a diagram (BPMNDI). Edit the template or definition and run this; never edit
    the copies."""
    from bpmn_fragments import FragmentError, regenerate
    from render.errors import RenderError

    differing, failed, written, uses = [], [], [], Counter()
    for given in files:
        path = Path(given)
        text = path.read_bytes().decode("utf-8")
        try:
            result = regenerate(text, given)
        except FragmentError as exc:
            failed.append(given)
            click.echo(f"错误：{exc}", err=True)
            continue
        uses.update(o.kind for o in result.occurrences)
        if not result.differs():
            continue
        differing.append(given)
        if check:
            changed = [f"{o.label}（第 {o.line} 行）" for o in result.occurrences if o.changed]
            click.echo(f"{given}: 与模板不符：{'、'.join(changed + result.lane_changes)}")
            continue
        written.append(given)
        data = result.text.encode("utf-8")
        try:
            data = _laid_out_again(data, given)
        except RenderError as exc:
            failed.append(given)
            click.echo(f"错误：{exc}（片段已重写，图形未更新）", err=True)
        path.write_bytes(data)
    kinds = "、".join(f"{kind} {count}" for kind, count in sorted(uses.items()))
    if check:
        click.echo(f"检查了 {len(files)} 个文件、{uses.total()} 处片段（{kinds or '无'}）：{len(differing)} 个文件与模板不符")
    else:
        click.echo(f"regenerated {uses.total()} fragments ({kinds or 'none'}) in {len(files) - len(failed)} files "
                   f"({len(written)} changed)")
    if failed or (check and differing):
        sys.exit(1)


def _laid_out_again(data: bytes, source: str) -> bytes:
    """The diagram of a file that has one follows its new flow nodes and flows; a file without a
    diagram (a test input) stays without."""
    if b"BPMNDiagram" not in data:
        return data
    from render.bpmndi import with_diagram
    return with_diagram(data, source)


@processes.command("show")
@click.argument("key")
def processes_show(key):
    """Show one item: metadata and every step with its role, time limit and form."""
    item = definitions.get_process(_migrated_context(), Actor.system(), key)
    click.echo(f"{item.name}（{item.list_code}，{item.category}）")
    for label, field in (("政策依据", "policy_basis"), ("执行主体", "executing_body"),
                         ("监督主体", "supervising_body"), ("办理时限", "time_limit"), ("公开", "publicity")):
        click.echo(f"  {label}：{getattr(item, field) or '-'}")
    for step in item.steps:
        limit = f"，时限 {step['deadline']}" if step["deadline"] else ""
        click.echo(f"  - {step['name']} [{step['role_name']}{limit}]")
        for f in step["form"]:
            click.echo(f"      {f['name']:22} {f['label']} ({f['type']}{'，必填' if f['required'] else ''})")


# -- running -----------------------------------------------------------------------------------
@cli.command()
@click.option("--once", is_flag=True, help="Advance what is due and exit.")
@click.option("--now", "now_text", help="Treat this ISO time as now (with --once; for tests and demos).")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between polls.")
@click.option("--metrics-port", type=int, help="Serve this worker's metrics on 127.0.0.1:PORT (a worker "
              "started by `xiaowei serve --with-worker` reports through serve's /metrics instead).")
@click.option("--parent-pid", type=int, hidden=True, help="Exit when this process (xiaowei serve) is gone.")
def worker(once, now_text, interval, metrics_port, parent_pid):
    """Fire due timers (publicity periods) and advance their matters."""
    if parent_pid:
        exit_with_parent(parent_pid)
    if now_text and not once:
        raise click.UsageError("--now only goes with --once")
    fixed = clock.FixedClock(_parse_time(now_text)) if now_text else clock.SystemClock()
    ctx = _migrated_context()          # after the arguments: a usage error is told first
    counters = instruments()
    committed.listen(counters.count_committed)
    redlines.watch(ctx)                # the red lines run after each timer's commit
    if metrics_port:
        from prometheus_client import start_http_server
        start_http_server(metrics_port, addr="127.0.0.1", registry=counters.registry)

    # --once reports to whoever ran it; polling, the worker is a service: what it does goes to
    # the log, in the log's format (XIAOWEI_LOG_FORMAT=json: one JSON object per line).
    say = click.echo if once else _worker_log.info

    def progress(row):
        counters.timer_lag.observe(max(row.late_seconds, 0.0))
        say(f"matter {row.matter_id}: {', '.join(row.fired) or 'nothing fired'} -> {row.status}")
    with clock.use_clock(fixed):
        if once:
            taken = complaint_jobs.take_in(ctx)     # online ratings reach their steps before the timers
            done = timers.advance_due_timers(ctx, Actor.system(), progress=progress)
            click.echo(f"{len(done)} matters advanced")
            sent = complaint_jobs.deliver(ctx)
            click.echo(f"{len(taken.registered)} complaints registered, {sent.sent} notifications sent")
            _anchor(ctx, click.echo)
            return
        _poll(ctx, interval, parent_pid, progress)


def _poll(ctx, interval: float, parent_pid: int | None, progress) -> None:
    """Poll until stopped, beating the heartbeat /readyz looks for; a clean stop (SIGTERM, as
    serve and systemd send it) takes the heartbeat away, so readiness turns false at once."""
    worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    # SIGTERM asks the loop to end after the job in hand: raising out of whatever the signal
    # interrupted (a read on the database's socket) could leave the connection the goodbye needs
    # broken, and the worker would exit with an error instead of cleanly.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    health.worker_started(ctx, worker_id, socket.gethostname(), os.getpid())
    last_beat = time.monotonic()

    def beat_while_busy(row):            # a long backlog must not look like a dead worker
        nonlocal last_beat
        progress(row)
        if stop.is_set():
            raise _Stopping                  # between two matters: each was its own unit of work
        if time.monotonic() - last_beat > interval:
            health.worker_beat(ctx, worker_id, socket.gethostname(), os.getpid())
            last_beat = time.monotonic()
    warned: dict = {}                       # the day the missing calendar years were last logged
    try:
        while not stop.is_set():
            begin_request(f"timer-{secrets.token_hex(4)}")       # the pass's lines share an id
            _guarded("registering online complaints and ratings", complaint_jobs.take_in, ctx)
            try:
                timers.advance_due_timers(ctx, Actor.system(), progress=beat_while_busy, collect=False)
            except _Stopping:
                break
            _guarded("delivering notifications", complaint_jobs.deliver, ctx)
            _nightly_sweep(ctx)
            _calendar_notice(ctx, warned)
            _anchor(ctx, _worker_log.info)                      # the audit chain's daily anchor, once a day
            _checkpoint(ctx)                                    # the chain verified up to its head
            if parent_pid and not parent_alive(parent_pid):     # where PR_SET_PDEATHSIG is missing
                _worker_log.info("xiaowei serve is gone: the timer worker stops")
                return
            if stop.wait(interval):
                break
            health.worker_beat(ctx, worker_id, socket.gethostname(), os.getpid())
            last_beat = time.monotonic()
    finally:
        health.worker_stopped(ctx, worker_id)


def _calendar_notice(ctx, warned: dict) -> None:
    """Once a day, a warning for each year deadlines count without its holiday arrangement (this
    year, or next year from December): an operator loads it when the State Council publishes it."""
    from engine.services import calendar
    today = clock.now().date()
    if warned.get("day") == today:
        return
    warned["day"] = today
    try:
        missing = calendar.missing_years(ctx)
    except Exception:  # noqa: BLE001 - a notice, never a reason to stop the timers
        return
    for year in missing:
        _worker_log.warning("the %s holiday arrangement is not loaded: working days count Monday to Friday "
                            "without the holidays the State Council sets that year; load it with "
                            "`xiaowei calendar load FILE` once it is published", year)


def _guarded(what: str, job, ctx) -> None:
    """A job of the poll whose failure is logged and tried again at the next poll: the timers
    (督办 among them) must keep running whatever a gateway or a complaint met."""
    try:
        job(ctx)
    except Exception:  # noqa: BLE001 - logged with its traceback; the loop goes on
        _worker_log.exception("the worker failed %s; it tries again at the next poll", what)


class _Stopping(BaseException):
    """SIGTERM arrived during a backlog of timers: leave it for the next worker."""


def _nightly_sweep(ctx) -> None:
    """Every rule over every village once a night (engine/services/redlines.py); a failure is
    logged and tried again at the next poll."""
    try:
        done = redlines.sweep_if_due(ctx, Actor.system())
    except Exception:  # noqa: BLE001 - the timers must keep running whatever the sweep met
        logging.getLogger("xiaowei.redlines").exception("the nightly red-line sweep failed")
        return
    if done:
        _worker_log.info("red lines swept: %s", dataclasses.asdict(done))


def _checkpoint(ctx) -> None:
    """Verify the events since the audit checkpoint and move it on (pages verify from there); a
    broken chain is logged loudly and the checkpoint stays where the chain last held."""
    try:
        report = audit.advance_checkpoint(ctx, Actor.system())
    except Exception:  # noqa: BLE001 - the timers must keep running whatever this met
        logging.getLogger("xiaowei.audit").exception("verifying the audit chain failed")
        return
    if not report.ok:
        logging.getLogger("xiaowei.audit").error("the audit chain is broken at #%s: %s", report.broken_seq,
                                                 report.problem)


def _anchor(ctx, say) -> None:
    from engine.services import anchors
    for made in anchors.anchor_days(ctx):
        say(f"audit anchor {made.day}: #{made.seq} {made.hash}")


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"not an ISO time: {text!r}", param_hint="--now") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(1, 64),
              help="gunicorn worker processes  [default: XIAOWEI_WEB_WORKERS, else 2]")
@click.option("--threads", type=click.IntRange(1, 64),
              help="threads per worker process  [default: XIAOWEI_WEB_THREADS, else 4]")
@click.option("--with-worker", is_flag=True, help="Also run the timer worker in a child process.")
def serve(host, port, workers, threads, with_worker):
    """Run the web server (gunicorn) after migrating and loading definitions."""
    from .server import run_gunicorn
    settings = Settings.from_env()
    workers, threads = workers or settings.web_workers, threads or settings.web_threads
    _prepare_database()
    # Every process of this serve (gunicorn workers, the timer worker) counts into one directory,
    # emptied now; another serve on this machine (another port) has its own (api/metrics.py).
    prepare_multiprocess_dir(Path(settings.data_dir) / "metrics" / str(port))
    master = os.getpid()
    child = subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--parent-pid", str(master)]) \
        if with_worker else None
    try:
        _serve_log.info("serving on http://%s:%s/  (API docs: http://%s:%s/api/docs)", host, port, host, port)
        run_gunicorn(host, port, workers, threads)
    finally:
        # gunicorn's workers are forks of this process and leave through this frame too: only the
        # master stops the timer worker.
        if child and os.getpid() == master:
            child.send_signal(signal.SIGTERM)
            child.wait(10)
            mark_process_dead(child.pid)


def _prepare_database() -> None:
    """Migrate and load the definitions, then close every connection: the gunicorn workers are
    forked from this process and must not inherit one (engine/store/db.py says why). What it
    says goes to the log, in the log's format (XIAOWEI_LOG_FORMAT=json: every line of a served
    app's output is one JSON object)."""
    ctx = _context()
    ctx.database.upgrade()
    _load(ctx, say=_serve_log.info, detail=_serve_log.debug)
    ctx.database.dispose()


@cli.command()
@click.option("--walk/--no-walk", default=True, show_default=True,
              help="Drive demo matters of 绿水村 through their steps, so the public portal has something to show.")
@click.option("--history", is_flag=True, help="Instead of the walk: a demo year of matters across the three demo "
              "villages with planted red-line violations, then a sweep (xiaowei demo --history --matters 3000).")
@click.option("--matters", "history_matters", default=3000, show_default=True, type=click.IntRange(20, 50000),
              help="How many matters the demo year has (with --history).")
def demo(walk, history, history_matters):
    """Set up a demo county (2 townships, 3 villages, one user per role per unit). Demo only."""
    from engine.services.demo import DEMO_PASSWORD, demo_username, seed_demo
    ctx = _context()
    click.echo("1/4 schema ...")
    ctx.database.upgrade()
    click.echo("2/4 definitions ...")
    _load(ctx)
    click.echo("3/4 demo county, townships, villages and users (one per role per unit) ...")
    created = seed_demo(ctx, Actor.system(), progress=lambda name: click.echo(f"  user {name}"))
    for unit in orgs.list_units(ctx, Actor.system()):
        mark = "new" if unit.code in created.units else "ok "
        click.echo(f"  {mark} {unit.level:9} {unit.code:16} {unit.name}")
    if history:
        _demo_history(ctx, history_matters)
    elif walk:
        from engine.services.demo_walk import walk_demo
        click.echo("4/4 demo matters of 绿水村, walked through their steps (the public portal shows what they published) ...")
        _worker_log.setLevel(logging.WARNING)       # hundreds of timers: one line is enough
        walked = walk_demo(ctx)
        click.echo(f"  {len(walked)} matters walked" if walked else "  already walked")
        from engine.services.complaints.demo import seed_demo_complaints
        filed = seed_demo_complaints(ctx)      # 群众诉求: the portal's figures and the statistics page
        click.echo(f"  {len(filed)} demo complaints" if filed else "  demo complaints already there")
    click.echo("\ndemo ready. Every demo user's password is " + repr(DEMO_PASSWORD) + " (demo only, never in production).")
    click.echo("User names are <role code in lower case>.<unit code>, for example:")
    for role, unit in (("TWO_COMMITTEES", "lushui_village"), ("SUPERVISION_COMMITTEE", "lushui_village"),
                       ("TOWNSHIP_DISCIPLINE", "qingshan_town"), ("TOWNSHIP_ADMIN", "qingshan_town"),
                       ("COUNTY_ADMIN", "demo_county")):
        click.echo(f"  {demo_username(role, unit)}")
    click.echo("Public portal (no login): http://127.0.0.1:8000/public/lushui_village")
    click.echo("Get a token: curl -X POST localhost:8000/api/v1/auth/token -H Content-Type:application/json "
               f"-d '{{\"username\": \"{demo_username('TWO_COMMITTEES', 'lushui_village')}\", "
               f"\"password\": \"{DEMO_PASSWORD}\"}}'")


def _demo_history(ctx, total: int) -> None:
    from engine.services import registers
    from engine.services.demo_history import PLANTED, RELATED, walk_history
    if registers.list_related(ctx, Actor.system(), RELATED[0][0]):
        click.echo("4/4 the demo year was walked before")
        return
    click.echo(f"4/4 a demo year: {total} matters across the demo villages, {len(PLANTED)} with planted violations ...")
    for noisy in ("xiaowei.worker", "xiaowei.services"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    year = walk_history(ctx, total, progress=lambda week, n: click.echo(f"  week {week:2}: {n} matters"))
    click.echo(f"  swept: {json.dumps(dataclasses.asdict(year.sweep), ensure_ascii=False)}")
    for rule, check, ids in year.expected:
        click.echo(f"  planted {rule} {check}: matters {', '.join(map(str, ids))}")


@cli.group()
def users():
    """Users and their roles (run at the server: acts as the system)."""


@users.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="The person's name.")
@click.password_option(help="At least 10 characters; asked for when not given.")
def users_create(username, display_name, password):
    """Create a user."""
    from engine.services import identity
    user = identity.create_user(_migrated_context(), Actor.system(), username, display_name, password)
    click.echo(f"created {user.username} ({user.display_name})")


@users.command("grant")
@click.argument("username")
@click.argument("role")
@click.argument("org")
def users_grant(username, role, org):
    """Give USERNAME the ROLE in the organisation unit ORG (and so in every unit below it)."""
    from engine.services import identity
    user = identity.grant_role(_migrated_context(), Actor.system(), username, role, org)
    click.echo(f"{user.username}: " + ", ".join(f"{g.role}@{g.org}" for g in user.grants))


@users.command("revoke")
@click.argument("username")
@click.argument("role")
@click.argument("org")
def users_revoke(username, role, org):
    """Take ROLE in ORG away from USERNAME."""
    from engine.services import identity
    user = identity.revoke_role(_migrated_context(), Actor.system(), username, role, org)
    click.echo(f"{user.username}: " + (", ".join(f"{g.role}@{g.org}" for g in user.grants) or "no roles"))


@users.command("token")
@click.argument("username")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 366), help="How long it is valid.")
def users_token(username, days):
    """Issue a long-lived bearer token for a service account (the chat-group bot: grant it COMPLAINT_BOT first)."""
    from engine.services import identity
    issued = identity.service_token(_migrated_context(), Actor.system(), username, days)
    click.echo(f"{issued.token}\n(valid until {issued.expires_at.isoformat()}; shown only now)")


@users.command("list")
def users_list():
    """Every user with their roles."""
    from engine.services import identity
    for user in identity.list_users(_migrated_context(), Actor.system()):
        roles = ", ".join(f"{g.role}@{g.org}" for g in user.grants) or "-"
        click.echo(f"{user.username:40} {user.display_name:20} {roles}")


@cli.group("orgs")
def orgs_group():
    """Organisation units: county -> township -> village."""


@orgs_group.command("add")
@click.argument("code")
@click.argument("name")
@click.argument("level", type=click.Choice(["county", "township", "village"]))
@click.option("--parent", "parent_code", help="The township of a village, the county of a township.")
def orgs_add(code, name, level, parent_code):
    """Add an organisation unit."""
    unit = orgs.add_unit(_migrated_context(), Actor.system(), code, name, level, parent_code)
    click.echo(f"added {unit.level} {unit.code} {unit.name}")


@orgs_group.command("list")
def orgs_list():
    """List every unit."""
    for unit in orgs.list_units(_migrated_context(), Actor.system()):
        click.echo(f"{unit.level:9} {unit.code:20} {unit.name:10} {unit.parent_code or ''}")


@cli.group("calendar")
def calendar_group():
    """The holiday calendar that working-day deadlines count on."""


@calendar_group.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def calendar_load(path):
    """Load (or replace) a year's arrangement from a file like processes/calendar/2026.toml."""
    from engine.services import calendar
    from engine.workdays import read_arrangement
    try:
        year = read_arrangement(path)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="PATH") from None
    rows = lambda pairs: [[d.isoformat(), n] for d, n in pairs]  # noqa: E731
    shown = calendar.set_year(_migrated_context(), Actor.system(), year.year, rows(year.holidays), rows(year.workdays),
                              year.source)
    click.echo(f"{shown.year}: {len(shown.holidays)} holidays, {len(shown.workdays)} adjusted working days")


@calendar_group.command("show")
@click.argument("year", type=int)
def calendar_show(year):
    """Print a year's holidays and adjusted working days."""
    from engine.services import calendar
    shown = calendar.get_year(_migrated_context(), Actor.system(), year)
    click.echo(f"{shown.year} ({shown.source})")
    for days, title in ((shown.holidays, "放假"), (shown.workdays, "调休上班")):
        click.echo(f"  {title}: " + ", ".join(f"{r.date:%m-%d}{r.name}" for r in days))


@cli.command("render")
@click.argument("key", required=False)
@click.option("--all", "render_all", is_flag=True, help="The whole list as one PDF booklet with a contents page.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write; the format follows its extension (.svg, .png, .pdf).")
@click.option("--layout", type=click.Choice(["official", "swimlane"]), default="official", show_default=True,
              help="official: the top-down 权力运行流程图 (A4/A3 pages); swimlane: the technical view.")
@click.option("--version", "version_id", type=click.IntRange(1, 2**31 - 1),
              help="A stored version of the item (a township's draft too), from the database.")
def render_command(key, render_all, output, layout, version_id):
    """Draw the official flowchart of an item (or the whole list) from processes/; a township's
    special item (or any stored version, --version) from the database, with its township's values."""
    from pathlib import Path

    from render import render_booklet, render_flowchart
    ctx = _context()
    catalog = ctx.catalog()
    roles = {code: role.name for code, role in ctx.roles.items()}
    parameters = {name: p.value for name, p in ctx.parameters.items()}
    names = {k: info.name for k, info in catalog.processes.items()}
    fmt = Path(output).suffix.lstrip(".").lower()
    if render_all == bool(key):
        raise click.UsageError("give either an item KEY or --all")
    if render_all:
        if fmt != "pdf":
            raise click.UsageError("--all writes a PDF booklet: use -o FILE.pdf")
        infos = sorted(catalog.processes.values(), key=lambda i: (i.metadata.get("list_code") or "", i.key))
        click.echo(f"drawing {len(infos)} items ...")
        data = render_booklet([catalog.files[i.file] for i in infos], role_names=roles, parameters=parameters,
                              process_names=names)
    else:
        if fmt not in ("svg", "png", "pdf"):
            raise click.UsageError("the output must end in .svg, .png or .pdf")
        if key in catalog.processes and version_id is None:
            info = catalog.processes[key]
            data = render_flowchart(catalog.files[info.file], fmt, process_id=key, role_names=roles,
                                    parameters=parameters, layout=layout, process_names=names)
        else:
            source = _stored_source(ctx, key, version_id)
            data = render_flowchart(source.bpmn, fmt, process_id=key, role_names={**roles, **source.role_names},
                                    parameters=source.parameters, layout=layout,
                                    process_names={**names, **source.process_names})
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_bytes(data)
    click.echo(f"wrote {output} ({len(data) // 1024} KB)")


def _stored_source(ctx, key: str, version_id: int | None):
    """A version stored in the database (the current one when none is given): a township's items
    live there, not under processes/."""
    from engine.errors import NotFound
    from engine.services import flowcharts

    if version_id is None:
        with ctx.uow(readonly=True) as uow:
            current = uow.definitions.current(key)
            version_id = current.id if current is not None else None
    try:
        if version_id is None:
            raise NotFound(f"no item {key!r}")
        return flowcharts.version_flowchart_source(ctx, Actor.system(), key, version_id)
    except NotFound:
        raise click.BadParameter(f"no item {key!r}" + (f" with version {version_id}" if version_id else "")
                                 + " under processes/ or in the database; see `xiaowei processes list`",
                                 param_hint="KEY") from None


@cli.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The backup file to write (a .tar.gz with a manifest).")
def backup_command(output):
    """Back up the whole database, attachments included, while it serves."""
    from engine.services import backups
    done = backups.take_backup(_migrated_context(), Actor.system(), Path(output))
    manifest = done.manifest
    click.echo(f"wrote {output}: {done.size / 1024 / 1024:.1f} MiB in {done.seconds} s, sha256 {done.sha256}")
    click.echo(f"  {manifest['database']} at schema {', '.join(manifest['schema_revision'])}; "
               f"{manifest['row_counts'].get('instances', 0)} matters, {manifest['attachments']['files']} attachments, "
               f"audit chain up to #{manifest['audit_head']['seq']} {manifest['audit_head']['hash']}")


@cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that is not empty (everything in it is lost).")
def restore_command(path, force):
    """Restore the database from a backup file (into an empty database unless --force); exit 1
    if the audit chain does not verify afterwards."""
    from engine.services import backups
    report = backups.restore_backup(_context(), Actor.system(), Path(path), force=force)
    click.echo(f"restored {path} (taken {report.created_at}) in {report.seconds} s: "
               f"{report.row_counts.get('instances', 0)} matters, {report.attachments_checked} attachment "
               f"files checked against their sha256" + ("; schema upgraded" if report.schema_upgraded else ""))
    click.echo(json.dumps({"audit_chain": asdict(report.chain)}, ensure_ascii=False, indent=2, default=str))
    if not report.chain.ok:
        sys.exit(1)


@cli.command("archive")
@click.option("--before", "before_text", required=True,
              help="Archive matters that ended before this date (Beijing time, e.g. 2024-01-01) or ISO time.")
def archive_command(before_text):
    """Move matters closed before DATE out of the hot tables (归档); supervisors still read them."""
    from engine.services import archives
    before = _parse_day_or_time(before_text)

    def progress(totals):
        click.echo(f"  {totals.instances} matters archived ...")
    totals = archives.archive_closed_matters(_migrated_context(), Actor.system(), before, progress=progress)
    click.echo(f"archived {totals.instances} matters closed before {before.isoformat()} "
               f"({totals.inbox} steps, {totals.attachments} attachment links) in {totals.batches} batches")


def _parse_day_or_time(text: str) -> datetime:
    """A date is midnight at its start in Beijing time (where the county's days begin)."""
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text)
            return day.replace(tzinfo=timezone(timedelta(hours=8)))
        return _parse_time(text)
    except (ValueError, click.BadParameter):
        raise click.BadParameter(f"not a date or an ISO time: {text!r}", param_hint="--before") from None


@cli.group("redlines")
def redlines_group():
    """Red lines (红线) and their warnings (预警)."""


@redlines_group.command("sweep")
@click.option("--village", "villages", multiple=True, help="Only this village (repeatable).")
@click.option("--now", "now_text", help="Treat this ISO time as now (time limits, escalation).")
def redlines_sweep(villages, now_text):
    """Run every rule over every village now; raise, update or lift warnings; escalate overdue 交办."""
    ctx = _migrated_context()
    fixed = clock.FixedClock(_parse_time(now_text)) if now_text else clock.SystemClock()
    with clock.use_clock(fixed):
        totals = redlines.sweep(ctx, Actor.system(), list(villages) or None,
                                progress=lambda v, n, c: click.echo(f"  {v}: {n} matters, {dataclasses.asdict(c)}"))
    click.echo(json.dumps(dataclasses.asdict(totals), ensure_ascii=False))


@redlines_group.command("rules")
def redlines_rules():
    """List the rules of processes/redlines.toml."""
    for rule in redlines.rulebook(_context()):
        click.echo(f"{rule.code:4} {rule.severity:6} {rule.name}：{rule.description}")


@redlines_group.command("related")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def redlines_related(path):
    """Load kinship register entries from a CSV file: village,cadre,party,relation (header line)."""
    import csv
    from engine.services import registers
    ctx = _migrated_context()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        registers.add_related(ctx, Actor.system(), row.get("village", ""), row.get("cadre", ""),
                              row.get("party", ""), row.get("relation", ""))
    click.echo(f"{len(rows)} entries added")


@cli.group("statistics")
def statistics_group():
    """考核 statistics."""


@statistics_group.command("rebuild")
def statistics_rebuild():
    """Count the 考核 tallies again from the stored matters (after data was written by SQL; the
    tallies of archived matters are lost: they are no longer there to count)."""
    from engine.services import tallies
    click.echo(json.dumps(dataclasses.asdict(tallies.rebuild(_migrated_context(), Actor.system()))))


@cli.group("audit")
def audit_group():
    """The audit hash chain."""


@audit_group.command("verify")
@click.option("--since-checkpoint", is_flag=True, help="Only the events after the checkpoint (what pages do).")
def audit_verify(since_checkpoint):
    """Recompute the whole chain and name the first broken link (exit 1 if broken); when it holds,
    the checkpoint moves to its head and the time of this full check is kept. Run it nightly
    (a systemd timer or cron): pages verify from the checkpoint only."""
    report = audit.advance_checkpoint(_migrated_context(), Actor.system(), full=not since_checkpoint)
    click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2, default=str))
    if not report.ok:
        sys.exit(1)


@audit_group.command("anchors")
@click.option("--limit", type=int, default=None, help="Only the newest N days.")
def audit_anchors(limit):
    """List the daily anchors (the chain's head at each day's end, Beijing time) the portal publishes."""
    from engine.services import anchors
    rows = anchors.list_anchors(_migrated_context(), limit)
    if not rows:
        click.echo("no anchors yet: the timer worker stores one a day (xiaowei worker)")
    for row in rows:
        click.echo(f"{row.day}  #{row.seq:<8} {row.hash}  ({row.events_that_day} events that day)")


# -- the notice board (一栏) and the static portal ---------------------------------------------------
@cli.command("board")
@click.argument("village")
@click.option("--period", required=True, help="A month (2026-11) or a quarter (2026-Q4), Beijing time.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The PDF to write.")
@click.option("--paper", type=click.Choice(["A3", "A4"]), default="A3", show_default=True)
def board_command(village, period, output, paper):
    """Print a village's notice board (村务公开栏) for a period: its sheets as a PDF, each entry with
    its verification code and a QR code to its verify page on the portal."""
    from engine.services.public import board
    from render.board import render_board
    from render.errors import RenderError
    ctx = _migrated_context()
    logging.getLogger("fontTools").setLevel(logging.WARNING)     # its font subsetting talks at INFO
    found = board.board(ctx, village, period)
    try:
        data = render_board(found, _public_url(ctx), paper)
    except RenderError as exc:
        raise click.ClickException(str(exc)) from None
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_bytes(data)
    click.echo(f"wrote {output}: {found.village.name} {found.period.name}, {found.count} entries, "
               f"{paper}, {len(data) // 1024} KB; QR codes point to {_public_url(ctx)}/public/verify/...")


def _public_url(ctx) -> str:
    return ctx.settings.public_url or "http://127.0.0.1:8000"


@cli.group("portal")
def portal_group():
    """The public portal (一网)."""


@portal_group.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--county", required=True, help="The county's name or code (e.g. 示范县).")
def portal_export(directory, county):
    """Write one county's whole portal as static files (relative links) for a query terminal or a mirror."""
    from . import create_app
    from .public.export import export_county
    ctx = _migrated_context()
    logging.getLogger("xiaowei.access").setLevel(logging.WARNING)  # one line per page copied is noise here
    app = create_app({"SECRET_KEY": "portal-export"}, context=ctx)
    try:
        done = export_county(app, county, Path(directory), _public_url(ctx))
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {directory}: {done['villages']} villages, {done['pages']} pages, {done['files']} files, "
               f"{done['bytes'] // 1024} KB (open {directory}/index.html)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
