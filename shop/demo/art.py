"""Product photos for the demo catalogue: handmade cards, envelopes and ornaments drawn with Pillow.

Every picture is a small scene in "units": the square frame spans -500..500 on both axes. The object
and a few props (fir sprigs, berries, a pine cone…) are drawn at twice the final size onto a colour
layer and a coverage mask, then shrunk (which anti-aliases them), shadowed and laid on a textured
linen or wood backdrop. The colour layer stays black wherever the mask is empty, so after shrinking
it is already premultiplied by the mask and compositing is one multiply and one add.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter

RGB = tuple[int, int, int]
Fill = RGB | tuple[int, int, int, int]
Point = tuple[float, float]
Colours = tuple[RGB, RGB, RGB]  # a community's palette: main, second, accent

SUPERSAMPLE = 2
UNITS = 1000  #: width of the frame in drawing units
PHOTO_SIZE = 1280  #: pixels, square: the largest rendition the shop publishes (catalogue.images)

WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
CREAM: RGB = (244, 236, 219)
SNOW: RGB = (250, 249, 244)
KRAFT: RGB = (196, 152, 104)
FIR: RGB = (38, 92, 58)
FIR_DARK: RGB = (24, 66, 44)
BARK: RGB = (96, 64, 42)
GOLD: RGB = (214, 168, 72)
STRAW: RGB = (228, 190, 110)
TWINE: RGB = (214, 194, 156)
BERRY: RGB = (182, 30, 38)
WINDOW: RGB = (255, 206, 102)


# --- colours and geometry ------------------------------------------------------------------------------


def _rgb(value: str) -> RGB:
    """Parse "#rrggbb" into an RGB tuple."""
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """Blend colour a towards b by t (0..1)."""
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _lighter(colour: RGB, t: float = 0.3) -> RGB:
    """Mix a colour with white."""
    return _mix(colour, WHITE, t)


def _darker(colour: RGB, t: float = 0.3) -> RGB:
    """Mix a colour with black."""
    return _mix(colour, BLACK, t)


def _alpha(colour: RGB, alpha: int) -> tuple[int, int, int, int]:
    """The colour with an alpha, for translucent details on top of solid shapes."""
    return (colour[0], colour[1], colour[2], alpha)


def _luma(colour: RGB) -> float:
    """Perceived brightness 0..255."""
    return 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]


def _ellipse(cx: float, cy: float, rx: float, ry: float, *, angle: float = 0.0, n: int = 48) -> list[Point]:
    """Points of a (possibly turned) ellipse."""
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    points = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append((cx + x * ca - y * sa, cy + x * sa + y * ca))
    return points


def _star(
    cx: float, cy: float, outer: float, inner: float, rays: int, *, angle: float = -90.0
) -> list[Point]:
    """Points of a star with `rays` points."""
    points = []
    for i in range(rays * 2):
        r = outer if i % 2 == 0 else inner
        t = math.radians(angle + 180 * i / rays)
        points.append((cx + r * math.cos(t), cy + r * math.sin(t)))
    return points


def _leaf(cx: float, cy: float, length: float, width: float, angle: float, n: int = 10) -> list[Point]:
    """A pointed lens (leaf, petal, wing) whose base is at (cx, cy), pointing along `angle`."""
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    side = [(length * i / n, width / 2 * math.sin(math.pi * i / n)) for i in range(n + 1)]
    outline = side + [(x, -y) for x, y in reversed(side[1:-1])]
    return [(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in outline]


def _heart(cx: float, cy: float, scale: float, n: int = 64) -> list[Point]:
    """Points of a heart about 32*scale wide, centred on (cx, cy)."""
    points = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x = 16 * math.sin(t) ** 3
        y = -(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)) - 2.5
        points.append((cx + x * scale, cy + y * scale))
    return points


def _curve(p0: Point, p1: Point, p2: Point, n: int = 16) -> list[Point]:
    """A quadratic Bézier curve from p0 to p2 pulled towards p1."""
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        out.append(
            (
                u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0],
                u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1],
            )
        )
    return out


def _wobbly_rect(
    x0: float, y0: float, x1: float, y1: float, rng: random.Random, wobble: float
) -> list[Point]:
    """A rectangle with slightly uneven, hand-torn edges."""
    points: list[Point] = []
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
        steps = max(2, int(math.hypot(bx - ax, by - ay) / 40))
        for i in range(steps):
            t = i / steps
            jitter = rng.uniform(-wobble, wobble) if i else 0.0
            nx, ny = (by - ay), -(bx - ax)
            norm = math.hypot(nx, ny) or 1.0
            points.append((ax + (bx - ax) * t + nx / norm * jitter, ay + (by - ay) * t + ny / norm * jitter))
    return points


def _inside_triangle(p: Point, a: Point, b: Point, c: Point) -> bool:
    """Whether p lies inside the triangle abc."""

    def side(p1: Point, p2: Point, p3: Point) -> float:
        return (p1[0] - p3[0]) * (p2[1] - p3[1]) - (p2[0] - p3[0]) * (p1[1] - p3[1])

    d1, d2, d3 = side(p, a, b), side(p, b, c), side(p, c, a)
    return not ((d1 < 0 or d2 < 0 or d3 < 0) and (d1 > 0 or d2 > 0 or d3 > 0))


# --- the pen -------------------------------------------------------------------------------------------


class Pen:
    """Draws shapes given in local units onto a scene's colour layer and coverage mask."""

    def __init__(
        self, colour: ImageDraw.ImageDraw, mask: ImageDraw.ImageDraw, matrix: tuple[float, ...]
    ) -> None:
        self._colour = colour
        self._mask = mask
        self._m = matrix

    @classmethod
    def for_scene(cls, colour: Image.Image, mask: Image.Image) -> Pen:
        """A pen whose origin is the centre of the frame, one unit being a thousandth of its width."""
        scale = colour.width / UNITS
        half = colour.width / 2
        return cls(ImageDraw.Draw(colour, "RGBA"), ImageDraw.Draw(mask), (scale, 0.0, half, 0.0, scale, half))

    @property
    def px(self) -> float:
        """Pixels per local unit."""
        return math.hypot(self._m[0], self._m[3])

    def at(self, x: float, y: float, *, scale: float = 1.0, angle: float = 0.0) -> Pen:
        """A pen for a local frame placed at (x, y), scaled, and turned by `angle` degrees."""
        a, b, c, d, e, f = self._m
        cs = math.cos(math.radians(angle)) * scale
        sn = math.sin(math.radians(angle)) * scale
        matrix = (
            a * cs + b * sn,
            b * cs - a * sn,
            a * x + b * y + c,
            d * cs + e * sn,
            e * cs - d * sn,
            d * x + e * y + f,
        )
        return Pen(self._colour, self._mask, matrix)

    def _map(self, points: Iterable[Point]) -> list[Point]:
        """Local units to canvas pixels."""
        a, b, c, d, e, f = self._m
        return [(a * x + b * y + c, d * x + e * y + f) for x, y in points]

    def _width(self, width: float) -> int:
        """A line width in whole pixels."""
        return max(1, round(width * self.px))

    def polygon(self, points: Sequence[Point], fill: Fill, *, solid: bool = True) -> None:
        """Fill a polygon; only solid shapes cover the backdrop and cast shadows."""
        mapped = self._map(points)
        self._colour.polygon(mapped, fill=fill)
        if solid:
            self._mask.polygon(mapped, fill=255)

    def line(self, points: Sequence[Point], fill: Fill, width: float, *, solid: bool = True) -> None:
        """Draw a polyline with round joints."""
        mapped = self._map(points)
        w = self._width(width)
        self._colour.line(mapped, fill=fill, width=w, joint="curve")
        if solid:
            self._mask.line(mapped, fill=255, width=w, joint="curve")
        if w > 3:  # round caps
            for x, y in (mapped[0], mapped[-1]):
                r = w / 2 - 0.5
                self._colour.ellipse((x - r, y - r, x + r, y + r), fill=fill)
                if solid:
                    self._mask.ellipse((x - r, y - r, x + r, y + r), fill=255)

    def circle(self, x: float, y: float, r: float, fill: Fill | None = None, *, solid: bool = True) -> None:
        """Fill a circle."""
        ((cx, cy),) = self._map([(x, y)])
        rr = max(r * self.px, 0.5)
        box = (cx - rr, cy - rr, cx + rr, cy + rr)
        self._colour.ellipse(box, fill=fill)
        if solid:
            self._mask.ellipse(box, fill=255)

    def ring(self, x: float, y: float, r: float, colour: Fill, width: float, *, solid: bool = True) -> None:
        """Draw a circle outline."""
        ((cx, cy),) = self._map([(x, y)])
        rr = r * self.px + width * self.px / 2
        box = (cx - rr, cy - rr, cx + rr, cy + rr)
        w = self._width(width)
        self._colour.ellipse(box, outline=colour, width=w)
        if solid:
            self._mask.ellipse(box, outline=255, width=w)

    def dashed(
        self,
        points: Sequence[Point],
        fill: Fill,
        width: float,
        dash: float,
        gap: float,
        *,
        solid: bool = False,
    ) -> None:
        """Draw a polyline as a running stitch."""
        on, left, current = True, dash, [points[0]]
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            seg = math.hypot(bx - ax, by - ay)
            pos = 0.0
            while seg - pos > left:
                pos += left
                t = pos / seg
                p = (ax + (bx - ax) * t, ay + (by - ay) * t)
                if on:
                    self.line([*current, p], fill, width, solid=solid)
                current, on = [p], not on
                left = dash if on else gap
            left -= seg - pos
            current.append((bx, by))
        if on and len(current) > 1:
            self.line(current, fill, width, solid=solid)


