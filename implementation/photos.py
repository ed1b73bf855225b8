"""Photos are decoded and re-encoded with Pillow: a real image, upright, without EXIF (GPS, camera), at most
2000 px wide, as JPEG. Anything Pillow cannot read is refused."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024
MAX_SIDE = 2000
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs early


def reencode(upload) -> ContentFile:
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The photo is larger than 15 MB."))
    try:
        data = upload.read()
        Image.open(io.BytesIO(data)).verify()
        image = Image.open(io.BytesIO(data))
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not a photo we can read (JPEG, PNG or WebP).")) from error
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
