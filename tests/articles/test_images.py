"""Lead images: checked at upload, stripped of metadata, rendered once in several widths (images.py)."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import images
from articles.models import Article
from tests.articles.test_admin import ADD_URL, article_form
from tests.factories import EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo(width=1400, height=700, image_format="JPEG", with_location=True) -> bytes:
    image = Image.new("RGB", (width, height), (30, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    if with_location:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (53.0, 54.0, 0.0), 3: "E", 4: (27.0, 34.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, exif=exif)
    return buffer.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_with_image(client, image_file, **fields):
    client.force_login(EditorFactory())
    data = article_form(
        SectionFactory(),
        lead_image=image_file,
        lead_image_alt="Delegates at a long table",
        lead_image_credit="Photo: Tribune",
    )
    data.update(fields)
    return client.post(ADD_URL, data)


def stored_files(media_root) -> list[str]:
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def test_an_uploaded_image_gets_its_dimensions_and_renditions(client, media_root):
    response = post_with_image(client, upload(photo(1400, 700)))

    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.lead_image_width, article.lead_image_height) == (1400, 700)
    assert sorted(article.lead_image_renditions, key=int) == ["480", "800", "1200", "1400"]
    for width, name in article.lead_image_renditions.items():
        with Image.open(media_root / name) as rendition:
            assert rendition.width == int(width)
            assert rendition.height == round(700 * int(width) / 1400)


def test_an_image_narrower_than_the_widest_rendition_is_offered_at_its_own_width_too(client):
    post_with_image(client, upload(photo(1000, 500)))

    assert sorted(Article.objects.get().lead_image_renditions, key=int) == ["480", "800", "1000"]


def test_location_and_camera_data_are_stripped_from_every_stored_file(client, media_root):
    post_with_image(client, upload(photo()))

    names = stored_files(media_root)
    assert len(names) == 5  # the image and four renditions
    for name in names:
        with Image.open(media_root / name) as stored:
            assert dict(stored.getexif()) == {}
            assert "exif" not in stored.info


def test_the_exif_orientation_is_applied_before_it_is_dropped():
    image = Image.new("RGB", (800, 400))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)

    cleaned = images.clean_upload(upload(buffer.getvalue()))

    with Image.open(cleaned) as result:
        assert result.size == (400, 800)
        assert dict(result.getexif()) == {}


def test_the_article_page_serves_the_renditions_through_srcset_and_shares_the_image(client):
    post_with_image(client, upload(photo(1400, 700)))
    article = Article.objects.get()

    html = client.get(article.get_absolute_url()).content.decode()

    srcset = re.search(r'<figure class="lead-image">\s*<img src="([^"]+)" srcset="([^"]+)"', html)
    assert srcset.group(1) == f"/media/{article.lead_image_renditions['1200']}"
    assert [entry.split()[1] for entry in srcset.group(2).split(", ")] == ["480w", "800w", "1200w", "1400w"]
    assert 'alt="Delegates at a long table"' in html
    assert '<span class="credit">Photo: Tribune</span>' in html
    share = f"http://testserver/media/{article.lead_image_renditions['1200']}"
    assert f'<meta property="og:image" content="{share}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert share in data["image"]


@pytest.mark.parametrize(
    "content,name,message",
    [
        (
            b"GIF89a definitely not an image",
            "fake.jpg",
            "Upload a valid image.",
        ),
        (b"hello, world", "notes.jpg", "Upload a valid image."),
        ("gif", "anim.gif", "This is a GIF file; upload a JPEG, PNG or WebP image."),
        ("tiny", "tiny.jpg", "The image is 200 pixels wide; a lead image needs at least 320."),
    ],
    ids=["truncated", "text", "gif", "too-narrow"],
)
def test_a_bad_file_gets_a_clear_error_and_nothing_is_stored(client, media_root, content, name, message):
    if content == "gif":
        content = photo(image_format="GIF", with_location=False)
    elif content == "tiny":
        content = photo(200, 100)

    response = post_with_image(client, upload(content, name=name))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["lead_image"]
    assert len(errors) == 1 and errors[0].startswith(message)
    assert not Article.objects.exists()
    assert stored_files(media_root) == []


def test_an_image_over_the_size_limit_is_refused(client, media_root, monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 1000)

    response = post_with_image(client, upload(photo()))

    assert (
        response.context["adminform"].form.errors["lead_image"][0].endswith("; the limit is 1000\xa0bytes.")
    )
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"lead_image_alt": ""}, "lead_image_alt", "Describe the image for readers who cannot see it."),
        (
            {"lead_image_credit": "", "lead_image_caption": ""},
            "lead_image_credit",
            "Give the image a caption or a credit.",
        ),
    ],
    ids=["alt", "credit"],
)
def test_an_image_needs_alt_text_and_a_caption_or_credit(client, media_root, fields, field, message):
    response = post_with_image(client, upload(photo()), **fields)

    assert response.context["adminform"].form.errors[field] == [message]
    assert not Article.objects.exists()
    assert stored_files(media_root) == []


def test_replacing_the_image_removes_the_old_renditions(
    client, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_with_image(client, upload(photo(1400, 700)))
    article = Article.objects.get()
    old = set(article.lead_image_renditions.values())
    data = article_form(
        article.section,
        slug=article.slug,
        lead_image=upload(photo(900, 600), name="second.jpg"),
        lead_image_alt="Another view",
        lead_image_credit="Photo: Tribune",
        **{"byline_set-TOTAL_FORMS": "0"},
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/articles/article/{article.pk}/change/", data)

    article.refresh_from_db()
    assert sorted(article.lead_image_renditions, key=int) == ["480", "800", "900"]
    assert not old & set(stored_files(media_root))