# --- props around the product --------------------------------------------------------------------------


def _fir_sprig(pen: Pen, rng: random.Random, length: float = 330.0, depth: int = 0) -> None:
    """A fresh fir sprig growing along +x from the origin."""
    bend = rng.uniform(-0.12, 0.12) * length
    stem = _curve((0, 0), (length / 2, bend), (length, 0), 12)
    if depth == 0:
        for t, side in ((0.32, 1), (0.55, -1)):
            x, y = stem[int(t * 12)]
            _fir_sprig(pen.at(x, y, angle=side * rng.uniform(28, 40)), rng, length * 0.45, depth + 1)
    pen.line(stem, BARK, 9 if depth == 0 else 6)
    greens = (FIR, FIR_DARK, _mix(FIR, (90, 130, 70), 0.4))
    count = int(length / 8)
    for i in range(count):
        t = i / count
        u = 1 - t
        x = 2 * u * t * length / 2 + t * t * length
        y = 2 * u * t * bend
        needle = 46 * (1 - 0.5 * t) * (0.8 if depth else 1.0)
        for side in (-1, 1):
            angle = math.radians(side * rng.uniform(48, 62))
            tip = (x + needle * math.cos(angle), y + needle * math.sin(angle))
            pen.line([(x, y), tip], rng.choice(greens), 6.5)
    pen.line([(length, 0), (length + 18, 0)], greens[2], 7)


def _berries(pen: Pen, rng: random.Random) -> None:
    """A little cluster of red berries on thin stems."""
    spots = [(0, 0), (34, 18), (-8, 40), (30, -26), (-36, 6)][: rng.randint(3, 5)]
    for x, y in spots:
        pen.line([(x, y), (x * 2.2 + 40, y * 1.5 - 60)], BARK, 4)
    for x, y in spots:
        r = rng.uniform(19, 24)
        pen.circle(x, y, r + 2, _darker(BERRY, 0.35))
        pen.circle(x, y, r, BERRY)
        pen.circle(x - r * 0.35, y - r * 0.35, r * 0.28, _alpha(WHITE, 150), solid=False)
        pen.circle(x + r * 0.35, y + r * 0.4, r * 0.12, _alpha(BLACK, 120), solid=False)


def _pine_cone(pen: Pen, rng: random.Random) -> None:
    """A brown pine cone with overlapping scales, pointing along +x."""
    base = (118, 76, 44)
    pen.polygon(_ellipse(0, 0, 118, 64), _darker(base, 0.5))
    for i in range(10):
        x = -104 + i * 22
        half = 56 * math.sin(math.pi * (x + 122) / 244) ** 0.6
        rows = max(2, round(half / 17))
        for j in range(rows):
            y = -half + 2 * half * (j + 0.5 + 0.25 * (i % 2)) / (rows + 0.25)
            shade = _mix(base, (176, 126, 78), rng.uniform(0.0, 0.7))
            pen.polygon(_ellipse(x, y, 16, 15), _darker(shade, 0.35))
            pen.polygon(_ellipse(x - 3, y, 14, 13), shade)
            pen.line(
                _curve((x - 8, y - 9), (x + 4, y), (x - 8, y + 9), 4),
                _alpha(_lighter(shade, 0.4), 170),
                2.5,
                solid=False,
            )
    pen.line([(-118, 0), (-150, rng.uniform(-12, 12))], BARK, 10)


def _cinnamon(pen: Pen, rng: random.Random) -> None:
    """Three cinnamon sticks tied with twine."""
    colour = (140, 78, 42)
    for i, dy in enumerate((-34, 0, 34)):
        dx = rng.uniform(-14, 14)
        pen.polygon(
            _wobbly_rect(-140 + dx, dy - 15, 140 + dx, dy + 15, rng, 1.5), _mix(colour, BLACK, 0.08 * i)
        )
        pen.line(
            [(-136 + dx, dy - 6), (136 + dx, dy - 6)], _alpha(_lighter(colour, 0.3), 150), 4, solid=False
        )
        pen.line([(-136 + dx, dy + 9), (136 + dx, dy + 9)], _alpha(_darker(colour, 0.4), 170), 3, solid=False)
        pen.circle(140 + dx, dy, 15, _darker(colour, 0.25))
        pen.line(_curve((140 + dx, dy - 10), (130 + dx, dy), (140 + dx, dy + 8), 6), _darker(colour, 0.5), 3)
    pen.line([(-10, -58), (8, 58)], TWINE, 10)
    pen.line([(10, -58), (-6, 58)], _darker(TWINE, 0.1), 10)


def _star_anise(pen: Pen, rng: random.Random) -> None:
    """A star anise pod."""
    colour = (112, 58, 34)
    for i in range(8):
        angle = i * 45 + rng.uniform(-6, 6)
        pen.polygon(_leaf(0, 0, 70, 34, angle, 8), _mix(colour, BLACK, rng.uniform(0, 0.2)))
        t = math.radians(angle)
        pen.circle(40 * math.cos(t), 40 * math.sin(t), 8, (196, 150, 90))
    pen.circle(0, 0, 10, _darker(colour, 0.4))


PROPS: dict[str, Callable[[Pen, random.Random], None]] = {
    "sprig": _fir_sprig,
    "berries": _berries,
    "cone": _pine_cone,
    "cinnamon": _cinnamon,
    "anise": _star_anise,
}


# --- cards ---------------------------------------------------------------------------------------------

CARD_W, CARD_H = 500, 700


def _card(pen: Pen, pal: Colours, rng: random.Random, face: RGB) -> Pen:
    """A folded handmade card on its envelope; returns a pen for the card's front (±250 × ±350)."""
    envelope = rng.choice((KRAFT, _lighter(pal[1], 0.55), _mix(CREAM, KRAFT, 0.25)))
    env = pen.at(120, 95, angle=rng.uniform(-10, -5))
    env.polygon(_wobbly_rect(-330, -230, 330, 230, rng, 0.8), envelope)
    env.line([(-330, -230), (0, 20), (330, -230)], _alpha(_darker(envelope, 0.3), 110), 3, solid=False)
    front = pen.at(-70, 0, angle=rng.uniform(-3, 3))
    edge = _darker(face, 0.18)
    front.polygon(_wobbly_rect(-246, -344, 262, 356, rng, 1.0), edge)
    front.polygon(_wobbly_rect(-250, -350, 250, 350, rng, 1.6), face)
    for i in range(6):  # the fold on the left edge catches a little shadow
        front.polygon(
            [(-250 + i * 4, -350), (-246 + i * 4, -350), (-246 + i * 4, 350), (-250 + i * 4, 350)],
            _alpha(BLACK, 22 - i * 3),
            solid=False,
        )
    return front


def _stitched_frame(pen: Pen, inset: float, colour: RGB) -> None:
    """A running stitch around the card's front."""
    x, y = CARD_W / 2 - inset, CARD_H / 2 - inset
    pen.dashed([(-x, -y), (x, -y), (x, y), (-x, y), (-x, -y)], colour, 5, 18, 12)


