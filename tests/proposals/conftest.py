from __future__ import annotations

import io

import pytest
from PIL import Image

from tests import factories


@pytest.fixture
def make_proposal(app):
    return factories.make_proposal


@pytest.fixture
def make_comment(app):
    return factories.make_comment


@pytest.fixture
def make_supports(app):
    return factories.make_supports


@pytest.fixture
def set_rules(app):
    return factories.set_proposal_rules


def jpeg_with_gps(size=(64, 48), color=(200, 80, 40)) -> bytes:
    """A JPEG whose EXIF holds a GPS position (Paris) and a camera model, as phones write them."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 24.0)
    gps[3] = "E"
    gps[4] = (2.0, 21.0, 7.0)
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif)
    return output.getvalue()


def png_bytes(size=(32, 32), mode="RGBA") -> bytes:
    image = Image.new(mode, size, (10, 120, 200, 128) if mode == "RGBA" else (10, 120, 200))
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


@pytest.fixture
def photo_bytes():
    return jpeg_with_gps
