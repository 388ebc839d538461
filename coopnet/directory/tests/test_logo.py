import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from coopnet.audit.models import AuditEvent
from coopnet.directory.forms import CoopProfileForm
from coopnet.directory.tests.test_coop_edit import as_posted
from coopnet.directory.validators import check_logo

SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 111, 80)).save(buffer, format=image_format)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_logo(client, coop, file, **extra):
    data = as_posted(CoopProfileForm(instance=coop)) | extra
    if file is not None:
        data["logo"] = file
    return client.post(reverse("directory:coop_edit", args=[coop.slug]), data)


# --- the checks themselves -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")]
)
def test_it_accepts_png_jpeg_and_webp(image_format, extension):
    assert check_logo(upload("logo.bin", image_bytes(image_format))) == extension


def test_it_refuses_a_fake_png():
    with pytest.raises(ValidationError, match="not an image we can read"):
        check_logo(upload("logo.png", b"this is plain text pretending to be a PNG file"))


def test_it_refuses_a_truncated_png():
    with pytest.raises(ValidationError, match="not an image we can read"):
        check_logo(upload("logo.png", image_bytes()[:60]))


def test_it_refuses_svg_because_it_can_carry_scripts():
    with pytest.raises(ValidationError, match="SVG logos are not accepted"):
        check_logo(upload("logo.svg", SVG, "image/svg+xml"))


def test_it_refuses_svg_even_when_named_png():
    with pytest.raises(ValidationError, match="SVG logos are not accepted"):
        check_logo(upload("logo.png", SVG))


def test_it_refuses_other_image_formats():
    with pytest.raises(ValidationError, match="GIF images are not accepted"):
        check_logo(upload("logo.gif", image_bytes("GIF"), "image/gif"))


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.LOGO_MAX_BYTES = 100
    content = image_bytes(size=(200, 200))
    assert len(content) > 100
    with pytest.raises(ValidationError, match="a logo may be at most 100"):
        check_logo(upload("logo.png", content))


def test_it_refuses_an_image_over_4000_pixels_wide():
    with pytest.raises(ValidationError, match="4001×10 pixels"):
        check_logo(upload("wide.png", image_bytes(size=(4001, 10))))


# --- uploading through the edit page ---------------------------------------------------------


def test_it_stores_an_uploaded_logo_under_the_coops_slug(client, coop, member, media_root):
    client.force_login(member)
    response = post_logo(client, coop, upload("My Logo.PNG", image_bytes()))
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.logo.name.startswith("logos/hedgerow-digital")
    assert coop.logo.name.endswith(".png")
    assert (media_root / coop.logo.name).is_file()
    with Image.open(media_root / coop.logo.name) as stored:
        assert stored.size == (40, 20)
    event = AuditEvent.objects.for_object(coop).get()
    assert event.changes["logo"][0] == ""
    assert "hedgerow-digital" in event.changes["logo"][1]
    assert "logo" in coop.self_edited_fields


def test_it_names_the_stored_file_after_what_it_really_is(client, coop, member):
    client.force_login(member)
    post_logo(client, coop, upload("logo.html", image_bytes("JPEG"), "text/html"))
    coop.refresh_from_db()
    assert coop.logo.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"not really a PNG at all", "not an image we can read"),
        ("logo.svg", SVG, "SVG logos are not accepted"),
    ],
)
def test_it_explains_a_refused_logo_and_keeps_the_rest(
    client, coop, member, name, content, message
):
    client.force_login(member)
    response = post_logo(client, coop, upload(name, content), locality="Leeds")
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["logo"])
    page = response.content.decode()
    assert 'value="Leeds"' in page
    assert "choose your logo" in page  # the file input cannot be refilled: say so
    coop.refresh_from_db()
    assert not coop.logo
    assert coop.locality == "Sheffield"


def test_it_refuses_an_oversize_logo_on_the_page(client, coop, member, settings):
    settings.LOGO_MAX_BYTES = 200
    client.force_login(member)
    response = post_logo(client, coop, upload("big.png", image_bytes(size=(300, 300))))
    assert response.status_code == 200
    assert "a logo may be at most 200" in response.context["form"].errors["logo"][0]


def test_it_removes_the_logo_when_asked(client, coop, member):
    client.force_login(member)
    post_logo(client, coop, upload("logo.png", image_bytes()))
    coop.refresh_from_db()
    assert coop.logo
    response = post_logo(client, coop, None, remove_logo="on")
    assert response.status_code == 302
    coop.refresh_from_db()
    assert not coop.logo
    last = AuditEvent.objects.for_object(coop).first()
    assert last.changes["logo"][1] == ""


def test_it_keeps_the_logo_when_nothing_is_uploaded(client, coop, member):
    client.force_login(member)
    post_logo(client, coop, upload("logo.png", image_bytes()))
    coop.refresh_from_db()
    name = coop.logo.name
    post_logo(client, coop, None, locality="York")
    coop.refresh_from_db()
    assert coop.logo.name == name
    assert coop.locality == "York"


@pytest.mark.parametrize("username", ["outsider", "othermember"])
def test_it_refuses_a_logo_from_outside_the_coop(client, coop, outsider, other_member, username):
    client.login(username=username, password="correct horse 42")
    response = post_logo(client, coop, upload("logo.png", image_bytes()))
    assert response.status_code == 403
    coop.refresh_from_db()
    assert not coop.logo


def test_it_sends_an_anonymous_logo_upload_to_sign_in(client, coop):
    response = post_logo(client, coop, upload("logo.png", image_bytes()))
    assert response.status_code == 302
    coop.refresh_from_db()
    assert not coop.logo
