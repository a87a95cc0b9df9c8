"""Step and start forms on a page: the HTML names of the fields, and reading a submission back.

Values go to the services as the strings the browser sent (the form service converts and checks
them, in Chinese, per field). Evidence files are uploaded first, each through the attachment
service (its size and type checks), and their ids go into the file field. When the form comes back
with errors, what the user typed is shown again, and files already uploaded stay attached (ticked
boxes), so nothing has to be chosen twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import InvalidData
from engine.services import attachments

from ..rest import ctx

PREFIX = "data."          # item field names never collide with the page's own (subject, village, csrf_token)


def input_name(name: str) -> str:
    return PREFIX + name


@dataclass
class Submission:
    data: dict = field(default_factory=dict)       # for the service
    shown: dict = field(default_factory=dict)      # to fill the form again: text, or [{id, name}] for files
    errors: dict = field(default_factory=dict)     # field name -> Chinese message


def read_submission(actor, fields: list[dict], form, files) -> Submission:
    result = Submission()
    for spec in fields:
        name = spec["name"]
        if spec["type"] == "file":
            kept = _kept_files(form, name)
            result.shown[name] = kept + _upload(actor, spec, files.getlist(input_name(name)), result.errors)
            if result.shown[name]:
                result.data[name] = [f["id"] for f in result.shown[name]]
            continue
        value = form.get(input_name(name), "")
        result.shown[name] = value
        if value != "":
            result.data[name] = value
    return result


def _kept_files(form, name: str) -> list[dict]:
    # The page lists files already uploaded as ticked boxes (value = id) with their names beside.
    return [{"id": i, "name": form.get(f"{PREFIX}{name}.name.{i}", i)} for i in form.getlist(input_name(name))
            if isinstance(i, str) and 0 < len(i) <= 64]


def _upload(actor, spec: dict, uploads, errors: dict) -> list[dict]:
    stored = []
    for upload in uploads:
        if not upload or not upload.filename:
            continue                          # the browser sends an empty part when no file was chosen
        try:
            row = attachments.upload_attachment(ctx(), actor, upload.filename, upload.read())
        except InvalidData as exc:
            problem = next(iter(exc.errors.values()), exc.message)
            errors[spec["name"]] = f"{spec['label']}：{upload.filename}：{problem}"
            continue
        stored.append({"id": row["id"], "name": row["name"]})
    return stored


def initial_values(fields: list[dict]) -> dict:
    return {f["name"]: [] if f["type"] == "file" else "" for f in fields}
