"""The official look: fonts, colours and the Graphviz shape of each kind of BPMN element."""
from __future__ import annotations

# One CJK font everywhere, so PNG and PDF (cairo/pango) draw Chinese; fonts-noto-cjk provides it.
FONT = 'Noto Sans CJK SC'
# SVG is shown by browsers that may not have Noto: give them other CJK families to fall back on.
SVG_FONT_FAMILY = ('Noto Sans CJK SC,Source Han Sans SC,Source Han Sans CN,Microsoft YaHei,'
                   'PingFang SC,Hiragino Sans GB,WenQuanYi Micro Hei,SimHei,sans-serif')
INK = '#263238'
MUTED = '#607d8b'
PAPER = '#ffffff'
LANE_FILLS = ('#f4f7fb', '#fbfbf4')     # alternate, so neighbouring lanes stay distinct

TASKS = frozenset({'task', 'userTask', 'manualTask', 'sendTask', 'receiveTask', 'serviceTask',
                   'scriptTask', 'businessRuleTask'})
GATEWAY_MARKS = {'exclusiveGateway': '×', 'parallelGateway': '+', 'inclusiveGateway': '○',
                 'eventBasedGateway': '◎', 'complexGateway': '*'}
EVENTS = frozenset({'startEvent', 'endEvent', 'intermediateCatchEvent', 'intermediateThrowEvent',
                    'boundaryEvent', 'implicitThrowEvent'})
SUBPROCESSES = frozenset({'subProcess', 'transaction', 'adHocSubProcess'})
DATA_SHAPES = {'dataObjectReference': 'note', 'dataObject': 'note',
               'dataStoreReference': 'cylinder', 'dataStore': 'cylinder'}
EVENT_WORDS = {'timer': '定时', 'message': '消息', 'error': '异常', 'signal': '信号',
               'escalation': '上报', 'compensate': '补偿', 'conditional': '条件', 'link': '链接',
               'terminate': '终止', 'cancel': '取消', 'multiple': '多重事件'}

BASE = {
    'task': {'shape': 'box', 'style': 'rounded,filled', 'margin': '0.14,0.06'},
    'call': {'shape': 'box', 'style': 'filled,bold', 'peripheries': '2', 'margin': '0.14,0.06'},
    'subprocess': {'shape': 'box', 'style': 'rounded,filled,bold', 'margin': '0.14,0.06'},
    'gateway': {'shape': 'diamond', 'style': 'filled', 'width': '0.55', 'height': '0.55',
                'fontsize': '10', 'margin': '0.02,0.02'},
    'event': {'shape': 'circle', 'style': 'filled', 'width': '0.36', 'fontsize': '10',
              'margin': '0.02,0.02'},
    'data': {'style': 'filled', 'fontsize': '10', 'color': MUTED},
    'annotation': {'shape': 'box', 'style': 'dashed', 'fontsize': '10', 'color': MUTED,
                   'fontcolor': MUTED},
    'other': {'shape': 'box', 'style': 'filled', 'margin': '0.14,0.06'},
}
EVENT_EXTRA = {
    'startEvent': {'penwidth': '1.5'},
    'endEvent': {'penwidth': '4'},
    'intermediateCatchEvent': {'shape': 'doublecircle', 'width': '0.3'},
    'intermediateThrowEvent': {'shape': 'doublecircle', 'width': '0.3'},
    'boundaryEvent': {'shape': 'doublecircle', 'width': '0.22'},
}
# A "1+N" joint step is one node for many departments: a bold border sets it apart.
JOINT_STEP = {'style': 'rounded,filled,bold', 'penwidth': '2'}

EDGE = {
    'sequence': {},
    'message': {'style': 'dashed', 'arrowhead': 'empty', 'arrowtail': 'odot', 'dir': 'both',
                'color': MUTED},
    'association': {'style': 'dotted', 'arrowhead': 'none', 'color': MUTED},
    'data': {'style': 'dotted', 'arrowhead': 'vee', 'color': MUTED},
    'attached': {'style': 'dashed', 'arrowhead': 'none', 'color': MUTED, 'weight': '8'},
}


def category(kind: str) -> str:
    """Which drawing family a BPMN element kind belongs to; unknown kinds are 'other'."""
    if kind in TASKS:
        return 'task'
    if kind == 'callActivity':
        return 'call'
    if kind in SUBPROCESSES:
        return 'subprocess'
    if kind in GATEWAY_MARKS:
        return 'gateway'
    if kind in EVENTS:
        return 'event'
    if kind in DATA_SHAPES:
        return 'data'
    return 'annotation' if kind == 'textAnnotation' else 'other'


def is_step(kind: str) -> bool:
    """Steps take part in a run and are greyed when an overlay says they were not taken."""
    return category(kind) not in ('data', 'annotation')


def node_attrs(kind: str) -> dict[str, str]:
    family = category(kind)
    attrs = dict(BASE[family])
    if family == 'gateway':
        # The marker, larger, when the gateway has no words of its own (an HTML label).
        attrs['label'] = f'<<FONT POINT-SIZE="16">{GATEWAY_MARKS[kind]}</FONT>>'
    elif family == 'event':
        attrs.update(EVENT_EXTRA.get(kind, {}))
    elif family == 'data':
        attrs['shape'] = DATA_SHAPES[kind]
    return attrs


def graph_attrs() -> dict[str, str]:
    # PNG keeps Graphviz's 96 dpi: a 20-step chart is ~4000 px wide already, and cairo's
    # PNG time grows with the pixel count (print uses the PDF).
    attrs = {'rankdir': 'LR', 'compound': 'true', 'newrank': 'true', 'fontname': FONT,
             'nodesep': '0.6', 'ranksep': '0.4', 'pad': '0.3',
             'bgcolor': PAPER, 'labelloc': 't', 'charset': 'UTF-8'}
    return attrs


NODE_DEFAULTS = {'fontname': FONT, 'fontsize': '12', 'color': INK, 'fontcolor': INK,
                 'fillcolor': PAPER}
EDGE_DEFAULTS = {'fontname': FONT, 'fontsize': '10', 'color': INK, 'fontcolor': INK,
                 'arrowsize': '0.7'}
