"""Uploads: real images re-encoded without metadata, thumbnails, PDFs by magic bytes, lies refused."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from PIL import Image

from editions.models import Phase
from proposals import services
from proposals.uploads import process_upload

from .factories import PDF_BYTES, cast, image_bytes, make_edition, make_proposal, upload

pytestmark = pytest.mark.django_db


def _open(content_file) -> Image.Image:
    content_file.seek(0)
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


def test_a_jpeg_is_re_encoded_without_exif_and_gets_a_thumbnail():
    original = image_bytes(size=(3000, 2000))
    assert b"SecretCameraMaker" in original
    processed = process_upload(upload("photo.JPG", original))
    full, thumb = _open(processed.file), _open(processed.thumbnail)
    assert full.format == "JPEG" and max(full.size) == 2048
    assert not full.getexif() and "exif" not in full.info
    processed.file.seek(0)
    assert b"SecretCameraMaker" not in processed.file.read()
    assert max(thumb.size) == 400
    assert processed.original_name == "photo.JPG" and processed.kind == "image"


def test_a_png_with_transparency_stays_png():
    image = Image.new("RGBA", (50, 50), (255, 0, 0, 128))
    data = io.BytesIO()
    image.save(data, "PNG")
    processed = process_upload(upload("a.png", data.getvalue(), "image/png"))
    assert _open(processed.file).format == "PNG"


@pytest.mark.parametrize(
    "name, content",
    [
        ("photo.jpg", b"<script>alert(1)</script>"),
        ("photo.png", PDF_BYTES),
        ("doc.pdf", image_bytes()),
        ("doc.pdf", b"MZ\x90\x00 not a pdf"),
        ("run.exe", b"MZ\x90\x00"),
        ("page.html", b"<html></html>"),
        ("photo.jpg", image_bytes()[:200]),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(name, content):
    with pytest.raises(ValidationError):
        process_upload(upload(name, content))


def test_a_pdf_is_accepted_by_its_magic_bytes():
    processed = process_upload(upload("смета.pdf", PDF_BYTES, "application/pdf"))
    assert processed.kind == "document" and processed.thumbnail is None and processed.file.name.endswith(".pdf")


@override_settings(PROPOSAL_MAX_UPLOAD_MB=1)
def test_too_large_files_are_refused():
    with pytest.raises(ValidationError):
        process_upload(upload("big.pdf", PDF_BYTES + b"0" * (1024 * 1024)))


@override_settings(PROPOSAL_MAX_ATTACHMENTS=1)
def test_the_attachment_limit_and_only_the_author_adds():
    edition = make_edition(phase=Phase.PROPOSALS)
    people = cast(edition)
    proposal = make_proposal(edition, author=people["resident"])
    with pytest.raises(PermissionDenied):
        services.add_attachment(proposal=proposal, actor=people["neighbour"], upload=upload("a.jpg", image_bytes()))
    attachment = services.add_attachment(
        proposal=proposal, actor=people["resident"], upload=upload("a.jpg", image_bytes())
    )
    assert attachment.thumbnail and attachment.width == 1200
    with pytest.raises(ValidationError):
        services.add_attachment(proposal=proposal, actor=people["resident"], upload=upload("b.jpg", image_bytes()))


def test_an_image_with_too_many_pixels_is_refused_before_decoding(monkeypatch):
    from proposals import uploads

    monkeypatch.setattr(uploads, "MAX_PIXELS", 100 * 100)
    with pytest.raises(ValidationError):
        process_upload(upload("huge.png", image_bytes("PNG", size=(200, 200)), "image/png"))
