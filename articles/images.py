"""Lead images: checking an upload, stripping its metadata, and making its renditions once, at upload."""

from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format -> file extension. GIF, TIFF, BMP, SVG and the rest are refused.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # well below Pillow's decompression-bomb limit
MIN_WIDTH = 320
RENDITION_WIDTHS = (480, 800, 1200, 1600)


def clean_upload(upload) -> ContentFile:
    """Check an uploaded file and return it re-encoded without metadata (EXIF, GPS, XMP, comments), turned
    upright as its EXIF orientation said. Raise ValidationError, storing nothing, for anything else."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            if image_format not in FORMATS:
                raise ValidationError(
                    _("This is a %(format)s file; upload a JPEG, PNG or WebP image.")
                    % {"format": image_format or _("an unknown")},
                    code="format",
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    _("The image is %(width)d × %(height)d pixels; at most 40 megapixels are accepted.")
                    % {"width": probe.width, "height": probe.height},
                    code="too_many_pixels",
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a readable image, or it is damaged; upload a JPEG, PNG or WebP image."),
            code="unreadable",
        ) from None
    if upright.width < MIN_WIDTH:
        raise ValidationError(
            _("The image is %(width)d pixels wide; a lead image needs at least %(min)d.")
            % {"width": upright.width, "min": MIN_WIDTH},
            code="too_small",
        )
    stem = slugify(PurePosixPath(upload.name).stem)[:60] or "image"
    return ContentFile(encode(upright, image_format), name=f"{stem}.{FORMATS[image_format]}")


def encode(image: Image.Image, image_format: str) -> bytes:
    """Encode pixels only: no EXIF, XMP, text chunks or comments are passed on."""
    if image_format == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    if image_format != "JPEG" and image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    options = {"JPEG": {"quality": 85, "optimize": True, "progressive": True}, "WEBP": {"quality": 82}}
    icc_profile = image.info.get("icc_profile")  # colour, not location: keep it
    buffer = BytesIO()
    image.save(
        buffer,
        format=image_format,
        **options.get(image_format, {"optimize": True}),
        **({"icc_profile": icc_profile} if icc_profile else {}),
    )
    return buffer.getvalue()


def make_renditions(field_file) -> dict[str, str]:
    """Store a copy of the image for each rendition width below its own (and the image itself when it is
    narrower than the widest), and return {width: storage name} for `srcset`."""
    storage = field_file.storage
    with field_file.open("rb") as source, Image.open(source) as image:
        image.load()
        image_format = image.format
        base = PurePosixPath(field_file.name)
        renditions: dict[str, str] = {}
        widths = [w for w in RENDITION_WIDTHS if w < image.width]
        if image.width < RENDITION_WIDTHS[-1]:
            widths.append(image.width)
        for width in widths:
            height = max(1, round(image.height * width / image.width))
            resized = (
                image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
            )
            name = storage.save(
                str(base.with_name(f"{base.stem}-{width}w{base.suffix}")),
                ContentFile(encode(resized, image_format)),
            )
            renditions[str(width)] = name
    return renditions


def delete_renditions(storage, renditions: dict[str, str]) -> None:
    for name in renditions.values():
        storage.delete(name)
