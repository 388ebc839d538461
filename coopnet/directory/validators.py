"""Checks on a co-op's profile that the model's own field validation does not make.

`coop_edit_errors` holds the rules that join several fields or need today's date or a code
list; every way of editing a co-op (the profile page, the API, the admin) calls it, through
`coop_update` or `CoopRulesMixin`. The logo checks make sure an upload is a real PNG, JPEG or
WebP image, small enough to serve as it is. SVG is refused on purpose: an SVG file is a
document that can carry scripts, and a logo is served from our own domain.
"""

from collections.abc import Collection

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from coopnet.directory.models import Coop

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


def is_language_code(code: object) -> bool:
    """An ISO 639 code as the profile stores it: two letters (639-1) or three (639-3)."""
    if not isinstance(code, str):
        return False
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return len(code) == 3 and pycountry.languages.get(alpha_3=code) is not None


def coop_edit_errors(coop: Coop, changed: Collection[str]) -> dict[str, list[str]]:
    """The messages, by field, of the rules that `coop` as it would be saved breaks.

    `coop` carries the new values; `changed` names the fields the edit changed. A rule is
    checked only when one of its fields changed, so that a value an import stored, or a date
    that has since passed, never blocks someone who came to fix their phone number. The
    values must already be of their field's type (after `full_clean` or a form's cleaning).
    """
    changed = set(changed)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    today = timezone.localdate()
    if {"availability", "booked_until"} & changed and (
        coop.availability == Coop.Availability.FULLY_BOOKED
    ):
        if coop.booked_until is None:
            add(
                "booked_until",
                _("Say until when you are fully booked, so clients know when to ask."),
            )
        elif coop.booked_until <= today:
            add(
                "booked_until",
                _(
                    "This date has passed. "
                    "Choose a date in the future, or change your availability."
                ),
            )

    owners, workers = coop.worker_owners, coop.workers
    if (
        {"worker_owners", "workers"} & changed
        and owners is not None
        and workers is not None
        and workers < owners
    ):
        add(
            "workers",
            _("Workers include the worker-owners, so there must be at least %(owners)s.")
            % {"owners": owners},
        )

    if "founded_on" in changed and coop.founded_on is not None and coop.founded_on > today:
        add("founded_on", _("The founding date cannot be in the future."))

    joined_on, left_on = coop.joined_on, coop.left_on
    if {"joined_on", "left_on"} & changed and joined_on and left_on and left_on < joined_on:
        add(
            "left_on",
            _("The co-op cannot leave before it joined (%(joined)s).")
            % {"joined": joined_on.isoformat()},
        )

    low, high = coop.day_rate_min, coop.day_rate_max
    if (
        {"day_rate_min", "day_rate_max"} & changed
        and low is not None
        and high is not None
        and low > high
    ):
        add(
            "day_rate_max",
            _("The highest day rate must be at least the lowest (%(low)s).") % {"low": low},
        )

    if "country" in changed and coop.country and not pycountry.countries.get(alpha_2=coop.country):
        add(
            "country",
            _("“%(code)s” is not an ISO 3166 country code. Use two letters, such as GB.")
            % {"code": coop.country},
        )

    currency = coop.day_rate_currency
    if (
        "day_rate_currency" in changed
        and currency
        and not pycountry.currencies.get(alpha_3=currency)
    ):
        add(
            "day_rate_currency",
            _("“%(code)s” is not an ISO 4217 currency code. Use three letters, such as GBP.")
            % {"code": currency},
        )

    if "languages" in changed:
        languages = coop.languages or []
        if not isinstance(languages, list):
            add("languages", _("Languages must be a list of ISO 639 codes, such as en or cy."))
            languages = []
        unknown = [str(code) for code in languages if not is_language_code(code)]
        if unknown:
            add(
                "languages",
                _("%(codes)s: not ISO 639 language codes. Use codes such as en or cy.")
                % {"codes": ", ".join(unknown)},
            )

    latitude, longitude = coop.latitude, coop.longitude
    if "latitude" in changed and latitude is not None and not -90 <= latitude <= 90:
        add("latitude", _("Latitude must be between -90 and 90."))
    if "longitude" in changed and longitude is not None and not -180 <= longitude <= 180:
        add("longitude", _("Longitude must be between -180 and 180."))
    return errors
