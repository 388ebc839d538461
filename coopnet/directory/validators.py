"""Checks on uploaded logos: a real PNG, JPEG or WebP image, small enough to serve as it is.

SVG is refused on purpose: an SVG file is a document that can carry scripts, and a logo is
served from our own domain.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

# Pillow's name for the format -> the file extension the stored logo gets.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
LOGO_CONTENT_TYPES = "image/png,image/jpeg,image/webp"
LOGO_MAX_SIDE = 4000


def _looks_like_svg(file) -> bool:
    name = (getattr(file, "name", "") or "").lower()
    content_type = (getattr(file, "content_type", "") or "").lower()
    file.seek(0)
    head = file.read(1024).lstrip().lower()
    file.seek(0)
    return (
        name.endswith((".svg", ".svgz"))
        or "svg" in content_type
        or head.startswith(b"<?xml")
        or b"<svg" in head
    )


def check_logo(file) -> str:
    """Raise ValidationError unless `file` is an acceptable logo; return its true extension.

    The extension comes from the image's content, never from the uploaded name, so that a file
    is always served with the type it really has.
    """
    size = getattr(file, "size", None)
    if size is not None and size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s; a logo may be at most %(max)s. Please upload a smaller one.")
            % {"size": filesizeformat(size), "max": filesizeformat(settings.LOGO_MAX_BYTES)},
            code="logo_too_large",
        )
    if _looks_like_svg(file):
        raise ValidationError(
            _(
                "SVG logos are not accepted because they can carry scripts. "
                "Please upload a PNG, JPEG or WebP image."
            ),
            code="logo_svg",
        )
    try:
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            # verify() reads the whole file: a truncated or fake image fails here.
            image.verify()
    except Image.DecompressionBombError as error:
        raise ValidationError(
            _("This image is far too large. A logo may be at most %(side)s×%(side)s pixels.")
            % {"side": LOGO_MAX_SIDE},
            code="logo_dimensions",
        ) from error
    except Exception as error:  # Pillow raises many kinds of errors on bad input
        raise ValidationError(
            _("This file is not an image we can read. Please upload a PNG, JPEG or WebP image."),
            code="logo_invalid",
        ) from error
    finally:
        file.seek(0)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Please upload a PNG, JPEG or WebP image.")
            % {"format": image_format or _("This kind of")},
            code="logo_format",
        )
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise ValidationError(
            _(
                "This image is %(width)s×%(height)s pixels; a logo may be at most "
                "%(side)s×%(side)s. Please make it smaller."
            )
            % {"width": width, "height": height, "side": LOGO_MAX_SIDE},
            code="logo_dimensions",
        )
    return LOGO_FORMATS[image_format]


def validate_logo(file) -> None:
    """The same checks as `check_logo`, in the shape of a field validator."""
    if file and not getattr(file, "_committed", False):
        check_logo(file)
