"""公开栏: the village clerk prints the notice board (一栏) of a village in reach for a period, A3
or A4, after seeing its entries; the same service builds the portal's online board, so the sheet
and the portal list the same entries with the same verification codes."""
from __future__ import annotations

import io

from flask import request, send_file

from engine.errors import InvalidData, NotFound
from engine.services.public import board
from render.board import PAPERS, render_board

from ...rest import ctx
from ..blueprint import bp
from ..lookups import my_villages
from ..pages import actor, page


def _village(code: str | None) -> str:
    villages = {v.code for v in my_villages(actor())}
    if code not in villages:
        raise NotFound("您负责的范围内没有这个村")
    return code


@bp.route("/board")
def board_page():
    villages = sorted(my_villages(actor()), key=lambda v: v.code)
    chosen = request.args.get("village") or (villages[0].code if villages else None)
    period = (request.args.get("period") or board.current_period()).strip()
    paper = request.args.get("paper") if request.args.get("paper") in PAPERS else "A3"
    values = {"villages": villages, "chosen": chosen, "period": period, "paper": paper, "found": None, "errors": {}}
    if not villages:
        return page("board.html", **values)
    try:
        values["found"] = board.board(ctx(), _village(chosen), period)
    except InvalidData as exc:
        return page("board.html", status=422, **{**values, "errors": exc.errors})
    return page("board.html", **values)


@bp.route("/board/<village>/<period>.pdf")
def board_pdf(village, period):
    paper = request.args.get("paper") if request.args.get("paper") in PAPERS else "A3"
    found = board.board(ctx(), _village(village), period)
    public_url = ctx().settings.public_url or request.host_url.rstrip("/")
    data = render_board(found, public_url, paper)
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=f"{found.village.name}村务公开栏-{found.period.code}-{paper}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response
