"""Who a matter is withheld from: the people a definition's `withheld_from` fields name (the cadre
a complaint is about). They may neither see the matter nor act on any of its steps
(access.visible_matter and the list queries read matter_exclusions); kept in step with the data on
every save of the matter, in its unit of work."""
from __future__ import annotations

import re

from ..errors import InvalidData

_SEPARATORS = re.compile(r"[\s,，、;；]+")


def names_in(value) -> set[str]:
    if isinstance(value, str):
        return {n for n in _SEPARATORS.split(value) if n}
    if isinstance(value, (list, tuple)):
        return {str(n).strip() for n in value if str(n).strip()}
    return set()


def sync_withheld(uow, record, bundle) -> None:
    """Exclusions become the named users once any withheld_from field is filled; before that the
    ones set at the start stay (a complaint about an unnamed cadre: every village cadre).
    InvalidData when a name is not an account: a typo must not leave the cadre able to see it."""
    fields = bundle.info.withheld_from
    if not fields or not any(record.data.get(f) for f in fields):
        return
    named, errors = set(), {}
    for field in fields:
        names = names_in(record.data.get(field))
        unknown = sorted(n for n in names if uow.users.by_name(n) is None)
        if unknown:
            errors[field] = f"没有账号：{'、'.join(unknown)}（请填写被反映干部的登录账号）"
        named |= names
    if errors:
        raise InvalidData("被反映人账号有误", errors)
    uow.exclusions.replace(record.id, named)
