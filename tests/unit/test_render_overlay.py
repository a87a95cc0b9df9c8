"""A matter's state drawn over the chart: colours per state, the role a step waits for, timers'
due dates, untaken steps in grey and the path taken in bold."""
from pathlib import Path

import pytest
from lxml import etree

from render import RenderError, StepState, clear_render_cache, render_flowchart
from render.overlay import LOOKS, UNTAKEN

FIXTURES = Path(__file__).resolve().parents[2] / 'tests' / 'fixtures' / 'render'
ROLE_NAMES = {'TOWNSHIP_GOV': '乡镇人民政府', 'TOWNSHIP_DISCIPLINE': '乡镇纪委',
              'VILLAGE_COMMITTEE': '村民委员会'}
DONE = StepState('completed')
# Up to the township review: the amount was large, so the decision sub-process ran.
REVIEW_READY = {
    'start': DONE, 'propose': DONE, 'gw_amount': DONE, 'call_decision': DONE, 'gw_merge': DONE,
    'township_review': StepState('ready', role='TOWNSHIP_GOV'),
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_render_cache()


def chart(overlay, **options) -> etree._Element:
    svg = render_flowchart((FIXTURES / 'village_project.bpmn').read_bytes(), overlay=overlay,
                           role_names=ROLE_NAMES, **options)
    return etree.fromstring(svg, etree.XMLParser(no_network=True, load_dtd=False))


def group(tree, element_id):
    return tree.xpath('//*[local-name()="g"][@id=$id]', id=element_id)[0]


def shape(g):
    return next(e for e in g if etree.QName(e).localname in ('path', 'polygon', 'ellipse'))


def words(g):
    return [t.text for t in g.iter('{http://www.w3.org/2000/svg}text') if t.text]


def test_completed_ready_and_untaken_steps_have_their_colours():
    tree = chart(REVIEW_READY)
    assert shape(group(tree, 'propose')).get('fill') == LOOKS['completed'].fill
    assert shape(group(tree, 'gw_amount')).get('fill') == LOOKS['completed'].fill
    ready = shape(group(tree, 'township_review'))
    assert ready.get('fill') == LOOKS['ready'].fill
    assert ready.get('stroke') == LOOKS['ready'].line and float(ready.get('stroke-width')) >= 3
    assert shape(group(tree, 'committee_approve')).get('fill') == UNTAKEN.fill
    assert shape(group(tree, 'accept')).get('fill') == UNTAKEN.fill
    assert 'state-ready' in group(tree, 'township_review').get('class')
    assert 'state-untaken' in group(tree, 'committee_approve').get('class')


def test_ready_step_names_the_role_it_waits_for():
    assert '待办：乡镇人民政府' in words(group(chart(REVIEW_READY), 'township_review'))


def test_ready_step_without_a_role_waits_for_its_lane():
    tree = chart({'start': DONE, 'propose': StepState('ready')})
    assert '待办：村“两委”联席会议' in words(group(tree, 'propose'))


def test_waiting_timer_shows_its_due_date():
    overlay = {**REVIEW_READY, 'township_review': DONE, 'gw_review': DONE,
               'publicity': StepState('waiting', due='2026-12-03T09:30:00+08:00')}
    g = group(chart(overlay, parameters={'project_publicity_days': 7}), 'publicity')
    assert words(g) == ['立项公示7天', '到期 2026-12-03 09:30']
    assert shape(g).get('fill') == LOOKS['waiting'].fill


def test_due_times_are_beijing_time_like_the_pages():
    # Stored in UTC: 16:30 UTC on the 3rd is 00:30 on the 4th in the township.
    overlay = {**REVIEW_READY, 'township_review': DONE, 'gw_review': DONE,
               'publicity': StepState('waiting', due='2026-12-03T16:30:00+00:00')}
    g = group(chart(overlay, parameters={'project_publicity_days': 7}), 'publicity')
    assert '到期 2026-12-04 00:30' in words(g)


def test_path_taken_is_bold_and_the_rest_grey():
    tree = chart(REVIEW_READY)
    taken = shape(group(tree, 'flow_big'))
    assert taken.get('stroke') == '#2e7d32' and float(taken.get('stroke-width')) > 2
    assert 'taken' in group(tree, 'f_to_review').get('class').split()      # into the ready step
    assert 'untaken' in group(tree, 'flow_small').get('class').split()
    assert shape(group(tree, 'flow_small')).get('stroke') == '#bdbdbd'
    assert 'untaken' in group(tree, 'f_review').get('class').split()       # source not done


def test_error_and_cancelled_states():
    tree = chart({'start': DONE, 'propose': StepState('error'), 'gw_amount': StepState('cancelled')})
    assert shape(group(tree, 'propose')).get('fill') == LOOKS['error'].fill
    assert shape(group(tree, 'gw_amount')).get('fill') == LOOKS['cancelled'].fill


def test_no_overlay_means_nothing_is_grey():
    tree = chart(None)
    assert shape(group(tree, 'accept')).get('fill') == '#ffffff'
    assert not tree.xpath('//*[contains(@class, "state-untaken")]')


def test_steps_of_the_called_process_show_on_the_call_activity():
    # major_decision is another file: ids this file does not know belong to the called process.
    overlay = {'start': DONE, 'propose': DONE, 'gw_amount': DONE,
               'call_decision': StepState('waiting'),
               'vote': StepState('ready', role='VILLAGE_COMMITTEE'), 'draft': DONE}
    g = group(chart(overlay), 'call_decision')
    assert '待办：村民委员会' in words(g)
    assert shape(g).get('fill') == LOOKS['waiting'].fill


def test_legend_appears_with_an_overlay():
    text = ''.join(words(chart(REVIEW_READY)))
    assert '图' in text and '已完成' in text and '未经过' in text


@pytest.mark.parametrize('overlay, problem', [
    ({'propose': StepState('finished')}, "unknown state 'finished'"),
    ({'propose': 42}, 'expected a StepState'),
    (['propose'], 'overlay must map'),
])
def test_bad_overlay_raises_render_error(overlay, problem):
    with pytest.raises(RenderError, match=problem):
        chart(overlay)


def test_embedded_sub_process_cluster_takes_its_state_colour():
    svg = render_flowchart((FIXTURES / 'unknown_elements.bpmn').read_bytes(),
                           overlay={'start': DONE, 'site_visit': DONE, 'gadget': DONE,
                                    'check': StepState('waiting'),
                                    'check_start': DONE, 'check_docs': StepState('ready')})
    tree = etree.fromstring(svg, etree.XMLParser(no_network=True, load_dtd=False))
    cluster = group(tree, 'check')
    assert 'cluster' in cluster.get('class') and shape(cluster).get('fill') == LOOKS['waiting'].fill
    assert shape(group(tree, 'check_docs')).get('fill') == LOOKS['ready'].fill
    assert shape(group(tree, 'end')).get('fill') == UNTAKEN.fill
