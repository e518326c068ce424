"""Visitors' photos for the demo, painted with Pillow and NumPy: nothing is downloaded.

Each picture is a scene of the island (a beach, a volcano, a white village, the
harbour, a sea cave, the salt pans) under a sky that depends on the hour, with
hills, waves and houses placed by a seeded generator, so that the same seed
always gives the same picture and no two seeds give the same one (the media
pipeline would flag near-duplicates). A little sensor noise makes them
encode like photographs. The JPEG carries EXIF as a phone writes it: the date
taken, a camera, and (when asked) the GPS position, which the pipeline reads
for the record and strips from every public file.

Written here because photo-like test pictures with EXIF GPS are a few dozen
lines of drawing; no maintained library makes them.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter, ImageOps
from PIL.TiffImagePlugin import IFDRational

SCENES = ("beach", "volcano", "village", "harbour", "cave", "saltpans", "lagoon")
SIZE = (960, 640)  # a phone's 3:2, scaled down so that the demo seeds fast; portraits turned
SKY_SCALE = 4  # the sky is smooth: painted at a quarter of the size, then enlarged
_GPS_IFD, _EXIF_IFD = 0x8825, 0x8769
_MAKE, _MODEL, _SOFTWARE, _DATETIME = 0x010F, 0x0110, 0x0131, 0x0132
_ORIGINAL, _DIGITIZED = 0x9003, 0x9004
CAMERAS = (("Isla", "Clara One"), ("Isla", "Clara Pro"), ("Faro", "F2"), ("Marea", "M11"))

Colour = tuple[int, int, int]
Rgb = npt.NDArray[np.float32]

#: Skies by the hour: (position from the top, colour) stops down to the horizon.
SKIES: dict[str, tuple[tuple[float, Colour], ...]] = {
    "day": ((0.0, (38, 104, 186)), (0.7, (120, 176, 226)), (1.0, (196, 224, 240))),
    "golden": ((0.0, (58, 92, 160)), (0.6, (196, 164, 150)), (1.0, (250, 196, 120))),
    "sunset": (
        (0.0, (42, 40, 98)),
        (0.5, (176, 84, 110)),
        (0.85, (242, 128, 74)),
        (1.0, (255, 204, 120)),
    ),
    "hazy": ((0.0, (120, 150, 180)), (1.0, (222, 222, 214))),
}


def scene_for(place_kind: str) -> tuple[str, ...]:
    """The scenes that suit a kind of place (catalogue ``PLACES``)."""
    return {
        "beach": ("beach", "beach", "lagoon"),
        "village": ("village",),
        "volcano": ("volcano",),
        "cave": ("cave",),
        "harbour": ("harbour",),
        "viewpoint": ("beach", "volcano", "village"),
        "saltpans": ("saltpans",),
        "lagoon": ("lagoon", "beach"),
        "lava": ("volcano",),
    }.get(place_kind, SCENES)


def landscape(scene: str, seed: int, *, portrait: bool = False) -> Image.Image:
    """A photo-like picture of ``scene``; the same seed gives the same picture."""
    if scene not in SCENES:
        raise ValueError(f"Unknown scene {scene!r}; choose one of {', '.join(SCENES)}")
    rng = np.random.default_rng([seed, SCENES.index(scene)])
    width, height = SIZE[::-1] if portrait else SIZE
    painter = _Painter(rng, width, height)
    getattr(painter, scene)()
    return painter.finish()


def photo_jpeg(
    scene: str,
    seed: int,
    *,
    taken_at: dt.datetime,
    gps: tuple[float, float] | None = None,
    portrait: bool = False,
    quality: int = 88,
) -> bytes:
    """The scene as a camera's JPEG: EXIF date taken and camera, and GPS when given."""
    if gps is not None:
        latitude, longitude = gps
        if not (abs(latitude) <= 90 and abs(longitude) <= 180):
            raise ValueError(f"GPS position out of range: {gps!r}")
    image = landscape(scene, seed, portrait=portrait)
    exif = Image.Exif()
    make, model = CAMERAS[seed % len(CAMERAS)]
    stamp = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    exif[_MAKE], exif[_MODEL], exif[_DATETIME] = make, model, stamp
    exif.get_ifd(_EXIF_IFD).update({_ORIGINAL: stamp, _DIGITIZED: stamp})
    if gps is not None:
        exif.get_ifd(_GPS_IFD).update(
            {
                0: b"\x02\x03\x00\x00",
                1: "N" if latitude >= 0 else "S",
                2: _dms(latitude),
                3: "E" if longitude >= 0 else "W",
                4: _dms(longitude),
            }
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def _dms(degrees: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Degrees, minutes and seconds as EXIF rationals, to a thousandth of a second."""
    thousandths = round(abs(degrees) * 3_600_000)
    whole, rest = divmod(thousandths, 3_600_000)
    minutes, seconds = divmod(rest, 60_000)
    return (IFDRational(whole, 1), IFDRational(minutes, 1), IFDRational(seconds, 1000))


class _Painter:
    """Paints on a float RGB array (gradients, glows) and a Pillow canvas (shapes)."""

    def __init__(self, rng: np.random.Generator, width: int, height: int) -> None:
        self.rng = rng
        self.width, self.height = width, height
        self.horizon = int(height * rng.uniform(0.38, 0.52))
        self.hour = str(rng.choice(list(SKIES), p=[0.55, 0.2, 0.15, 0.1]))
        self.sun = (
            float(rng.uniform(0.1, 0.9) * width),
            float(self.horizon * (rng.uniform(0.55, 0.9) if self.hour != "day" else 0.3)),
        )
        self.image = self._sky()
        self.draw = ImageDraw.Draw(self.image)

    # ---------------------------------------------------------------- helpers

    def _gradient(
        self, rows: int, stops: tuple[tuple[float, Colour], ...], width: int | None = None
    ) -> Rgb:
        where = np.linspace(0.0, 1.0, rows)
        positions = [p for p, _c in stops]
        column = np.stack(
            [np.interp(where, positions, [c[k] for _p, c in stops]) for k in range(3)], axis=1
        )
        shape = (rows, width or self.width, 3)
        return np.broadcast_to(column[:, None, :], shape).astype(np.float32)

    def _sky(self) -> Image.Image:
        """The sky's gradient, the sun's glow and clouds, painted small and enlarged (all soft)."""
        scale = SKY_SCALE
        width, height = -(-self.width // scale), -(-self.height // scale)
        horizon = max(1, round(self.horizon / scale))
        sky = np.empty((height, width, 3), dtype=np.float32)
        sky[:horizon] = self._gradient(horizon, SKIES[self.hour], width)
        sky[horizon:] = sky[horizon - 1]
        y, x = np.ogrid[:height, :width]
        sun_x, sun_y = self.sun[0] / scale, self.sun[1] / scale
        distance = np.hypot(x - sun_x, y - sun_y) * (scale / self.height)
        glow = np.exp(-distance / (0.09 if self.hour == "day" else 0.16))[..., None]
        warm = np.array((255, 236, 190) if self.hour == "day" else (255, 186, 110), np.float32)
        sky = sky * (1 - 0.55 * glow) + warm * 0.55 * glow
        self._clouds(sky, scale)
        small = Image.fromarray(np.clip(sky, 0, 255).astype(np.uint8))
        image = small.resize((self.width, self.height), Image.Resampling.BILINEAR)
        radius = 0.035 * self.height
        ImageDraw.Draw(image).ellipse(
            (
                self.sun[0] - radius,
                self.sun[1] - radius,
                self.sun[0] + radius,
                self.sun[1] + radius,
            ),
            fill=(255, 248, 226),
        )
        return image

    def _clouds(self, sky: Rgb, scale: int) -> None:
        for _ in range(int(self.rng.integers(0, 6))):
            cx, cy = self.rng.uniform(0, self.width), self.rng.uniform(0.05, 0.7) * self.horizon
            rx, ry = self.rng.uniform(60, 220), self.rng.uniform(10, 30)
            cx, cy, rx, ry = cx / scale, cy / scale, rx / scale, ry / scale
            top, bottom = int(max(cy - ry * 2, 0)), int(min(cy + ry * 2, sky.shape[0]))
            left, right = int(max(cx - rx * 2, 0)), int(min(cx + rx * 2, sky.shape[1]))
            if top >= bottom or left >= right:
                continue
            y, x = np.ogrid[top:bottom, left:right]
            puff = np.exp(-(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2))[..., None] * 0.7
            part = sky[top:bottom, left:right]
            sky[top:bottom, left:right] = part * (1 - puff) + 250 * puff

    def _ridge(self, base: float, roughness: float, points: int = 64) -> list[tuple[float, float]]:
        """A hill line: a few smooth waves and some jitter, from left edge to right edge."""
        xs = np.linspace(0, self.width, points)
        ys = np.full(points, base, dtype=float)
        for scale in (1.0, 2.3, 5.1):
            phase = self.rng.uniform(0, 2 * math.pi)
            amplitude = roughness / scale * self.rng.uniform(0.5, 1.0)
            ys -= amplitude * (1 + np.sin(xs / self.width * scale * 2 * math.pi + phase)) / 2
        ys += self.rng.normal(0, roughness * 0.03, points)
        return list(zip(xs.tolist(), ys.tolist(), strict=True))

    def _fill_below(self, line: list[tuple[float, float]], colour: Colour) -> None:
        self.draw.polygon([*line, (self.width, self.height), (0, self.height)], fill=colour)

    def _shade(self, colour: Colour, factor: float) -> Colour:
        r, g, b = (min(255, max(0, round(c * factor))) for c in colour)
        return (r, g, b)

    def _jitter(self, colour: Colour, spread: int = 14) -> Colour:
        r, g, b = (int(c + self.rng.integers(-spread, spread + 1)) for c in colour)
        return (min(255, max(0, r)), min(255, max(0, g)), min(255, max(0, b)))

    def _distant_hills(self, colour: Colour = (116, 108, 112)) -> None:
        haze = self._shade(colour, 1.15 if self.hour == "day" else 0.85)
        self._fill_below(self._ridge(self.horizon, self.height * 0.12), haze)

    def _sea(self, top: int | None = None) -> None:
        top = self.horizon if top is None else top
        deep = self._jitter((20, 84, 128) if self.hour == "day" else (50, 60, 100))
        near = self._jitter((32, 120, 150) if self.hour == "day" else (90, 80, 110))
        rows = self.height - top
        sea = self._gradient(rows, ((0.0, self._shade(deep, 1.1)), (1.0, near))).astype(np.uint8)
        self.image.paste(Image.fromarray(sea), (0, top))
        light = (236, 242, 246) if self.hour == "day" else (250, 200, 150)
        for _ in range(int(rows * 0.6)):
            y = top + rows * self.rng.random() ** 1.6
            x = self.rng.uniform(0, self.width)
            length = 4 + 40 * (y - top) / rows * self.rng.random()
            self.draw.line((x, y, x + length, y), fill=self._jitter(light, 10), width=1)

    def _shore(self, sand: Colour) -> None:
        base = self.height * self.rng.uniform(0.72, 0.85)
        line = self._ridge(base, self.height * 0.08, points=32)
        foam = [(x, y - 3) for x, y in line]
        self.draw.line(foam, fill=(244, 246, 244), width=6)
        self._fill_below(line, sand)
        for _ in range(40):  # pebbles and footprints
            x, y = self.rng.uniform(0, self.width), self.rng.uniform(base + 20, self.height)
            r = self.rng.uniform(1, 4)
            self.draw.ellipse((x - r, y - r / 2, x + r, y + r / 2), fill=self._shade(sand, 0.8))

    def _palm(self, x: float, ground: float, size: float) -> None:
        top = (x + size * 0.15, ground - size)
        self.draw.line((x, ground, *top), fill=(84, 62, 40), width=max(2, int(size / 18)))
        for angle in np.linspace(0.15, math.pi - 0.15, 8):
            reach = size * 0.45
            middle = (
                top[0] + math.cos(angle) * reach * 0.6,
                top[1] - math.sin(angle) * size * 0.12,
            )
            tip = (top[0] + math.cos(angle) * reach, top[1] + size * 0.08)
            self.draw.line((*top, *middle, *tip), fill=(46, 110, 52), width=max(2, int(size / 25)))

    # ---------------------------------------------------------------- scenes

    def beach(self) -> None:
        self._distant_hills()
        self._sea()
        sand = (44, 40, 42) if self.rng.random() < 0.6 else (222, 196, 146)  # black or golden
        self._shore(self._jitter(sand, 8))
        if self.rng.random() < 0.5:
            self._palm(self.rng.uniform(0.05, 0.3) * self.width, self.height, self.height * 0.55)

    def lagoon(self) -> None:
        self._distant_hills((90, 80, 76))
        self._sea()
        self._shore(self._jitter((40, 36, 38), 6))
        cx, cy = self.rng.uniform(0.3, 0.7) * self.width, self.height * 0.9
        rx, ry = self.width * self.rng.uniform(0.18, 0.3), self.height * 0.07
        self.draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=self._jitter((60, 150, 70)))

    def volcano(self) -> None:
        """One to three cones, and in front a lava field or vines in black ash."""
        self._distant_hills((120, 84, 70))
        for _ in range(1 + int(self.rng.integers(3))):
            peak = self.rng.uniform(0.1, 0.9) * self.width
            top = self.horizon - self.height * self.rng.uniform(0.08, 0.32)
            spread = self.width * self.rng.uniform(0.2, 0.55)
            rust = self._jitter((150, 70, 44), 22)
            crater = spread * self.rng.uniform(0.08, 0.2)
            base = self.horizon + 10
            cone = [(peak - spread, base), (peak - crater, top), (peak + crater, top + 6),
                    (peak + spread, base)]  # fmt: skip
            self.draw.polygon(cone, fill=rust)
            shadow = [(peak, top + 3), (peak + crater, top + 6), (peak + spread, base),
                      (peak + spread * 0.3, base)]  # fmt: skip
            self.draw.polygon(shadow, fill=self._shade(rust, 0.7))
        front = self.horizon + self.height * self.rng.uniform(0.02, 0.25)
        self._fill_below(self._ridge(front, self.height * 0.06), (34, 30, 30))
        if self.rng.random() < 0.5:  # vines, each in a hollow behind a half-moon stone wall
            for _ in range(int(self.rng.integers(25, 60))):
                x, y = self.rng.uniform(0, self.width), self.rng.uniform(front + 10, self.height)
                r = 6 + 30 * (y - front) / (self.height - front)
                wall = self._jitter((96, 86, 80), 8)
                self.draw.arc(
                    (x - r, y - r * 0.6, x + r, y + r * 0.6), 180, 360, fill=wall, width=3
                )
                self.draw.ellipse((x - r * 0.3, y - r * 0.2, x + r * 0.3, y + r * 0.2),
                                  fill=self._jitter((70, 130, 50), 12))  # fmt: skip
        else:
            for _ in range(160):  # the lava field's clinker
                x, y = self.rng.uniform(0, self.width), self.rng.uniform(front, self.height)
                r = self.rng.uniform(2, 9) * (y / self.height)
                self.draw.ellipse((x - r, y - r, x + r, y + r), fill=self._jitter((58, 50, 48), 10))
        if self.rng.random() < 0.6:  # a trail to the crater
            xs = np.linspace(self.rng.uniform(0, self.width), self.rng.uniform(0, self.width), 12)
            ys = np.linspace(self.height, front, 12)
            xs += self.rng.normal(0, 25, 12)
            self.draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=(150, 128, 104),
                           width=5)  # fmt: skip

    def village(self) -> None:
        self._distant_hills((130, 112, 96))
        hill = self._ridge(self.horizon + self.height * 0.1, self.height * 0.1)
        self._fill_below(hill, self._jitter((176, 150, 112), 10))
        door = (46, 120, 66) if self.rng.random() < 0.6 else (36, 84, 150)
        houses = sorted(self.rng.uniform(0, self.width, int(self.rng.integers(8, 18))))
        for x in houses:
            ground = float(np.interp(x, [p[0] for p in hill], [p[1] for p in hill])) + 30
            w, h = self.rng.uniform(50, 110), self.rng.uniform(40, 80)
            self.draw.rectangle(
                (x, ground - h, x + w, ground), fill=self._jitter((244, 242, 236), 6)
            )
            self.draw.rectangle((x + w, ground - h + 4, x + w + 8, ground), fill=(206, 204, 200))
            self.draw.rectangle((x + w * 0.2, ground - h * 0.45, x + w * 0.35, ground), fill=door)
            self.draw.rectangle(
                (x + w * 0.55, ground - h * 0.7, x + w * 0.75, ground - h * 0.45), fill=door
            )
        tower = self.rng.uniform(0.2, 0.8) * self.width
        base = float(np.interp(tower, [p[0] for p in hill], [p[1] for p in hill])) + 20
        self.draw.rectangle((tower, base - 150, tower + 40, base), fill=(248, 246, 240))
        self.draw.ellipse((tower + 10, base - 140, tower + 30, base - 120), fill=(60, 50, 45))
        self._palm(self.rng.uniform(0.7, 0.95) * self.width, self.height, self.height * 0.5)

    def harbour(self) -> None:
        self._distant_hills()
        self._sea()
        quay = self.height * self.rng.uniform(0.82, 0.9)
        self.draw.rectangle((0, quay, self.width, self.height), fill=self._jitter((150, 146, 140)))
        colours = [(236, 236, 232), (40, 90, 170), (200, 50, 44), (236, 190, 40), (40, 130, 90)]
        for _ in range(int(self.rng.integers(3, 8))):
            x = self.rng.uniform(0, self.width - 160)
            y = self.rng.uniform(self.horizon + 30, quay - 10)
            scale = 0.4 + 0.8 * (y - self.horizon) / (quay - self.horizon)
            w, h = 150 * scale, 34 * scale
            hull = colours[int(self.rng.integers(len(colours)))]
            self.draw.polygon(
                [(x, y - h), (x + w, y - h), (x + w * 0.85, y), (x + w * 0.1, y)], fill=hull
            )
            self.draw.line(
                (x, y - h * 0.6, x + w * 0.95, y - h * 0.6), fill=(250, 250, 250), width=2
            )
            self.draw.line((x + w * 0.4, y - h, x + w * 0.4, y - h * 3), fill=(90, 80, 70), width=2)

    def cave(self) -> None:
        """Looking out of a sea cave: rock all round, the sky and a lagoon through the mouth."""
        outside = self.image.copy()
        rock = self._jitter((64, 54, 50), 8)
        rows = self._gradient(self.height, ((0.0, self._shade(rock, 0.45)), (1.0, rock)))
        self.image.paste(Image.fromarray(rows.astype(np.uint8)))
        for _ in range(120):  # the rock's patches of lichen, wet stone and lava
            x, y = self.rng.uniform(0, self.width), self.rng.uniform(0, self.height)
            r = self.rng.uniform(8, 60)
            tone = self._shade(rock, float(self.rng.uniform(0.7, 1.25)))
            self.draw.ellipse((x - r, y - r * 0.6, x + r, y + r * 0.6), fill=self._jitter(tone, 4))
        cx = self.rng.uniform(0.2, 0.8) * self.width
        cy = self.height * self.rng.uniform(0.35, 0.65)
        rx, ry = (
            self.width * self.rng.uniform(0.12, 0.36),
            self.height * self.rng.uniform(0.14, 0.32),
        )
        mouth = Image.new("L", self.image.size, 0)
        shape = ImageDraw.Draw(mouth)
        shape.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)
        if self.rng.random() < 0.5:  # a second, smaller opening
            x2, y2 = (
                self.rng.uniform(0.1, 0.9) * self.width,
                self.rng.uniform(0.2, 0.5) * self.height,
            )
            r2 = self.rng.uniform(0.04, 0.1) * self.width
            shape.ellipse((x2 - r2, y2 - r2 * 0.7, x2 + r2, y2 + r2 * 0.7), fill=255)
        self.image.paste(outside, (0, 0), mouth)
        top = int(cy + ry * 0.3)
        water = self._jitter((20, 140, 170), 12)
        lagoon = self._gradient(self.height - top, ((0.0, self._shade(water, 1.3)), (1.0, water)))
        self.image.paste(Image.fromarray(lagoon.astype(np.uint8)), (0, top))
        for _ in range(90):
            x, y = self.rng.uniform(0, self.width), self.rng.uniform(top, self.height)
            self.draw.line((x, y, x + self.rng.uniform(5, 30), y), fill=self._shade(water, 1.4))
        for _ in range(24):  # stalactites
            x = self.rng.uniform(0, self.width)
            length = self.rng.uniform(0.05, 0.25) * self.height
            self.draw.polygon([(x - 8, 0), (x + 8, 0), (x, length)], fill=self._shade(rock, 0.8))

    def saltpans(self) -> None:
        self._distant_hills()
        pinks = [(236, 196, 200), (240, 238, 232), (170, 200, 214), (220, 170, 176)]
        top = self.horizon + 6
        rows = int(self.rng.integers(5, 9))
        for r in range(rows):
            y0 = top + (self.height - top) * (r / rows) ** 1.5
            y1 = top + (self.height - top) * ((r + 1) / rows) ** 1.5
            columns = int(self.rng.integers(4, 9))
            for c in range(columns):
                x0, x1 = self.width * c / columns, self.width * (c + 1) / columns
                fill = self._jitter(pinks[int(self.rng.integers(len(pinks)))], 8)
                self.draw.rectangle((x0 + 3, y0 + 2, x1 - 3, y1 - 2), fill=fill)

    # ---------------------------------------------------------------- finish

    def finish(self) -> Image.Image:
        # Framing: a zoom into part of the scene, sometimes seen from the other side.
        zoom = self.rng.uniform(1.0, 1.4)
        width, height = self.width / zoom, self.height / zoom
        left = self.rng.uniform(0, self.width - width)
        top = self.rng.uniform(0, self.height - height)
        framed = self.image.resize(
            self.image.size, Image.Resampling.BILINEAR, box=(left, top, left + width, top + height)
        )
        if self.rng.random() < 0.5:
            framed = ImageOps.mirror(framed)
        soft = framed.filter(ImageFilter.BoxBlur(1))  # a lens's softness, cheaply
        pixels = np.asarray(soft, dtype=np.int16)
        grain = self.rng.integers(-4, 5, pixels.shape[:2], dtype=np.int16)[..., None]
        return Image.fromarray(np.clip(pixels + grain, 0, 255).astype(np.uint8))
