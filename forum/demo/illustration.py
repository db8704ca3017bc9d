"""The demo article's lead image, drawn with Pillow so that nothing is downloaded or shipped as a binary."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 900


def horizon_illustration(name: str = "demo-illustration.jpg") -> SimpleUploadedFile:
    """A pale sky over three muted bands (red, green, blue) crossed by a white line, as its alt text says."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT // 2):  # sky: a vertical gradient from pale grey to pale blue
        shade = y / (HEIGHT // 2)
        draw.line(
            [(0, y), (WIDTH, y)], fill=(int(226 - 30 * shade), int(230 - 20 * shade), int(236 - 4 * shade))
        )
    bands = [(164, 58, 58), (70, 120, 84), (54, 86, 140)]
    band_height = (HEIGHT - HEIGHT // 2) // len(bands)
    for index, colour in enumerate(bands):
        top = HEIGHT // 2 + index * band_height
        draw.rectangle([(0, top), (WIDTH, top + band_height)], fill=colour)
    draw.line([(0, int(HEIGHT * 0.72)), (WIDTH, int(HEIGHT * 0.62))], fill=(250, 250, 250), width=14)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