def _card_fir_tree(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A card with an appliquéd linen fir tree, a gold star and button baubles."""
    face = _card(pen, pal, rng, CREAM)
    _stitched_frame(face, 30, pal[0])
    green = _mix(FIR, pal[1], 0.2)
    for i in range(3):
        top, half = -205 + i * 100, 95 + i * 48
        base = top + 175
        tier = [(0, top)] + [(half * (1 - 2 * k / 8), base + (12 if k % 2 else 0)) for k in range(9)]
        face.polygon(tier, _darker(green, 0.25 * (i % 2)))
        face.dashed([(0, top + 22), (half - 26, base - 8)], _lighter(green, 0.45), 4, 12, 9)
        face.dashed([(0, top + 22), (-half + 26, base - 8)], _lighter(green, 0.45), 4, 12, 9)
    face.polygon(_wobbly_rect(-26, 170, 26, 240, rng, 1.0), BARK)
    face.line(_curve((-120, -10), (10, 40), (125, -20)), _alpha(GOLD, 230), 5, solid=False)
    face.line(_curve((-165, 95), (0, 150), (170, 80)), _alpha(GOLD, 230), 5, solid=False)
    for x, y in ((-60, -70), (55, -40), (-95, 60), (20, 40), (110, 120), (-30, 150), (-140, 175), (80, 200)):
        colour = rng.choice((pal[0], pal[2], WHITE, GOLD))
        face.circle(x, y, 15, _darker(colour, 0.2), solid=False)
        face.circle(x, y, 12, colour, solid=False)
        face.circle(x - 4, y - 4, 3.5, _alpha(WHITE, 200), solid=False)
    face.polygon(_star(0, -222, 50, 21, 5), _darker(GOLD, 0.15), solid=False)
    face.polygon(_star(0, -224, 44, 18, 5), GOLD, solid=False)
    for x, y in ((-175, -265), (160, -250), (185, -150), (-190, -110), (-170, 270), (175, 275)):
        face.polygon(_star(x, y, 13, 5, 4, angle=0), _alpha(pal[0], 200), solid=False)


CROSS_STITCH = (
    "......y......",
    ".....yyy.....",
    "......g......",
    ".....ggg.....",
    "....ggrgg....",
    "...ggggggg...",
    ".....ggg.....",
    "....gggyg....",
    "...ggrgggg...",
    "..ggggggrgg..",
    "....ggggg....",
    "...gygggggg..",
    "..gggggrgggg.",
    ".ggrgggggygg.",
    "......b......",
    "......b......",
)


def _card_cross_stitch(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A linen card with a cross-stitched fir tree between folk-pattern borders."""
    linen = (236, 226, 206)
    face = _card(pen, pal, rng, linen)
    weave = _alpha((196, 182, 156), 28)
    for y in range(-336, 340, 10):  # the weave of the linen
        face.line([(-244, y), (244, y)], weave, 2, solid=False)
    for x in range(-236, 240, 10):
        face.line([(x, -344), (x, 344)], weave, 2, solid=False)
    colours = {"g": _mix(FIR, pal[1], 0.3), "r": pal[0], "y": GOLD, "b": BARK}
    cell = 26
    x0 = -cell * len(CROSS_STITCH[0]) / 2
    y0 = -cell * len(CROSS_STITCH) / 2 + 10
    for row, line in enumerate(CROSS_STITCH):
        for col, key in enumerate(line):
            if key in colours:
                _cross(
                    face, x0 + col * cell + cell / 2, y0 + row * cell + cell / 2, cell * 0.36, colours[key]
                )
    for y in (-290, 300):  # folk borders: little diamonds
        for i in range(-7, 8):
            x = i * 30
            colour = pal[0] if i % 2 else _mix(FIR, pal[1], 0.3)
            for dx, dy in ((0, -13), (-13, 0), (13, 0), (0, 13)):
                _cross(face, x + dx / 2, y + dy / 2, 5, colour)


def _cross(pen: Pen, x: float, y: float, r: float, colour: RGB) -> None:
    """One cross-stitch."""
    pen.line([(x - r, y - r), (x + r, y + r)], _darker(colour, 0.12), 6, solid=False)
    pen.line([(x - r, y + r), (x + r, y - r)], colour, 6, solid=False)


def _card_star(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A deep-coloured card with a quilled eight-pointed folk star."""
    ground = _darker(pal[0], 0.15) if _luma(pal[0]) > 70 else pal[0]
    face = _card(pen, pal, rng, ground)
    light = _lighter(pal[2], 0.2) if _luma(pal[2]) > 120 else GOLD
    for angle in (0, 45):
        square = [
            (170 * math.cos(math.radians(angle + k * 90)), -40 + 170 * math.sin(math.radians(angle + k * 90)))
            for k in range(4)
        ]
        face.line([*square, square[0]], light, 7, solid=False)
    face.polygon(_star(0, -40, 165, 96, 8, angle=-90 + 22.5), _alpha(light, 70), solid=False)
    for i in range(8):
        t = math.radians(-90 + i * 45)
        face.polygon(_leaf(0, -40, 150, 52, math.degrees(t), 10), _alpha(light, 230), solid=False)
        face.line(
            _leaf(12 * math.cos(t), -40 + 12 * math.sin(t), 110, 26, math.degrees(t), 10),
            _darker(light, 0.2),
            3,
            solid=False,
        )
    _coil(face, 0, -40, 44, _lighter(light, 0.3), turns=5)
    for i in range(16):
        t = math.radians(i * 22.5)
        face.circle(205 * math.cos(t), -40 + 205 * math.sin(t), 6 if i % 2 else 9, light, solid=False)
    for x, y in ((-170, 230), (0, 270), (170, 230), (-190, -300), (190, -300)):
        face.polygon(_star(x, y, 22, 9, 5), light, solid=False)
    face.dashed([(-200, 330), (200, 330)], _alpha(light, 160), 3, 10, 8)


def _coil(
    pen: Pen, x: float, y: float, r: float, colour: Fill, *, turns: float = 4.0, width: float = 4.0
) -> None:
    """A tight quilling coil."""
    steps = int(turns * 24)
    points = []
    for i in range(steps + 1):
        t = i / steps
        angle = t * turns * 2 * math.pi
        points.append((x + r * t * math.cos(angle), y + r * t * math.sin(angle)))
    pen.line(points, colour, width, solid=False)


def _snowflake(
    pen: Pen, x: float, y: float, r: float, colour: Fill, width: float, angle: float = 0.0
) -> None:
    """A six-armed snowflake made of lines."""
    for i in range(6):
        t = math.radians(angle + i * 60)
        c, s = math.cos(t), math.sin(t)
        pen.line([(x, y), (x + r * c, y + r * s)], colour, width, solid=False)
        for at, length in ((0.45, 0.32), (0.72, 0.22)):
            bx, by = x + r * at * c, y + r * at * s
            for side in (-1, 1):
                u = t + side * math.radians(50)
                pen.line(
                    [(bx, by), (bx + r * length * math.cos(u), by + r * length * math.sin(u))],
                    colour,
                    width,
                    solid=False,
                )


def _card_snowflakes(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A winter-blue card with white hand-drawn snowflakes over a snowy hill."""
    sky = _mix((30, 58, 96), pal[0], 0.55)
    face = _card(pen, pal, rng, sky)
    for i in range(8):
        face.polygon(
            [(-248, -348 + i * 87), (248, -348 + i * 87), (248, -261 + i * 87), (-248, -261 + i * 87)],
            _alpha(WHITE, 4 + i * 3),
            solid=False,
        )
    hill = (
        [(-248, 348), (-248, 220)]
        + [(x, 200 + 40 * math.cos(x / 90)) for x in range(-240, 250, 20)]
        + [(248, 348)]
    )
    face.polygon(hill, _alpha(SNOW, 235), solid=False)
    flakes = [
        (-120, -200, 85),
        (110, -120, 70),
        (-60, 40, 60),
        (140, 110, 46),
        (-170, 130, 34),
        (40, -280, 30),
        (180, -290, 22),
    ]
    for x, y, r in flakes:
        _snowflake(
            face,
            x + rng.uniform(-10, 10),
            y + rng.uniform(-10, 10),
            r,
            SNOW,
            max(3.5, r / 14),
            rng.uniform(0, 60),
        )
    for _ in range(40):
        face.circle(
            rng.uniform(-235, 235), rng.uniform(-335, 190), rng.uniform(2, 5), _alpha(WHITE, 200), solid=False
        )
    _snowflake(face, 150, 265, 22, _lighter(sky, 0.2), 3.5)


def _card_village_house(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A card with a village house at night, its windows lit, firs and snow around."""
    night = (24, 40, 72)
    face = _card(pen, pal, rng, night)
    for i in range(7):
        face.polygon(
            [(-248, 40 - i * 55), (248, 40 - i * 55), (248, 95 - i * 55), (-248, 95 - i * 55)],
            _alpha((90, 110, 150), 70 - i * 10),
            solid=False,
        )
    face.circle(150, -250, 42, (248, 234, 196), solid=False)
    face.circle(170, -262, 38, _alpha(night, 120), solid=False)
    for _ in range(26):
        face.circle(
            rng.uniform(-235, 235),
            rng.uniform(-335, 0),
            rng.uniform(2, 4.5),
            _alpha((255, 246, 210), 220),
            solid=False,
        )
    ground = (
        [(-248, 348), (-248, 130)]
        + [(x, 120 + 18 * math.sin(x / 70)) for x in range(-240, 250, 20)]
        + [(248, 348)]
    )
    face.polygon(ground, SNOW, solid=False)
    wall = _mix((150, 48, 40), pal[0], 0.5)
    face.polygon([(-130, 10), (90, 10), (90, 175), (-130, 175)], wall, solid=False)
    for y in range(24, 175, 20):  # log walls
        face.line([(-128, y), (88, y)], _alpha(_darker(wall, 0.35), 160), 3, solid=False)
    face.polygon([(-160, 20), (-20, -110), (120, 20)], (70, 52, 46), solid=False)
    face.polygon([(-166, 20), (-20, -118), (126, 20), (110, 26), (-20, -96), (-150, 26)], SNOW, solid=False)
    face.polygon([(50, -80), (74, -80), (74, -30), (50, -50)], _darker(wall, 0.2), solid=False)
    for k in range(5):
        face.circle(66 + k * 16, -100 - k * 28, 12 + k * 4, _alpha((220, 222, 230), 90 - k * 14), solid=False)
    for wx in (-100, 20):
        face.polygon([(wx, 55), (wx + 46, 55), (wx + 46, 110), (wx, 110)], WINDOW, solid=False)
        face.circle(wx + 23, 82, 34, _alpha(WINDOW, 40), solid=False)
        face.line([(wx + 23, 55), (wx + 23, 110)], _darker(wall, 0.3), 4, solid=False)
        face.line([(wx, 82), (wx + 46, 82)], _darker(wall, 0.3), 4, solid=False)
        face.line([(wx - 4, 112), (wx + 50, 112)], SNOW, 6, solid=False)
    face.polygon([(-38, 95), (-2, 95), (-2, 175), (-38, 175)], _darker(wall, 0.45), solid=False)
    for tx, s in ((-205, 1.0), (170, 1.2), (215, 0.8)):
        for k in range(3):
            top = 60 - 60 * s + k * 38 * s
            half = (34 + k * 14) * s
            face.polygon(
                [(tx, top), (tx + half, top + 70 * s), (tx - half, top + 70 * s)],
                _mix(FIR_DARK, pal[1], 0.15),
                solid=False,
            )
            face.line(
                [(tx - half * 0.7, top + 62 * s), (tx + half * 0.5, top + 66 * s)], SNOW, 5, solid=False
            )
    fence = _mix(BARK, SNOW, 0.2)
    for fx in range(-240, 250, 28):
        if -150 < fx < 110:
            continue
        face.polygon([(fx, 190), (fx + 12, 182), (fx + 12, 236), (fx, 236)], fence, solid=False)


def _card_bullfinch(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A card with a bullfinch on a snowy rowan branch."""
    paper = _mix((232, 236, 238), pal[2], 0.2)
    face = _card(pen, pal, rng, paper)
    branch = _curve((-250, 190), (-20, 80), (250, 120), 14)
    face.line(branch, BARK, 16, solid=False)
    face.line(_curve((-60, 120), (40, 200), (120, 250), 8), BARK, 9, solid=False)
    face.line([(x, y - 9) for x, y in branch[2:-2]], SNOW, 7, solid=False)
    for i, (bx, by) in enumerate(((-150, 150), (170, 140), (110, 248))):
        for k in range(5 if i != 2 else 4):
            face.line(
                [(bx, by), (bx - 20 + k * 12, by + 40 + (k % 2) * 12)], _darker(BARK, 0.2), 3, solid=False
            )
            cx, cy = bx - 22 + k * 12, by + 46 + (k % 2) * 14
            face.circle(cx, cy, 15, _darker(BERRY, 0.15), solid=False)
            face.circle(cx, cy, 12, (214, 60, 44), solid=False)
            face.circle(cx - 4, cy - 4, 3.5, _alpha(WHITE, 190), solid=False)
    for x in (-205, -120, 190):
        face.polygon(_leaf(x, 160, 60, 22, 115, 8), _mix((80, 120, 70), pal[1], 0.2), solid=False)
    grey, black, breast = (124, 132, 146), (34, 34, 40), (222, 84, 70)
    face.polygon([(55, 40), (150, 90), (160, 70)], black, solid=False)  # tail
    face.polygon(_ellipse(10, -10, 100, 78, angle=-18), grey, solid=False)
    face.polygon(_ellipse(-20, 20, 80, 62, angle=-18), breast, solid=False)
    face.polygon(_leaf(-10, -30, 150, 64, 15, 10), _darker(black, 0.1), solid=False)  # wing
    face.line(_curve((20, -24), (60, -8), (110, 0), 6), _alpha(WHITE, 230), 7, solid=False)
    face.polygon(_ellipse(-70, -78, 58, 52), grey, solid=False)
    face.polygon(_ellipse(-74, -96, 52, 38, angle=-8), black, solid=False)
    face.polygon([(-122, -80), (-150, -68), (-120, -58)], black, solid=False)  # beak
    face.circle(-92, -80, 7, (250, 250, 250), solid=False)
    face.circle(-93, -80, 5, black, solid=False)
    face.polygon(_ellipse(-52, -10, 32, 22), _alpha(WHITE, 40), solid=False)
    for fx in (-10, 20):
        face.line([(fx, 60), (fx - 4, 102)], (60, 50, 46), 4, solid=False)
    for _ in range(30):
        face.circle(
            rng.uniform(-235, 235), rng.uniform(-335, 330), rng.uniform(3, 6), _alpha(WHITE, 230), solid=False
        )


def _card_pressed_flowers(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A handmade-paper card with a wreath of pressed leaves and flowers tied with a ribbon."""
    face = _card(pen, pal, rng, (242, 234, 216))
    for _ in range(60):  # fibres in the handmade paper
        x, y = rng.uniform(-230, 230), rng.uniform(-330, 330)
        face.line(
            [(x, y), (x + rng.uniform(-14, 14), y + rng.uniform(-6, 6))],
            _alpha((180, 160, 120), 80),
            2,
            solid=False,
        )
    greens = ((104, 128, 78), (136, 146, 88), (86, 104, 70), _mix((120, 136, 90), pal[1], 0.4))
    cy, radius = -30, 175
    for i in range(34):
        t = 2 * math.pi * i / 34 + rng.uniform(-0.05, 0.05)
        x, y = radius * math.cos(t), cy + radius * math.sin(t)
        face.polygon(
            _leaf(
                x,
                y,
                rng.uniform(52, 72),
                rng.uniform(18, 26),
                math.degrees(t) + 90 + rng.uniform(-25, 25) + 35,
            ),
            rng.choice(greens),
            solid=False,
        )
    for i in range(7):
        t = 2 * math.pi * i / 7 + 0.3
        x, y = radius * math.cos(t), cy + radius * math.sin(t)
        petal = rng.choice(
            (pal[0], _lighter(pal[0], 0.35), _mix(pal[2], (226, 200, 120), 0.5), (236, 232, 240))
        )
        for k in range(5):
            face.polygon(_leaf(x, y, 26, 18, k * 72 + rng.uniform(0, 30)), _alpha(petal, 235), solid=False)
        face.circle(x, y, 6, (210, 170, 60), solid=False)
    for i in range(5):  # a fern frond in the middle
        face.polygon(_leaf(0, 40 - i * 28, 48 - i * 6, 16, 215, 8), greens[2], solid=False)
        face.polygon(_leaf(0, 40 - i * 28, 48 - i * 6, 16, 325, 8), greens[2], solid=False)
    face.line([(0, 60), (0, -110)], greens[2], 4, solid=False)
    ribbon = pal[0]
    face.polygon(_leaf(0, 120, 60, 34, 200, 8), ribbon, solid=False)
    face.polygon(_leaf(0, 120, 60, 34, -20, 8), ribbon, solid=False)
    face.line(_curve((0, 120), (-20, 170), (-40, 210), 6), ribbon, 8, solid=False)
    face.line(_curve((0, 120), (20, 170), (30, 215), 6), ribbon, 8, solid=False)
    face.circle(0, 120, 11, _darker(ribbon, 0.2), solid=False)


def _card_quilling_wreath(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A white card with a quilled wreath of paper coils, red berries and a bow."""
    face = _card(pen, pal, rng, (250, 247, 240))
    greens = (FIR, (64, 122, 70), (96, 146, 82), _mix(FIR, pal[1], 0.4))
    cy, radius = -20, 140
    for ring, count, size in ((radius + 34, 18, 30), (radius - 30, 15, 27), (radius, 20, 28)):
        for i in range(count):
            t = 2 * math.pi * (i + rng.uniform(-0.2, 0.2)) / count
            x, y = ring * math.cos(t), cy + ring * math.sin(t)
            colour = rng.choice(greens)
            if rng.random() < 0.5:
                face.polygon(
                    _leaf(
                        x - size * math.cos(t + 1.2),
                        y - size * math.sin(t + 1.2),
                        size * 2,
                        size,
                        math.degrees(t) + 70,
                    ),
                    colour,
                    solid=False,
                )
                face.polygon(
                    _leaf(
                        x - size * math.cos(t + 1.2) * 0.8,
                        y - size * math.sin(t + 1.2) * 0.8,
                        size * 1.6,
                        size * 0.6,
                        math.degrees(t) + 70,
                    ),
                    _lighter(colour, 0.5),
                    solid=False,
                )
            else:
                face.circle(x, y, size * 0.9, colour, solid=False)
                _coil(face, x, y, size * 0.85, _lighter(colour, 0.45), turns=4, width=3)
    for i in range(9):
        t = 2 * math.pi * i / 9 + rng.uniform(0, 0.3)
        x, y = (
            (radius + rng.uniform(-20, 20)) * math.cos(t),
            cy + (radius + rng.uniform(-20, 20)) * math.sin(t),
        )
        face.circle(x, y, 15, pal[0], solid=False)
        _coil(face, x, y, 14, _lighter(pal[0], 0.4), turns=3, width=2.5)
    bow = pal[0] if _luma(pal[0]) < 200 else BERRY
    for angle in (200, -20):
        face.polygon(_leaf(0, cy + radius + 40, 80, 50, angle, 10), bow, solid=False)
        face.polygon(_leaf(0, cy + radius + 40, 60, 24, angle, 10), _lighter(bow, 0.35), solid=False)
    face.polygon(_leaf(0, cy + radius + 40, 90, 26, 110, 8), _darker(bow, 0.1), solid=False)
    face.polygon(_leaf(0, cy + radius + 40, 90, 26, 70, 8), _darker(bow, 0.1), solid=False)
    face.circle(0, cy + radius + 40, 16, _darker(bow, 0.2), solid=False)
    _coil(face, 0, cy + radius + 40, 15, _lighter(bow, 0.4), turns=3, width=2.5)


# --- envelopes -----------------------------------------------------------------------------------------


def _envelope_back(pen: Pen, rng: random.Random, paper: RGB, *, w: float = 360, h: float = 240) -> None:
    """The back of a closed envelope with its flaps; the top flap's tip is at (0, 40)."""
    pen.polygon(_wobbly_rect(-w, -h, w, h, rng, 0.8), paper)
    for _ in range(int(w / 3)):  # fibres and flecks
        x, y = rng.uniform(-w + 8, w - 8), rng.uniform(-h + 8, h - 8)
        pen.circle(x, y, rng.uniform(1.2, 2.6), _alpha(_darker(paper, 0.35), 90), solid=False)
    pen.polygon(
        [(-w, h), (-w + 4, -h + 4), (-20, 30), (-w + 30, h)], _alpha(_darker(paper, 0.1), 90), solid=False
    )
    pen.polygon([(-w + 4, h - 2), (0, 10), (w - 4, h - 2)], _lighter(paper, 0.06), solid=False)
    pen.line([(-w + 4, h - 2), (0, 10), (w - 4, h - 2)], _alpha(_darker(paper, 0.3), 120), 2.5, solid=False)
    pen.polygon([(-w + 6, -h + 4), (w - 6, -h + 4), (0, 52)], _alpha(BLACK, 40), solid=False)
    pen.polygon([(-w + 2, -h + 2), (w - 2, -h + 2), (0, 40)], _darker(paper, 0.04), solid=False)
    pen.line(
        [(-w + 2, -h + 2), (0, 40), (w - 2, -h + 2)], _alpha(_lighter(paper, 0.3), 160), 2.5, solid=False
    )


def _wax_seal(pen: Pen, x: float, y: float, r: float, wax: RGB, rng: random.Random) -> None:
    """A round wax seal pressed with a fir-tree stamp."""
    blob = [
        (
            x + r * (1 + rng.uniform(-0.06, 0.1)) * math.cos(t),
            y + r * (1 + rng.uniform(-0.06, 0.1)) * math.sin(t),
        )
        for t in (2 * math.pi * i / 28 for i in range(28))
    ]
    pen.polygon(blob, _darker(wax, 0.25))
    pen.polygon(_ellipse(x - 2, y - 2, r * 0.94, r * 0.94), wax)
    pen.ring(x, y, r * 0.66, _darker(wax, 0.3), r * 0.1, solid=False)
    pen.ring(x - 1.5, y - 1.5, r * 0.66, _alpha(_lighter(wax, 0.35), 150), r * 0.04, solid=False)
    emboss = _darker(wax, 0.3)
    pen.polygon(
        [(x, y - r * 0.45), (x + r * 0.3, y + r * 0.25), (x - r * 0.3, y + r * 0.25)], emboss, solid=False
    )
    pen.polygon(
        [(x, y - r * 0.47), (x + r * 0.26, y + r * 0.2), (x - r * 0.26, y + r * 0.2)],
        _lighter(wax, 0.12),
        solid=False,
    )
    pen.line([(x, y + r * 0.25), (x, y + r * 0.42)], emboss, r * 0.08, solid=False)
    pen.polygon(_leaf(x - r * 0.7, y - r * 0.35, r * 0.7, r * 0.22, -40, 8), _alpha(WHITE, 80), solid=False)


def _envelope_wax_seal(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A kraft envelope closed with a wax seal over a fir sprig."""
    back = pen.at(0, 0)
    _envelope_back(back, rng, KRAFT)
    _fir_sprig(back.at(10, 40, angle=-25, scale=0.55), rng)
    back.line(_curve((-40, 40), (-120, 110), (-190, 90), 10), TWINE, 6)
    _wax_seal(back, 0, 40, 66, _darker(pal[0], 0.05) if _luma(pal[0]) > 60 else pal[0], rng)


def _twine(pen: Pen, points: Sequence[Point], width: float = 8.0) -> None:
    """Jute twine with its twist showing."""
    pen.line(points, _darker(TWINE, 0.3), width + 3)
    pen.line(points, TWINE, width)
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        seg = math.hypot(bx - ax, by - ay)
        for k in range(int(seg / 11)):
            t = k * 11 / seg
            px, py = ax + (bx - ax) * t, ay + (by - ay) * t
            nx, ny = -(by - ay) / seg * width * 0.4, (bx - ax) / seg * width * 0.4
            dx, dy = (bx - ax) / seg * 3, (by - ay) / seg * 3
            pen.line(
                [(px - nx - dx, py - ny - dy), (px + nx + dx, py + ny + dy)],
                _darker(TWINE, 0.22),
                2,
                solid=False,
            )


def _envelope_twine(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A kraft envelope tied with jute twine, a bow and a little stamped tag."""
    paper = rng.choice((KRAFT, _mix(KRAFT, CREAM, 0.45)))
    _envelope_back(pen, rng, paper)
    vx, hy = 110, -30
    _twine(pen, [(vx, -244), (vx + 4, 244)])
    _twine(pen, [(-364, hy), (364, hy + 6)])
    tag = pen.at(235, 120, angle=rng.uniform(12, 24))
    _twine(pen, _curve((vx, hy), (180, 40), (235, 70), 8), 5)
    card = _lighter(KRAFT, 0.55)
    tag.polygon([(-55, -50), (55, -50), (55, 90), (-55, 90), (-55, -50)], card)
    tag.polygon([(-55, -50), (0, -85), (55, -50)], card)
    tag.ring(0, -52, 10, _darker(card, 0.3), 4)
    tag.polygon(_star(0, 25, 34, 14, 5), pal[0], solid=False)
    tag.dashed([(-40, 72), (40, 72)], _darker(card, 0.35), 3, 8, 6)
    for side in (-1, 1):
        loop = _ellipse(vx + side * 44, hy - 14, 48, 22, angle=side * -20, n=24)
        _twine(pen, [*loop, loop[0]], 7)
        _twine(pen, _curve((vx, hy), (vx + side * 30, hy + 50), (vx + side * 50, hy + 100), 6), 7)
    pen.circle(vx, hy, 12, _darker(TWINE, 0.1))
    _fir_sprig(pen.at(vx - 10, hy + 4, angle=200, scale=0.55), rng)


def _envelope_lined(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """An open envelope with a patterned liner and a card peeking out, another envelope behind."""
    other = pen.at(-60, -70, angle=-7)
    _envelope_back(other, rng, _lighter(pal[1], 0.5), w=340, h=225)
    front = pen.at(40, 60, angle=rng.uniform(3, 6))
    paper = rng.choice((KRAFT, CREAM))
    w, top, bottom = 330, -130, 230
    flap = [(-w, top), (w, top), (0, top - 230)]
    front.polygon(flap, paper)
    liner = [(-w + 26, top), (w - 26, top), (0, top - 200)]
    front.polygon(liner, pal[0])
    dots = pal[2] if abs(_luma(pal[2]) - _luma(pal[0])) > 60 else WHITE
    for row in range(12):
        for col in range(-12, 13):
            p = (col * 28 + (14 if row % 2 else 0), top - 14 - row * 18)
            if _inside_triangle(p, liner[0], liner[1], liner[2]):
                face = p[1] - 4
                front.polygon(
                    [(p[0], face - 6), (p[0] + 6, face + 4), (p[0] - 6, face + 4)],
                    _alpha(dots, 200),
                    solid=False,
                )
    card = front.at(0, top - 10, angle=-3)
    card.polygon([(-250, -80), (250, -80), (250, 120), (-250, 120)], (250, 246, 236))
    for k in range(3):
        card.polygon(
            [(-18 - k * 14, -40 + k * 26), (18 + k * 14, -40 + k * 26), (0, -70 + k * 26)],
            _mix(FIR, pal[1], 0.2),
            solid=False,
        )
    card.polygon(_star(0, -72, 10, 4, 5), GOLD, solid=False)
    front.polygon([(-w, top), (0, 60), (w, top), (w, bottom), (-w, bottom)], paper)
    front.line([(-w + 2, top), (0, 60), (w - 2, top)], _alpha(_darker(paper, 0.3), 130), 3, solid=False)
    front.polygon(
        [(-w + 2, bottom - 2), (0, 40), (w - 2, bottom - 2)], _alpha(_darker(paper, 0.06), 160), solid=False
    )
    for _ in range(90):
        x, y = rng.uniform(-w + 10, w - 10), rng.uniform(70, bottom - 10)
        front.circle(x, y, rng.uniform(1.2, 2.4), _alpha(_darker(paper, 0.35), 80), solid=False)


# --- ornaments -----------------------------------------------------------------------------------------


def _hanger(pen: Pen, x: float, y: float, colour: RGB, rng: random.Random, *, width: float = 6.0) -> None:
    """A loop of thread rising from (x, y) out of the frame."""
    lean = rng.uniform(-80, 80)
    pen.line(_curve((x, y), (x + lean, y - 260), (x + lean * 0.4, y - 700), 18), colour, width)


def _bauble(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A hand-painted glass bauble with a metal cap on a ribbon."""
    glass = pal[0]
    r, cy = 250, 70
    ribbon = pal[1] if abs(_luma(pal[1]) - _luma(glass)) > 30 else GOLD
    _hanger(pen, 0, cy - r - 60, ribbon, rng, width=12)
    pen.ring(0, cy - r - 50, 20, (170, 150, 110), 5)
    steps = 24
    hx, hy = -0.35 * r, cy - 0.4 * r
    for i in range(steps):
        t = i / steps
        rr = r * (1 - t * 0.93)
        colour = _mix(_darker(glass, 0.45), _lighter(glass, 0.25), t**0.8)
        pen.circle(hx * t, cy + (hy - cy) * t, rr, colour, solid=(i == 0))
    paint = rng.choice(("snowflake", "dots", "fir"))
    white = (250, 248, 240) if _luma(glass) < 190 else _darker(pal[1], 0.1)
    for band in (-0.45, 0.45):
        by = cy + band * r
        span = r * math.sqrt(1 - band * band) * 0.92
        for k in range(15):
            t = math.pi * (k + 0.5) / 15
            px = -span * math.cos(t)
            py = by + 0.16 * span * math.sin(t)
            pen.circle(px, py, 7 * math.sin(t) + 2, _alpha(white, 235), solid=False)
    if paint == "snowflake":
        _snowflake(pen, 0, cy, 78, _alpha(white, 240), 7)
        _snowflake(pen, -150, cy + 10, 30, _alpha(white, 200), 4)
        _snowflake(pen, 150, cy + 10, 30, _alpha(white, 200), 4)
    elif paint == "fir":
        for x, s in ((-120, 0.7), (0, 1.0), (120, 0.7)):
            for k in range(3):
                top, half = cy - 60 * s + k * 32 * s, (22 + k * 12) * s
                pen.polygon(
                    [(x, top), (x + half, top + 44 * s), (x - half, top + 44 * s)],
                    _alpha(white, 235),
                    solid=False,
                )
    else:
        for k in range(3):
            t = math.pi * (k + 1) / 4
            px = -r * 0.8 * math.cos(t)
            pen.polygon(_star(px, cy + 4, 34, 14, 8, angle=0), _alpha(white, 230), solid=False)
            pen.circle(px, cy + 4, 7, _alpha(pal[2], 255), solid=False)
    pen.polygon(_ellipse(-110, cy - 130, 70, 34, angle=-40), _alpha(WHITE, 70), solid=False)
    pen.polygon(_ellipse(-122, cy - 140, 26, 12, angle=-40), _alpha(WHITE, 200), solid=False)
    pen.line(_curve((150, cy + 150), (205, cy + 60), (215, cy - 40), 10), _alpha(WHITE, 60), 8, solid=False)
    metal = GOLD if rng.random() < 0.6 else (196, 198, 204)
    pen.polygon(_wobbly_rect(-52, cy - r - 46, 52, cy - r + 14, rng, 0.5), metal)
    for x in range(-44, 48, 11):
        pen.line([(x, cy - r - 44), (x, cy - r + 10)], _alpha(_darker(metal, 0.3), 150), 3, solid=False)
    pen.line([(-50, cy - r - 44), (50, cy - r - 44)], _alpha(_lighter(metal, 0.4), 200), 4, solid=False)


def _straw(pen: Pen, length: float, width: float, colour: RGB, *, start: float = 0.0) -> None:
    """One flattened straw lying along +x with a pointed tip."""
    w = width / 2
    body = [(start, -w), (length - width, -w), (length, 0), (length - width, w), (start, w)]
    pen.polygon([(x, y * 1.25) for x, y in body], _darker(colour, 0.3))
    pen.polygon(body, colour)
    pen.line(
        [(start + 6, -w * 0.3), (length - width * 1.1, -w * 0.3)],
        _alpha(_lighter(colour, 0.5), 200),
        width * 0.22,
        solid=False,
    )


def _straw_star(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A Lithuanian straw star (šiaudinukas) with sixteen rays and a red thread binding."""
    thread = pal[0] if _luma(pal[0]) < 190 else BERRY
    _hanger(pen, 0, -300, thread, rng, width=4)
    for k in range(16):
        ray = pen.at(0, 0, angle=k * 22.5 + 11.25)
        _straw(ray, 215 + (k % 2) * 30, 20, _mix(STRAW, (240, 214, 150), rng.random() * 0.6), start=30)
    for k in range(8):
        ray = pen.at(0, 0, angle=k * 45 - 90)
        for side in (-1, 1):
            _straw(
                ray.at(0, side * 11, angle=-side * 1.5),
                320,
                22,
                _mix(STRAW, (198, 156, 80), rng.random() * 0.5),
                start=40,
            )
        ray.line([(250, -26), (250, 26)], thread, 6)
        ray.line([(262, -22), (262, 22)], thread, 6)
    for k in range(8):
        t = math.radians(k * 45 - 90 + 22.5)
        pen.line([(0, 0), (88 * math.cos(t), 88 * math.sin(t))], thread, 5)
    pen.ring(0, 0, 56, thread, 8)
    pen.ring(0, 0, 30, _darker(thread, 0.2), 7)
    pen.circle(0, 0, 16, thread)


def _straw_tube(pen: Pen, a: Point, b: Point, width: float = 11.0) -> None:
    """A round straw tube from a to b."""
    pen.line([a, b], _darker(STRAW, 0.35), width + 4)
    pen.line([a, b], STRAW, width)
    pen.line(
        [(a[0] - 2, a[1] - 2), (b[0] - 2, b[1] - 2)], _alpha((250, 232, 180), 210), width * 0.3, solid=False
    )


def _octahedron(pen: Pen, cx: float, cy: float, r: float, turn: float, width: float) -> list[Point]:
    """A straw octahedron seen slightly from above; returns its top, bottom and equator points."""
    top, bottom = (cx, cy - r * 1.25), (cx, cy + r * 1.25)
    ring = [
        (
            cx + r * math.cos(math.radians(turn + k * 90)),
            cy + 0.28 * r * math.sin(math.radians(turn + k * 90)),
        )
        for k in range(4)
    ]
    back = [p for p in ring if p[1] < cy]
    front = [p for p in ring if p[1] >= cy]
    for p in back:
        _straw_tube(pen, top, p, width)
        _straw_tube(pen, bottom, p, width)
    for p, q in zip(ring, ring[1:] + ring[:1], strict=True):
        _straw_tube(pen, p, q, width)
    for p in front:
        _straw_tube(pen, top, p, width)
        _straw_tube(pen, bottom, p, width)
    return [top, bottom, *ring]


def _straw_sodas(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A traditional straw "sodas" (himmeli) of octahedra with thread tassels."""
    thread = pal[0] if _luma(pal[0]) < 190 else BERRY
    _hanger(pen, 0, -320, thread, rng, width=4)
    turn = rng.uniform(5, 30)
    points = _octahedron(pen, 0, -20, 230, turn, 12)
    for x, y in (points[2], points[4]):
        pen.line([(x, y), (x, y + 40)], thread, 3)
        _octahedron(pen, x, y + 120, 70, turn + 20, 8)
        pen.line([(x, y + 208), (x, y + 250)], thread, 3)
        for k in range(7):
            pen.line([(x, y + 245), (x - 12 + k * 4, y + 300)], thread, 3)
    bx, by = points[1]
    _octahedron(pen, bx, by + 100, 60, turn + 45, 8)
    pen.circle(bx, by + 190, 10, GOLD)
    for k in range(9):
        pen.line([(bx, by + 190), (bx - 20 + k * 5, by + 262)], thread, 3)
    for x, y in points[:2]:
        pen.circle(x, y, 10, thread)


def _felt_heart(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A felted wool heart with blanket stitches, a wooden button and a twine loop."""
    felt = pal[0]
    thread = (244, 238, 224) if _luma(felt) < 170 else _darker(pal[1], 0.2)
    _hanger(pen, 0, -180, TWINE, rng, width=6)
    pen.polygon(_heart(8, 12, 17), _darker(felt, 0.3))
    pen.polygon(_heart(0, 0, 17), felt)
    for _ in range(260):  # wool fibres
        t = rng.uniform(0, 2 * math.pi)
        u = rng.uniform(0.05, 0.9)
        x = 16 * math.sin(t) ** 3 * 17 * u
        y = (-(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)) - 2.5) * 17 * u
        tone = _lighter(felt, 0.25) if rng.random() < 0.5 else _darker(felt, 0.15)
        a = rng.uniform(0, math.pi)
        pen.line([(x, y), (x + 10 * math.cos(a), y + 10 * math.sin(a))], _alpha(tone, 140), 2, solid=False)
    edge = _heart(0, 0, 14.6, 96)
    pen.dashed([*edge, edge[0]], thread, 5, 14, 10)
    if rng.random() < 0.5:
        pen.circle(0, 10, 44, (196, 160, 112), solid=False)
        pen.ring(0, 10, 34, _darker((196, 160, 112), 0.2), 4, solid=False)
        for x in (-12, 12):
            pen.circle(x, 10, 7, _darker((196, 160, 112), 0.5), solid=False)
        pen.line([(-12, 10), (12, 10)], thread, 4, solid=False)
    else:
        _snowflake(pen, 0, 10, 70, thread, 5)
    pen.polygon(_leaf(-130, -90, 40, 20, -30, 8), _mix(FIR, pal[1], 0.3), solid=False)
    pen.polygon(_leaf(-130, -90, 40, 20, 20, 8), _mix(FIR, pal[1], 0.3), solid=False)
    pen.circle(-132, -88, 9, _lighter(pal[2], 0.1) if _luma(pal[2]) < 200 else BERRY, solid=False)


def _wooden_angel(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A plywood angel with wood-burned details and a painted collar."""
    birch, burnt = (226, 196, 150), (92, 56, 32)
    _hanger(pen, 0, -268, TWINE, rng, width=6)
    wing_angles = {-1: 205.0, 1: -25.0}
    wings = [_leaf(side * 30, -70, 240, 150, wing_angles[side], 12) for side in (-1, 1)]
    hem = [(x, 250 + 18 * math.cos(x / 170 * math.pi / 2)) for x in range(170, -171, -20)]
    body: list[Point] = [(-46, -110), (46, -110), (172, 240), *hem, (-172, 240)]
    shapes = [*wings, body, _ellipse(0, -170, 72, 72)]
    pen.ring(7, -171, 86, burnt, 14)  # the halo and the silhouette's cut edge first
    for shape in shapes:
        pen.polygon([(x + 7, y + 9) for x, y in shape], burnt)
    pen.ring(0, -180, 86, birch, 14)
    for shape in shapes:
        pen.polygon(shape, birch)
    for side in (-1, 1):  # feathers burned into the wings
        wing = pen.at(side * 30, -70, angle=wing_angles[side])
        for offset in (-32, 0, 32):
            wing.line(
                _curve((70, offset * 0.6), (140, offset * 1.1), (205 - abs(offset) * 1.5, offset), 8),
                burnt,
                3.5,
                solid=False,
            )
    for y in range(-90, 245, 22):  # grain
        half = 46 + (172 - 46) * (y + 110) / 350 - 10
        pen.line(
            _curve((-half, y), (0, y + rng.uniform(-6, 6)), (half, y + rng.uniform(-4, 4)), 6),
            _alpha((180, 140, 90), 40),
            2,
            solid=False,
        )
    pen.ring(0, -180, 86, burnt, 3, solid=False)
    for x in (-26, 26):
        pen.line(_curve((x - 12, -172), (x, -162), (x + 12, -172), 6), burnt, 4, solid=False)
    for x in (-40, 40):  # rosy cheeks
        pen.circle(x, -145, 12, _alpha((232, 140, 128), 110), solid=False)
    pen.line(_curve((-14, -138), (0, -128), (14, -138), 6), burnt, 4, solid=False)
    for k in range(9):  # hair curls
        t = math.radians(200 + k * 17.5)
        pen.line(
            _curve(
                (62 * math.cos(t), -170 + 62 * math.sin(t)),
                (76 * math.cos(t + 0.15), -170 + 76 * math.sin(t + 0.15)),
                (66 * math.cos(t + 0.3), -170 + 66 * math.sin(t + 0.3)),
                5,
            ),
            burnt,
            3.5,
            solid=False,
        )
    pen.polygon(
        [(-52, -100), (52, -100), (62, -62), (-62, -62)],
        pal[0] if _luma(pal[0]) < 200 else pal[1],
        solid=False,
    )
    pen.dashed([(-58, -66), (58, -66)], _alpha(WHITE, 200), 3, 7, 6)
    band = pal[1] if abs(_luma(pal[1]) - _luma(birch)) > 40 else pal[0]
    pen.polygon(
        [(-150, 190), (150, 190), (166, 228), *[(x, y - 6) for x, y in hem], (-166, 228)], band, solid=False
    )
    for x in range(-140, 150, 28):
        pen.polygon([(x, 206), (x + 10, 216), (x, 226), (x - 10, 216)], _alpha(WHITE, 210), solid=False)
    pen.polygon(_heart(0, 40, 3.2), pal[0] if _luma(pal[0]) < 200 else BERRY, solid=False)


def _wood_slice(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A birch log slice with a wood-burned fir tree and painted baubles."""
    bark_outer = (238, 232, 218) if rng.random() < 0.5 else (110, 78, 52)
    bark_line = (60, 50, 44)
    r = 285
    _hanger(pen, 0, -230, TWINE, rng, width=6)
    outline = [
        (
            r * (1 + rng.uniform(-0.015, 0.015)) * math.cos(t),
            r * (1 + rng.uniform(-0.015, 0.015)) * math.sin(t),
        )
        for t in (2 * math.pi * i / 60 for i in range(60))
    ]
    pen.polygon([(x + 6, y + 10) for x, y in outline], _darker(bark_outer, 0.45))
    pen.polygon(outline, bark_outer)
    for _ in range(36):
        t = rng.uniform(0, 2 * math.pi)
        pen.line(
            [(270 * math.cos(t), 270 * math.sin(t)), (282 * math.cos(t + 0.05), 282 * math.sin(t + 0.05))],
            _alpha(bark_line, 180),
            4,
            solid=False,
        )
    pen.circle(0, 0, 258, (200, 158, 106))
    pen.circle(0, 0, 248, (234, 206, 160))
    cx, cy = rng.uniform(-14, 14), rng.uniform(-14, 14)
    for k in range(1, 13):
        rr = k * 19
        ring = [
            (
                cx * (1 - rr / 250) + rr * (1 + rng.uniform(-0.03, 0.03)) * math.cos(t),
                cy * (1 - rr / 250) + rr * (1 + rng.uniform(-0.03, 0.03)) * math.sin(t),
            )
            for t in (2 * math.pi * i / 40 for i in range(40))
        ]
        pen.line([*ring, ring[0]], _alpha((176, 128, 78), 80), 3, solid=False)
    pen.line([(10, 246), (18, 180), (12, 120)], _alpha((120, 80, 50), 150), 3, solid=False)  # a small crack
    burnt = (78, 46, 26)
    pen.line([(0, 150), (0, -150)], burnt, 7, solid=False)
    for k in range(7):
        y = -120 + k * 38
        span = 24 + k * 16
        for side in (-1, 1):
            pen.line([(0, y), (side * span, y + 24 + k * 2)], burnt, 5, solid=False)
    pen.polygon(_star(0, -168, 26, 10, 5), burnt, solid=False)
    pen.line([(-60, 150), (60, 150)], burnt, 5, solid=False)
    for x, y in ((-40, -30), (38, 10), (-70, 70), (64, 96), (0, 40)):
        pen.circle(x, y, 11, pal[0] if _luma(pal[0]) < 200 else BERRY, solid=False)
        pen.circle(x - 3, y - 3, 3, _alpha(WHITE, 190), solid=False)
    for x, y in ((-150, -100), (150, -120), (-170, 60), (160, 80)):
        _snowflake(pen, x, y, 20, burnt, 3)
    pen.circle(0, -230, 13, (70, 46, 30))


def _crochet_snowflake(pen: Pen, pal: Colours, rng: random.Random) -> None:
    """A starched crocheted snowflake in cotton thread."""
    thread = (246, 242, 232) if rng.random() < 0.6 else _mix((246, 242, 232), pal[2], 0.3)
    edge = _darker(thread, 0.22)
    _hanger(pen, 0, -318, thread, rng, width=4)

    def strand(points: Sequence[Point], width: float) -> None:
        pen.line(points, edge, width + 4)
        pen.line(points, thread, width)

    pen.ring(0, 0, 42, edge, 16)
    pen.ring(0, 0, 42, thread, 12, solid=False)
    for i in range(6):
        t = math.radians(-90 + i * 60)
        c, s = math.cos(t), math.sin(t)
        strand([(52 * c, 52 * s), (290 * c, 290 * s)], 11)
        for at, length, spread in ((120, 80, 48), (205, 58, 42)):
            bx, by = at * c, at * s
            for side in (-1, 1):
                u = t + side * math.radians(spread)
                tip = (bx + length * math.cos(u), by + length * math.sin(u))
                strand([(bx, by), tip], 8)
                pen.ring(tip[0] + 8 * math.cos(u), tip[1] + 8 * math.sin(u), 8, edge, 6)
        pen.ring(308 * c, 308 * s, 18, edge, 9)
        pen.ring(308 * c, 308 * s, 18, thread, 6, solid=False)
        u = t + math.radians(30)
        mid = (150 * math.cos(u), 150 * math.sin(u))
        strand(
            _curve(
                (95 * c, 95 * s),
                (mid[0] * 1.2, mid[1] * 1.2),
                (95 * math.cos(t + math.radians(60)), 95 * math.sin(t + math.radians(60))),
                10,
            ),
            7,
        )
        for k in range(70, 290, 16):  # stitches along the arm
            x, y = k * c, k * s
            pen.line([(x - 4 * s, y + 4 * c), (x + 4 * s, y - 4 * c)], _alpha(edge, 140), 2, solid=False)


# --- backdrops -----------------------------------------------------------------------------------------


def _noise(rng: random.Random, width: int, height: int) -> Image.Image:
    """Uniform grey noise, deterministic for the generator."""
    return Image.frombytes("L", (width, height), rng.randbytes(width * height))


def _soften(image: Image.Image, amount: int) -> Image.Image:
    """Squeeze an L image's values into 128 ± amount."""
    low = 128 - amount
    return image.point(lambda v: low + v * 2 * amount // 255)


def _blend(dark: RGB, light: RGB, texture: Image.Image) -> Image.Image:
    """Paint a texture (L, 0 = light, 255 = dark) with two colours."""
    bands = [
        texture.point([round(low + (high - low) * v / 255) for v in range(256)])
        for low, high in zip(light, dark, strict=True)
    ]
    return Image.merge("RGB", bands)


def _linen(size: int, rng: random.Random, light: RGB, dark: RGB) -> Image.Image:
    """Woven linen: threads both ways whose thickness wanders along their length, and a few slubs."""
    half = (size // 2, size // 2)  # one thread per pixel here, two in the picture
    along = max(2, size // 40)
    rows = _noise(rng, along, half[1]).resize(half, Image.Resampling.BICUBIC)
    cols = _noise(rng, half[0], along).resize(half, Image.Resampling.BICUBIC)
    slubs = _noise(rng, max(2, size // 160), size // 3).resize(half, Image.Resampling.BICUBIC)
    weave = ImageChops.add(rows, cols, 2.0, 0).point(lambda v: max(0, min(255, 128 + (v - 128) * 2)))
    weave = ImageChops.add(weave, slubs.point(lambda v: 128 + max(0, v - 200) * 2), 1.0, -128)
    fine = _soften(_noise(rng, size, size), 50)
    texture = ImageChops.add(weave.resize((size, size), Image.Resampling.BILINEAR), fine, 2.0, 0)
    return _blend(dark, light, texture.point(lambda v: max(0, min(255, 128 + (v - 128) * 3 // 2))))


def _wood(size: int, rng: random.Random, light: RGB, dark: RGB) -> Image.Image:
    """Planks of wood with long grain and dark seams."""
    half = (size // 2, size // 2)
    coarse = _noise(rng, 10, size // 3).resize(half, Image.Resampling.BICUBIC)
    fine = _noise(rng, 40, size // 2).resize(half, Image.Resampling.BILINEAR)
    grain = ImageChops.add(coarse, fine, 2.0, 0).point(lambda v: max(0, min(255, 128 + (v - 128) * 3)))
    grain = grain.resize((size, size), Image.Resampling.BILINEAR)
    image = _blend(dark, light, grain)
    draw = ImageDraw.Draw(image, "RGBA")
    planks = rng.choice((3, 4))
    edge = rng.uniform(-0.3, 0.3) * size / planks
    height = size / planks
    for i in range(planks + 1):
        y = edge + i * height
        draw.rectangle((0, y, size, y + height), fill=(0, 0, 0, rng.randint(0, 40)))
        draw.line((0, y, size, y), fill=(*_darker(dark, 0.5), 230), width=max(2, size // 300))
        draw.line(
            (0, y + size // 300 + 1, size, y + size // 300 + 1), fill=(*_lighter(light, 0.2), 90), width=1
        )
    return image.transpose(Image.Transpose.ROTATE_90) if rng.random() < 0.5 else image


def _backdrop(name: str, size: int, rng: random.Random) -> Image.Image:
    """A textured surface to photograph the product on."""
    if name == "linen":
        return _linen(size, rng, (236, 229, 214), (196, 184, 162))
    if name == "grey-linen":
        return _linen(size, rng, (204, 202, 196), (150, 148, 142))
    if name == "oak":
        return _wood(size, rng, (214, 170, 118), (150, 102, 62))
    if name == "walnut":
        return _wood(size, rng, (122, 82, 56), (66, 42, 30))
    return _wood(size, rng, (232, 226, 214), (186, 176, 160))  # whitewashed boards


BACKDROPS = ("linen", "oak", "walnut", "grey-linen", "whitewashed")


def _light(size: int, rng: random.Random) -> Image.Image:
    """Soft window light from the upper left, falling off towards the corners."""
    n = 24
    lx, ly = rng.uniform(0.15, 0.4), rng.uniform(0.1, 0.3)
    values = []
    for y in range(n):
        for x in range(n):
            d = math.hypot(x / (n - 1) - lx, y / (n - 1) - ly)
            values.append(max(0, min(255, round(255 * (1.0 - 0.42 * d**1.6)))))
    small = Image.new("L", (n, n))
    small.putdata(values)
    return small.resize((size, size), Image.Resampling.BICUBIC)


def _shadow(
    mask: Image.Image, size: int, *, blur: float, offset: Point, strength: float, factor: int
) -> Image.Image:
    """How much light the objects take from the backdrop (L, 255 = untouched), worked out at 1/factor."""
    small = mask.reduce(factor).filter(ImageFilter.GaussianBlur(blur * size / factor))
    moved = Image.new("L", small.size)
    moved.paste(small, (round(offset[0] * size / factor), round(offset[1] * size / factor)))
    return moved.resize((size, size), Image.Resampling.BILINEAR).point(lambda v: 255 - round(v * strength))


# --- scenes --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Motif:
    """How to draw one kind of product."""

    kind: str  # "card", "envelope" or "ornament"
    draw: Callable[[Pen, Colours, random.Random], None]
    backdrops: tuple[str, ...]


_LIGHT = ("linen", "oak", "whitewashed", "grey-linen")
_ANY = ("linen", "oak", "walnut", "whitewashed", "grey-linen")
_DARK = ("walnut", "oak", "grey-linen")

_MOTIFS: dict[str, _Motif] = {
    "card_fir_tree": _Motif("card", _card_fir_tree, _ANY),
    "card_cross_stitch": _Motif("card", _card_cross_stitch, ("oak", "walnut", "grey-linen")),
    "card_star": _Motif("card", _card_star, _LIGHT),
    "card_snowflakes": _Motif("card", _card_snowflakes, _LIGHT),
    "card_village_house": _Motif("card", _card_village_house, _LIGHT),
    "card_bullfinch": _Motif("card", _card_bullfinch, ("oak", "walnut", "linen")),
    "card_pressed_flowers": _Motif("card", _card_pressed_flowers, ("oak", "walnut", "grey-linen")),
    "card_quilling_wreath": _Motif("card", _card_quilling_wreath, ("oak", "walnut", "linen")),
    "envelope_wax_seal": _Motif("envelope", _envelope_wax_seal, ("linen", "walnut", "whitewashed")),
    "envelope_twine": _Motif("envelope", _envelope_twine, ("walnut", "linen", "whitewashed")),
    "envelope_lined": _Motif("envelope", _envelope_lined, ("whitewashed", "walnut", "linen")),
    "glass_bauble": _Motif("ornament", _bauble, _ANY),
    "straw_star": _Motif("ornament", _straw_star, _DARK),
    "straw_sodas": _Motif("ornament", _straw_sodas, _DARK),
    "felt_heart": _Motif("ornament", _felt_heart, _ANY),
    "wooden_angel": _Motif("ornament", _wooden_angel, ("walnut", "grey-linen", "linen")),
    "wood_slice": _Motif("ornament", _wood_slice, ("walnut", "grey-linen", "linen")),
    "crochet_snowflake": _Motif("ornament", _crochet_snowflake, ("walnut", "grey-linen", "oak")),
}

MOTIFS: tuple[str, ...] = tuple(_MOTIFS)

_SCALE = {"card": 0.9, "envelope": 0.95, "ornament": 1.0}
_PROPS = {
    "card": ("sprig", "berries", "anise", "cone"),
    "envelope": ("sprig", "cinnamon", "cone", "berries"),
    "ornament": ("sprig", "cone", "berries", "anise"),
}
_CORNERS: tuple[tuple[float, float, float], ...] = (
    (-430, -430, 45),
    (430, -430, 135),
    (430, 430, -135),
    (-430, 430, -45),
)


def _place_props(pen: Pen, kind: str, variant: int, rng: random.Random) -> None:
    """Two or three seasonal props in the corners, partly out of the frame."""
    first = rng.randrange(4)
    corners = [_CORNERS[first], _CORNERS[(first + 2) % 4]]
    if variant % 2 == 1:
        corners.append(_CORNERS[(first + 1) % 4])
    names = list(_PROPS[kind])
    rng.shuffle(names)
    for (x, y, towards), name in zip(corners, ["sprig", *names], strict=False):
        if name == "sprig":
            out = math.radians(towards + 180)
            origin = (x + 150 * math.cos(out), y + 150 * math.sin(out))
            _fir_sprig(
                pen.at(*origin, angle=towards + rng.uniform(-20, 20), scale=rng.uniform(0.9, 1.15)), rng
            )
        else:
            inward = math.radians(towards)
            pen_at = pen.at(x + 20 * math.cos(inward), y + 20 * math.sin(inward), angle=rng.uniform(0, 360))
            PROPS[name](pen_at, rng)


def draw_product_image(
    motif: str, palette: tuple[str, str, str], *, variant: int = 0, seed: str = "", size: int = PHOTO_SIZE
) -> Image.Image:
    """Draw a square product photo of a handmade item in the given motif and colours."""
    try:
        spec = _MOTIFS[motif]
    except KeyError:
        raise ValueError(f"unknown motif {motif!r}; known: {', '.join(MOTIFS)}") from None
    colours: Colours = (_rgb(palette[0]), _rgb(palette[1]), _rgb(palette[2]))
    # Seeded generators make the pictures reproducible; nothing here is a secret.
    scene_rng = random.Random(f"scene:{motif}:{seed}:{variant}")  # noqa: S311
    design_rng = random.Random(f"design:{motif}:{seed}")  # noqa: S311 - same object on every photo

    work = size * SUPERSAMPLE
    colour = Image.new("RGB", (work, work))
    mask = Image.new("L", (work, work))
    pen = Pen.for_scene(colour, mask)
    _place_props(pen, spec.kind, variant, scene_rng)
    scale = _SCALE[spec.kind] * (1.0 if variant % 2 == 0 else 1.18)
    angle = (
        scene_rng.uniform(-5, 5) if variant % 2 == 0 else scene_rng.choice((-1, 1)) * scene_rng.uniform(7, 13)
    )
    shift = 15 if variant % 2 == 0 else 60
    spec.draw(
        pen.at(scene_rng.uniform(-shift, shift), scene_rng.uniform(-shift, shift), scale=scale, angle=angle),
        colours,
        design_rng,
    )
    colour = colour.reduce(SUPERSAMPLE)
    mask = mask.reduce(SUPERSAMPLE)

    first = random.Random(f"backdrop:{seed}").randrange(len(spec.backdrops))  # noqa: S311
    backdrop = _backdrop(spec.backdrops[(first + variant) % len(spec.backdrops)], size, scene_rng)
    soft = _shadow(mask, size, blur=0.018, offset=(0.018, 0.026), strength=0.5, factor=8)
    contact = _shadow(mask, size, blur=0.003, offset=(0.002, 0.004), strength=0.35, factor=2)
    uncovered = ImageChops.multiply(ImageChops.multiply(soft, contact), ImageChops.invert(mask))
    image = ImageChops.add(ImageChops.multiply(backdrop, uncovered.convert("RGB")), colour)
    grain = _noise(scene_rng, size, size).point(lambda v: 255 - v * 16 // 255)  # the camera's noise
    return ImageChops.multiply(image, ImageChops.multiply(_light(size, scene_rng), grain).convert("RGB"))
