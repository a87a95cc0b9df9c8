"""Step and start forms on a page: the HTML names of the fields, and reading a submission back.

Values go to the services as the strings the browser sent (the form service converts and checks
them, in Chinese, per field). Evidence files chosen on the page go with them, to be stored in the
same transaction as the step or start they belong to: a refused submission leaves no file behind.
When the form comes back with errors, what the user typed is shown again, files stored earlier stay
ticked, and a field whose newly chosen files were not kept says so (a browser cannot refill a file
input).
"""
from __future__ import annotations

from dataclasses import dataclass, field

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
        """The service's errors, plus a word on each field whose chosen files were not stored."""
        again = {name: "所选文件未保存，请重新选择" for name in self.uploads if name not in errors}
        return {**errors, **again}


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
        value = form.get(input_name(name), "")
        result.shown[name] = value
        if value != "":
            result.data[name] = value
    return result


def _kept_files(form, name: str) -> list[dict]:
    # The page lists files already stored as ticked boxes (value = id) with their names beside.
    return [{"id": i, "name": form.get(f"{PREFIX}{name}.name.{i}", i)} for i in form.getlist(input_name(name))
            if isinstance(i, str) and 0 < len(i) <= 64]


def initial_values(fields: list[dict]) -> dict:
    return {f["name"]: [] if f["type"] == "file" else "" for f in fields}
