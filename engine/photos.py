"""A villager's photo without what its file says about them. Phone photos carry EXIF: the GPS
position where it was taken (often the reporter's home), the device, the time; PNG text chunks can
carry more. A complaint's reporter is known only to the discipline office, so the photos the
handling unit sees are stored as the picture alone: turned upright as EXIF says, saved again
without any metadata. Pillow comes with fpdf2 (the dossier PDFs)."""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from .errors import InvalidData

MAX_PIXELS = 50_000_000          # a decompression bomb is refused, not decoded
FORMATS = {"JPEG": "jpg", "PNG": "png"}
MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}    # how a JPEG or PNG file begins


def is_photo(data: bytes) -> bool:
    return data.startswith(tuple(MAGIC))


def bare_photo(name: str, data: bytes) -> bytes:
    """`without_metadata` for a form's photos field: InvalidData naming the file if it cannot be read."""
    try:
        return without_metadata(data)
    except ValueError as exc:
        raise InvalidData("照片无法读取", {"photos": f"{name}：{exc}"}) from None


def without_metadata(data: bytes) -> bytes:
    """The picture of a JPEG or PNG file, upright, with no metadata; ValueError for anything else."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            if kind not in FORMATS or image.width * image.height > MAX_PIXELS:
                raise ValueError("只能上传 JPG 或 PNG 照片（不超过 5000 万像素）")
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "JPEG":
                upright.convert("RGB").save(out, "JPEG", quality=90)
            else:
                upright.save(out, "PNG")
            return out.getvalue()
    except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning, SyntaxError) as exc:
        raise ValueError("照片无法读取（文件已损坏或不是照片）") from exc
