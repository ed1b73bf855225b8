"""Checking and storing photos and documents: nothing is kept as uploaded except PDFs checked by magic bytes.

Photos are decoded by Pillow (which refuses anything that is not really an image), re-encoded as JPEG (or PNG
when they have transparency) from the pixels only, so EXIF, GPS and other metadata are dropped, rotated
upright from the EXIF orientation first, scaled down to at most MAX_SIDE pixels, and get a thumbnail.
"""

import io
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import conf

MAX_SIDE = 2048
THUMB_SIDE = 400
# Guard against decompression bombs: Pillow raises above this many pixels.
MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
PDF_MAGIC = b"%PDF-"


@dataclass
class Processed:
    kind: str  # "image" or "document"
    file: ContentFile
    thumbnail: ContentFile | None
    original_name: str
    size: int
    width: int | None = None
    height: int | None = None


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _safe_name(name: str) -> str:
    """The uploader's file name for display only (stored files get random names)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200] or "file"


def _encode(image: Image.Image, *, side: int) -> tuple[bytes, str, int, int]:
    image = image.copy()
    image.thumbnail((side, side))
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    out = io.BytesIO()
    if has_alpha:
        image = image.convert("RGBA")
        # A fresh image carries no metadata: only the pixels are copied.
        clean = Image.new("RGBA", image.size)
        clean.paste(image)
        clean.save(out, "PNG", optimize=True)
        return out.getvalue(), ".png", clean.width, clean.height
    image = image.convert("RGB")
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), ".jpg", clean.width, clean.height


def _process_image(upload, name: str) -> Processed:
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()  # structure check; the image must be reopened after verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                raise ValidationError(_("Photos must be JPEG, PNG, WebP or GIF images."))
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            image.load()
            image = ImageOps.exif_transpose(image)
            full, ext, width, height = _encode(image, side=MAX_SIDE)
            thumb, thumb_ext, _w, _h = _encode(image, side=THUMB_SIDE)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError) as error:
        raise ValidationError(_("“%(name)s” is not a photo we can read.") % {"name": name}) from error
    stem = uuid.uuid4().hex
    return Processed(
        kind="image",
        file=ContentFile(full, name=f"{stem}{ext}"),
        thumbnail=ContentFile(thumb, name=f"{stem}-thumb{thumb_ext}"),
        original_name=name,
        size=len(full),
        width=width,
        height=height,
    )


def _process_pdf(upload, name: str) -> Processed:
    upload.seek(0)
    head = upload.read(1024)
    if not head.startswith(PDF_MAGIC):
        raise ValidationError(_("“%(name)s” is not a PDF document.") % {"name": name})
    upload.seek(0)
    data = upload.read()
    return Processed(
        kind="document",
        file=ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"),
        thumbnail=None,
        original_name=name,
        size=len(data),
    )


def process_upload(upload) -> Processed:
    """Check one uploaded file and return what to store, or raise ValidationError with a message for the form."""
    name = _safe_name(upload.name or "")
    if upload.size > conf.max_upload_bytes():
        raise ValidationError(
            _("“%(name)s” is too large: at most %(mb)d MB.") % {"name": name, "mb": conf.max_upload_bytes() // 2**20}
        )
    ext = _extension(name)
    if ext == ".pdf":
        return _process_pdf(upload, name)
    if ext in IMAGE_EXTENSIONS:
        return _process_image(upload, name)
    raise ValidationError(
        _("“%(name)s”: only photos (JPEG, PNG, WebP, GIF) and PDF documents are accepted.") % {"name": name}
    )
