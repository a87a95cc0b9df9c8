"""Benchmark of `render.render_flowchart` on a 20-step item.

    .venv/bin/python bench/bench_render.py [--steps 20] [--repeat 15] [--format svg]

Cold: the in-process cache is cleared before every call, so each call reads the XML, builds the
graph and runs Graphviz `dot`. Cached: the same call again (a cache hit). Targets: cold SVG median
under 300 ms, cached under 5 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import timeit
from pathlib import Path

try:
    import render
except ImportError:       # run as a script from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import render

LANES = ['TWO_COMMITTEES', 'VILLAGE_COMMITTEE', 'VILLAGER_REP_MEETING', 'TOWNSHIP_GOV',
         'SUPERVISION_COMMITTEE']
PARAMETERS = {'project_decision_threshold': 50000, 'publicity_days': 7}


def build_item(steps: int = 20) -> bytes:
    """A power-list item with `steps` user tasks over five lanes, each with a time limit; an
    amount gateway after the first step, a rework gateway in the middle and a publicity timer."""
    tasks = [(f'step_{i}', f'第{i}步办理事项', LANES[i % len(LANES)]) for i in range(1, steps + 1)]
    nodes = [('start', 'startEvent', '提出申请', LANES[0])]
    nodes += [(tid, 'userTask', name, lane) for tid, name, lane in tasks]
    nodes += [('gw_amount', 'exclusiveGateway', '', LANES[0]),
              ('gw_rework', 'exclusiveGateway', '', LANES[3]),
              ('publicity', 'intermediateCatchEvent', '结果公示', LANES[4]),
              ('end', 'endEvent', '办结', LANES[1])]
    order = ['start', 'step_1', 'gw_amount'] + [t[0] for t in tasks[1:]]
    middle = len(order) // 2
    order[middle:middle] = ['gw_rework']
    order += ['publicity', 'end']
    return _xml(nodes, order, middle).encode('utf-8')


def _xml(nodes, order, middle) -> str:
    lanes = {}
    for node_id, _, _, lane in nodes:
        lanes.setdefault(lane, []).append(node_id)
    lane_xml = ''.join(
        f'<bpmn:lane id="{lane}" name="{lane}">'
        + ''.join(f'<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>' for n in refs) + '</bpmn:lane>'
        for lane, refs in lanes.items())
    node_xml = ''.join(_node_xml(*node) for node in nodes)
    flows = [f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
             for i, (a, b) in enumerate(zip(order, order[1:], strict=False))]
    flows.append(f'<bpmn:sequenceFlow id="f_skip" sourceRef="gw_amount" targetRef="{order[5]}">'
                 '<bpmn:conditionExpression>amount &lt; project_decision_threshold'
                 '</bpmn:conditionExpression></bpmn:sequenceFlow>')
    flows.append(f'<bpmn:sequenceFlow id="f_rework" name="退回修改" sourceRef="gw_rework" '
                 f'targetRef="{order[middle - 2]}"/>')
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_bench" targetNamespace="x">
<bpmn:process id="bench_item" name="基准测试事项（{len(nodes) - 5}步）" isExecutable="true">
<bpmn:extensionElements><spiffworkflow:properties>
<spiffworkflow:property name="list_code" value="BM-01"/>
<spiffworkflow:property name="category" value="基准测试"/>
<spiffworkflow:property name="policy_basis" value="《村民委员会组织法》"/>
<spiffworkflow:property name="executing_body" value="村民委员会"/>
<spiffworkflow:property name="supervising_body" value="村务监督委员会"/>
</spiffworkflow:properties></bpmn:extensionElements>
<bpmn:laneSet id="ls">{lane_xml}</bpmn:laneSet>
{node_xml}
{''.join(flows)}
</bpmn:process></bpmn:definitions>'''


def _node_xml(node_id: str, kind: str, name: str, lane: str) -> str:
    if kind == 'userTask':
        return (f'<bpmn:userTask id="{node_id}" name="{name}"><bpmn:extensionElements>'
                '<spiffworkflow:properties><spiffworkflow:property name="deadline" value="P5D"/>'
                '</spiffworkflow:properties><camunda:formData><camunda:formField id="amount" '
                'label="金额" type="money"/></camunda:formData></bpmn:extensionElements>'
                '</bpmn:userTask>')
    if kind == 'intermediateCatchEvent':
        return (f'<bpmn:intermediateCatchEvent id="{node_id}" name="{name}">'
                '<bpmn:timerEventDefinition><bpmn:timeDuration>days(publicity_days)'
                '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
    default = ' default="f2"' if node_id == 'gw_amount' else ''     # f2: gw_amount -> step_2
    return f'<bpmn:{kind} id="{node_id}" name="{name}"{default}/>'


def measure(data: bytes, fmt: str, repeat: int, layout: str = 'swimlane') -> tuple[float, float]:
    """(cold median, cached median) in seconds."""
    def call() -> bytes:
        return render.render_flowchart(data, fmt, parameters=PARAMETERS, layout=layout)

    def cold() -> None:
        render.clear_render_cache()
        call()

    call()      # warm the imports and the font cache of `dot` once
    cold_runs = timeit.repeat(cold, number=1, repeat=repeat)
    call()
    loops = 200
    cached_runs = [t / loops for t in timeit.repeat(call, number=loops, repeat=repeat)]
    return statistics.median(cold_runs), statistics.median(cached_runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--repeat', type=int, default=15)
    parser.add_argument('--format', default='svg', choices=['svg', 'png', 'pdf'])
    parser.add_argument('--layout', default='swimlane', choices=['swimlane', 'official'])
    args = parser.parse_args()
    data = build_item(args.steps)
    cold, cached = measure(data, args.format, args.repeat, args.layout)
    print(f'{args.steps}-step item, {args.layout}, {args.format}, {args.repeat} repeats (medians)')
    print(f'  cold   (cache cleared, incl. Graphviz): {cold * 1000:8.1f} ms   (target < 300 ms)')
    print(f'  cached (in-process LRU hit):            {cached * 1000:8.3f} ms   (target < 5 ms)')
    print(f'  ratio cold / cached:                    {cold / cached:8.0f}x')


if __name__ == '__main__':
    main()
