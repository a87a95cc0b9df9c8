"""The official flowchart of one item: formats, title block, lanes, words, shapes, errors."""
from pathlib import Path

import pytest
from lxml import etree

from render import RenderError, clear_render_cache, load_role_names, render_flowchart

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / 'tests' / 'fixtures' / 'render'
PARAMETERS = {
    'project_decision_threshold': 50000,
    'project_publicity_days': 7,
    'oversight_roles': ['TOWNSHIP_DISCIPLINE', 'TOWNSHIP_AGRI_ECON', 'TOWNSHIP_FINANCE'],
}
ROLE_NAMES = {'TWO_COMMITTEES': '村“两委”', 'TOWNSHIP_DISCIPLINE': '乡镇纪委',
              'TOWNSHIP_AGRI_ECON': '乡镇农经站', 'TOWNSHIP_FINANCE': '乡镇财政所',
              'VILLAGE_COMMITTEE': '村民委员会'}


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_render_cache()
    yield
    clear_render_cache()


def item() -> bytes:
    return (FIXTURES / 'village_project.bpmn').read_bytes()


def svg_tree(svg: bytes) -> etree._Element:
    return etree.fromstring(svg, etree.XMLParser(no_network=True, load_dtd=False))


def group(svg: bytes, element_id: str) -> etree._Element:
    found = svg_tree(svg).xpath('//*[local-name()="g"][@id=$id]', id=element_id)
    assert found, f'no SVG group for {element_id}'
    return found[0]


def words(g: etree._Element) -> list[str]:
    return [t.text for t in g.iter('{http://www.w3.org/2000/svg}text') if t.text]


def shape_of(g: etree._Element) -> etree._Element:
    return next(e for e in g if etree.QName(e).localname in ('path', 'polygon', 'ellipse'))


def all_text(svg: bytes) -> str:
    return '\n'.join(words(svg_tree(svg)))


def test_each_format_has_its_signature():
    assert render_flowchart(item(), 'svg').lstrip().startswith(b'<?xml')
    assert b'<svg' in render_flowchart(item(), 'svg')
    assert render_flowchart(item(), 'png').startswith(b'\x89PNG\r\n\x1a\n')
    assert render_flowchart(item(), 'pdf').startswith(b'%PDF')


def test_title_block_names_the_item_its_code_and_category():
    text = all_text(render_flowchart(item()))
    assert '村级工程建设项目' in text
    assert '编号：GC-01' in text and '类别：工程项目' in text and '办理时限：60个工作日' in text


def test_footer_lists_policy_bodies_and_complaint_channel():
    text = all_text(render_flowchart(item(), complaint_channel='监督电话 0731-12345678'))
    assert '政策依据' in text and '《中华人民共和国村民委员会组织法》第二十四条' in text
    assert '执行主体' in text and '监督主体' in text and '村务监督委员会、乡镇纪委' in text
    assert '投诉举报' in text and '监督电话 0731-12345678' in text


def test_one_swimlane_per_lane_named_by_role():
    svg = render_flowchart(item(), role_names=ROLE_NAMES)
    assert words(group(svg, 'TWO_COMMITTEES')) == ['村“两委”']
    assert words(group(svg, 'TOWNSHIP_GOV')) == ['乡镇人民政府']     # no role name: lane name
    assert 'cluster' in group(svg, 'PUBLIC_PLATFORM').get('class')


def test_steps_show_their_time_limit_in_words():
    svg = render_flowchart(item())
    assert words(group(svg, 'propose')) == ['拟定项目方案', '时限5天']
    assert words(group(svg, 'township_review')) == ['乡镇审核立项', '时限10天']


def test_conditions_are_spoken_with_labels_and_parameters():
    svg = render_flowchart(item(), parameters=PARAMETERS)
    assert words(group(svg, 'flow_big')) == ['金额≥5万元']
    assert words(group(svg, 'flow_small')) == ['否则']                # unnamed default flow
    assert words(group(svg, 'flow_rework')) == ['不同意，退回修改']   # the name wins
    assert words(group(svg, 'flow_approved')) == ['否则']


def test_unknown_parameter_stays_as_written():
    svg = render_flowchart(item())
    assert ''.join(words(group(svg, 'flow_big'))) == '金额≥project_decision_threshold'


def test_timer_reads_its_duration_from_the_parameters():
    assert words(group(render_flowchart(item(), parameters=PARAMETERS), 'publicity')) == ['立项公示7天']


