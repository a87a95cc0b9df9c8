"""One shared form field (`<!-- fragment:field name="archive_no" -->`): the `camunda:formField` of
a definition of fields.CATALOGUE, written where the marker stands (inside a `camunda:formData`).

The declaration (`<!-- fragment:field key="value" ... -->`):

required
  name        the definition (a key of fields.CATALOGUE)
optional: where this use differs from the definition, on purpose
  id          the field's id in this step (`result_published_on`); the definition's name by default
  label       its label (公开日期 where the definition says 公示日期)
  min, max    a bound over the item's own data (`min="period_end"`, `max="hs_rep_total"`)
  option.X    the name of the enum option X in this item (`option.approve="与决议一致，同意公开"`);
              the options themselves (their ids, which conditions read) are the definition's
"""
from __future__ import annotations

from . import fields as shared
from .template import Declaration, DeclarationError, Generated, Template

BOUNDS = ("min", "max")
BOUNDED_TYPES = ("long", "money", "date")


def render(decl: Declaration) -> Generated:
    name = decl.ident("name")
    definition = shared.CATALOGUE.get(name)
    if definition is None:
        raise DeclarationError(f"没有名为 {name} 的共用字段（见 bpmn_fragments/fields.py 的 CATALOGUE）")
    field = definition.but(id=decl.ident("id", definition.id), label=decl.text("label", definition.label))
    for bound in BOUNDS:
        config = decl.optional(bound)
        if config is not None:
            if field.type not in BOUNDED_TYPES:
                raise DeclarationError(f"共用字段 {name} 的类型是 {field.type}，不能有 {bound}（只有 long、money、date 可以）")
            field = field.bound(bound, decl.text(bound))
    field = field.but(options=_options(decl, name, field.options))
    return Generated(field.xml(), {}, field.id)


def _options(decl: Declaration, name: str, options: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The definition's options, with the names this use gives them."""
    known = dict(options)
    for value in decl.suffixes("option"):
        if value not in known:
            have = "、".join(known) or "无"
            raise DeclarationError(f"共用字段 {name} 没有选项 {value}（它的选项：{have}）")
        known[value] = decl.text(f"option.{value}")
    return tuple(known.items())


FIELD = Template("field", render, "共用表单字段", inside="camunda:formData")
