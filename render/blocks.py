"""The title block and footer of an official chart, as Graphviz HTML-like labels."""
from __future__ import annotations

from html import escape

from .graph import Model
from .labels import wrap
from .overlay import LOOKS, STATE_WORDS, UNTAKEN

FOOTER_ROWS = (('policy_basis', '政策依据'), ('executing_body', '执行主体'),
               ('supervising_body', '监督主体'), ('publicity', '公开要求'))
FOOTER_COLUMNS = 72


def title_block(model: Model) -> str:
    """Item name, then list code, category and overall time limit when the item has them."""
    meta = [f'{word}：{model.props[key]}' for key, word in
            (('list_code', '编号'), ('category', '类别'), ('time_limit', '办理时限'))
            if model.props.get(key)]
    rows = [f'<TR><TD><FONT POINT-SIZE="20"><B>{_html(model.title)}</B></FONT></TD></TR>']
    if meta:
        rows.append(f'<TR><TD><FONT POINT-SIZE="12">{_html("　　".join(meta))}</FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2">{"".join(rows)}</TABLE>>'


def footer_block(model: Model, complaint_channel: str, legend: bool, page_note: str = '') -> str:
    """Policy basis, executing and supervising bodies, the complaint channel; the legend of the
    overlay colours when there is one; a page number in a booklet."""
    rows = [(word, model.props[key]) for key, word in FOOTER_ROWS if model.props.get(key)]
    if complaint_channel:
        rows.append(('投诉举报', complaint_channel))
    cells = [_footer_row(word, value) for word, value in rows]
    if legend:
        cells.append(f'<TR><TD ALIGN="LEFT"><B>图　　例</B></TD><TD ALIGN="LEFT">{_legend()}</TD></TR>')
    if page_note:
        cells.append(f'<TR><TD COLSPAN="2" ALIGN="RIGHT" BORDER="0">{_html(page_note)}</TD></TR>')
    if not cells:
        return '<<TABLE BORDER="0"><TR><TD> </TD></TR></TABLE>>'
    return ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" COLOR="#90a4ae">'
            f'{"".join(cells)}</TABLE>>')


def _footer_row(word: str, value: str) -> str:
    lines = '<BR ALIGN="LEFT"/>'.join(_html(line) for line in wrap(value, FOOTER_COLUMNS))
    return (f'<TR><TD ALIGN="LEFT" VALIGN="TOP"><B>{_html(word)}</B></TD>'
            f'<TD ALIGN="LEFT" BALIGN="LEFT">{lines}</TD></TR>')


def _legend() -> str:
    swatches = [(STATE_WORDS[state], look) for state, look in LOOKS.items()]
    swatches.append((STATE_WORDS['untaken'], UNTAKEN))
    cells = ''.join(f'<TD BGCOLOR="{look.fill}" COLOR="{look.line}" BORDER="1">'
                    f'<FONT POINT-SIZE="10">{word}</FONT></TD>' for word, look in swatches)
    return f'<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="3"><TR>{cells}</TR></TABLE>'


def _html(text: str) -> str:
    return escape(str(text), quote=True)
