"""The printable booklet: a contents page listing every item, then one chart per A4 page."""
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from render import RenderError, render_booklet

FIXTURES = Path(__file__).resolve().parents[2] / 'tests' / 'fixtures' / 'render'
A4_SIDES = {595, 842}


def booklet(files, **options) -> PdfReader:
    pdf = render_booklet(files, **options)
    assert pdf.startswith(b'%PDF')
    return PdfReader(io.BytesIO(pdf))


def test_contents_page_then_one_page_per_item():
    files = [(FIXTURES / 'village_project.bpmn').read_bytes(),
             (FIXTURES / 'unknown_elements.bpmn').read_bytes()]
    reader = booklet(files, parameters={'project_decision_threshold': 50000})
    assert len(reader.pages) == 3
    contents = reader.pages[0].extract_text()
    assert '村级小微权力清单' in contents and '目' in contents
    assert '编号' in contents and '事项名称' in contents and '类别' in contents and '页码' in contents
    assert 'GC-01' in contents and '村级工程建设项目' in contents and '工程项目' in contents
    assert '未知元素示例' in contents
    assert '第 2 页' in reader.pages[1].extract_text()
    assert '第 3 页' in reader.pages[2].extract_text()
    assert [item.title for item in reader.outline] == ['GC-01 村级工程建设项目', '未知元素示例']


def test_every_page_is_a4():
    reader = booklet([(FIXTURES / 'village_project.bpmn').read_bytes()], title='某某村权力清单')
    assert '某某村权力清单' in reader.pages[0].extract_text()
    for page in reader.pages:
        assert {round(float(page.mediabox.width)), round(float(page.mediabox.height))} == A4_SIDES


def test_long_lists_get_more_contents_pages():
    item = (FIXTURES / 'unknown_elements.bpmn').read_bytes()
    reader = booklet([item] * 26)
    assert len(reader.pages) == 2 + 26
    assert '（1/2）' in reader.pages[0].extract_text()
    assert '28' in reader.pages[1].extract_text()        # the last item's page number


def test_a_bad_item_is_named():
    with pytest.raises(RenderError, match='booklet item 2: XML 格式错误'):
        render_booklet([(FIXTURES / 'village_project.bpmn').read_bytes(), b'<oops'])
    with pytest.raises(RenderError, match='list of BPMN files'):
        render_booklet(b'<bpmn/>')
