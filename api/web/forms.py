"""Step and start forms on a page: the HTML names of the fields, and reading a submission back.

Values go to the services as the strings the browser sent (the form service converts and checks
them, in Chinese, per field). Evidence files chosen on the page go with them, to be stored in the
same transaction as the step or start they belong to: a refused submission leaves no file behind.
When the form comes back with errors, what the user typed is shown again, files stored earlier stay
ticked, and a field whose newly chosen files were not kept says so (a browser cannot refill a file
input).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from engine.errors import InvalidData

from ..tables import rows_from_file

PREFIX = "data."          # item field names never collide with the page's own (subject, village, csrf_token)


def input_name(name: str) -> str:
    return PREFIX + name


@dataclass
class Submission:
    data: dict = field(default_factory=dict)       # for the service
    uploads: dict = field(default_factory=dict)    # field name -> [(file name, bytes)], for the service
    shown: dict = field(default_factory=dict)      # to fill the form again: text, or [{id, name}] for files
    errors: dict = field(default_factory=dict)     # field name -> Chinese message

    def errors_after_refusal(self, errors: dict) -> dict:
        """The service's errors, plus a word on each field whose chosen files were not stored, and
        the lists whose files could not be read."""
        again = {name: "所选文件未保存，请重新选择" for name in self.uploads if name not in errors}
        return {**errors, **again, **self.errors}

    def refused(self) -> InvalidData | None:
        """A refusal for what the page itself found (a list file that cannot be read), before the
        service is asked: nothing is started or done with a list the clerk did not mean."""
        return InvalidData("清册文件无法读取", dict(self.errors)) if self.errors else None


def read_submission(fields: list[dict], form, files) -> Submission:
    result = Submission()
    for spec in fields:
        name = spec["name"]
        if spec["type"] == "file":
            result.shown[name] = _kept_files(form, name)
            if result.shown[name]:
                result.data[name] = [f["id"] for f in result.shown[name]]
            chosen = [(u.filename, u.read()) for u in files.getlist(input_name(name)) if u and u.filename]
            if chosen:                        # the browser sends an empty part when no file was chosen
                result.uploads[name] = chosen
            continue
        if spec["type"] == "table":
            _read_table(result, spec, form, files)
            continue
        value = form.get(input_name(name), "")
        result.shown[name] = value
        if value != "":
            result.data[name] = value
    return result


def _read_table(result: Submission, spec: dict, form, files) -> None:
    """A list from the file chosen (CSV or XLSX), else the rows read on an earlier try of the same
    form (kept in a hidden input, so a refused form need not be uploaded again). A file that cannot
    be read as the list is an error of the field, found before the service is asked."""
    name = spec["name"]
    chosen = [u for u in files.getlist(input_name(name)) if u and u.filename]
    if chosen:
        try:
            rows = rows_from_file(spec, chosen[0].filename, chosen[0].read())
        except InvalidData as exc:
            result.errors[name] = exc.errors[name]
            result.shown[name] = []
            return
    else:
        try:
            rows = json.loads(form.get(f"{input_name(name)}.rows", "") or "[]")
        except ValueError:
            rows = []
        if not isinstance(rows, list):
            rows = []
    result.shown[name] = rows
    if rows:
        result.data[name] = rows


def _kept_files(form, name: str) -> list[dict]:
    # The page lists files already stored as ticked boxes (value = id) with their names beside.
    return [{"id": i, "name": form.get(f"{PREFIX}{name}.name.{i}", i)} for i in form.getlist(input_name(name))
            if isinstance(i, str) and 0 < len(i) <= 64]


def initial_values(fields: list[dict]) -> dict:
    return {f["name"]: [] if f["type"] == "file" else "" for f in fields}
