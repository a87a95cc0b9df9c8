"""Every OMG interchange reference model (pools, lanes, sub-processes, boundary events, data
objects, message flows, ...) is drawn without an exception."""
import pytest
from lxml import etree

from render import render_flowchart

from tests.corpus import MIWG as CORPUS, MIWG_FILES as FILES, needs_miwg


@needs_miwg
def test_the_whole_corpus_is_there():
    assert len(FILES) == 21


@needs_miwg
@pytest.mark.parametrize('path', FILES, ids=[p.name for p in FILES])
def test_reference_model_renders_to_svg(path):
    svg = render_flowchart(path.read_bytes(), 'svg')
    tree = etree.fromstring(svg, etree.XMLParser(no_network=True, load_dtd=False))
    drawn = tree.xpath('//*[local-name()="g"][contains(@class, "node")]')
    assert len(drawn) >= 3, 'a reference model has at least a start, a step and an end'


@needs_miwg
def test_collaboration_draws_pools_and_message_flows():
    svg = render_flowchart((CORPUS / 'B.1.0.bpmn').read_bytes(), 'svg').decode()
    assert '>Participant<' in svg and '>Pool<' in svg           # two pools, as clusters
    assert '>Message Flow 1<' in svg and 'stroke-dasharray' in svg
    assert '（调用：' in svg                                     # call activities
    assert '>Sub Process &#45; Expanded<' in svg or '>Sub Process - Expanded<' in svg