def test_call_activity_is_a_double_bordered_sub_process_box():
    g = group(render_flowchart(item()), 'call_decision')
    assert words(g) == ['民主决策', '（调用：另一事项）']   # never the key
    assert len([e for e in g if etree.QName(e).localname == 'polygon']) == 2   # two borders


def test_joint_oversight_lists_departments_from_the_parameter():
    text = ''.join(words(group(render_flowchart(item(), parameters=PARAMETERS,
                                                role_names=ROLE_NAMES), 'joint_oversight')))
    assert '联合监管：乡镇纪委、乡镇农经站、乡镇财政所' in text
    assert '时限15天' in text


def test_joint_oversight_without_the_parameter_says_several_departments():
    assert '联合监管（多部门）' in words(group(render_flowchart(item()), 'joint_oversight'))


def test_boundary_event_is_attached_to_its_host_and_leads_on():
    svg = render_flowchart(item())
    assert words(group(svg, 'decision_rejected')) == ['决策未通过']
    assert words(group(svg, 'end_rejected')) == ['项目终止']
    assert group(svg, 'f_rejected') is not None


def test_gateways_are_diamonds_and_events_circles():
    svg = render_flowchart(item())
    assert len(shape_of(group(svg, 'gw_amount')).get('points').split()) == 5   # 4 corners + close
    assert etree.QName(shape_of(group(svg, 'start'))).localname == 'ellipse'
    end = group(svg, 'end')
    assert float(shape_of(end).get('stroke-width')) >= 3          # end events are thick
    assert words(end) == ['办结']


def test_svg_names_a_cjk_font_family():
    svg = render_flowchart(item()).decode()
    assert 'font-family="Noto Sans CJK SC,' in svg
    assert 'Microsoft YaHei' in svg


def test_roles_toml_gives_chinese_lane_names():
    roles = load_role_names(REPO / 'processes' / 'roles.toml')
    assert roles['VILLAGE_COMMITTEE'] == '村民委员会'
    svg = render_flowchart(item(), role_names=roles)
    assert words(group(svg, 'TWO_COMMITTEES')) == [roles['TWO_COMMITTEES']]


def test_unknown_element_types_are_drawn_as_plain_boxes():
    svg = render_flowchart((FIXTURES / 'unknown_elements.bpmn').read_bytes())
    for element_id, name in (('site_visit', '现场踏勘'), ('gadget', '外部部件')):
        g = group(svg, element_id)
        assert words(g) == [name]
        assert len(shape_of(g).get('points').split()) == 5             # square corners: a box
    assert words(group(svg, 'check'))[0] == '资料核查'                  # sub-process cluster
    assert words(group(svg, 'check_docs')) == ['核对原始凭证']


def test_process_id_picks_the_process():
    svg = render_flowchart(item(), process_id='village_project')
    assert '村级工程建设项目' in all_text(svg)
    with pytest.raises(RenderError, match="process 'nope' not found"):
        render_flowchart(item(), process_id='nope')


@pytest.mark.parametrize('fmt', ['jpg', 'SVG', '', None, 'dot'])
def test_unsupported_format_is_refused(fmt):
    with pytest.raises(RenderError, match='unsupported output format'):
        render_flowchart(item(), fmt)


@pytest.mark.parametrize('data, problem', [
    (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">', 'XML 格式错误'),
    (b'', '文件为空'),
    (b'not xml at all', 'XML 格式错误'),
    (b'<definitions/>', '命名空间：无'),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "boom">]>'
     b'<d:definitions xmlns:d="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</d:definitions>',
     'DOCTYPE'),
])
def test_bad_input_raises_a_clear_render_error(data, problem):
    with pytest.raises(RenderError, match=problem):
        render_flowchart(data)


def test_cached_result_is_reused_and_keyed_by_options():
    first = render_flowchart(item(), parameters=PARAMETERS)
    assert render_flowchart(item(), parameters=dict(PARAMETERS)) is first
    other = render_flowchart(item(), parameters={'project_decision_threshold': 100000})
    assert other is not first and '金额≥10万元' in all_text(other)


def test_role_registry_errors_are_render_errors(tmp_path):
    broken = tmp_path / 'roles.toml'
    broken.write_text('[roles.X\nname = 1', encoding='utf-8')
    with pytest.raises(RenderError, match='not valid TOML'):
        load_role_names(broken)
    with pytest.raises(RenderError, match='cannot read'):
        load_role_names(tmp_path / 'missing.toml')
