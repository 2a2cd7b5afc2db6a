"""A small day-by-day timeline of a person's availability windows, in local time.

Each window is drawn in the zone of its site (the window's location, else the host's site,
else the program's zone); program slots are drawn as faint bands in the person's home zone
so staff see which slots a window covers. Clicking a bar selects that window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from exchange_app.domain import Host, Person, Scenario, Window, zone

SITE_COLORS = ("#3b7dd8", "#2e9e6b", "#c9782b", "#8e5cc4", "#c44d6e", "#3aa0a8", "#7a8b2b", "#b35c2e")


def window_zone(window: Window, person: Person | None, scenario: Scenario) -> str:
    """The zone a window is shown in: its site's, else the host's site's, else the program's."""
    sites = {x.id: x.timezone for x in scenario.locations}
    if window.location and window.location in sites:
        return sites[window.location]
    if isinstance(person, Host) and person.location in sites:
        return sites[person.location]
    return scenario.program.timezone


def home_zone(person: Person | None, scenario: Scenario, windows: list[Window]) -> str:
    """The zone used for slot bands: the host's site, else the most common window site."""
    sites = {x.id: x.timezone for x in scenario.locations}
    if isinstance(person, Host) and person.location in sites:
        return sites[person.location]
    counts: dict[str, int] = {}
    for w in windows:
        if w.location in sites:
            counts[sites[w.location]] = counts.get(sites[w.location], 0) + 1
    if counts:
        return max(counts, key=lambda z: counts[z])
    return scenario.program.timezone


def zone_abbrev(dt: datetime) -> str:
    name = dt.tzname() or ""
    return name if name and name[0] not in "+-" else f"UTC{name}"


@dataclass(frozen=True, slots=True)
class Bar:
    """One drawn piece of a window on one local day (hours as floats 0..24)."""

    window: int
    day: date
    start_h: float
    end_h: float
    site: str | None
    text: str


def layout_bars(windows: list[Window], zones: list[str]) -> list[Bar]:
    """Split each window into per-day pieces in its own local time."""
    bars: list[Bar] = []
    for i, (w, zname) in enumerate(zip(windows, zones, strict=False)):
        z = zone(zname)
        start, end = w.start.astimezone(z), w.end.astimezone(z)
        text = f"{start:%a %d %b %H:%M}–{end:%H:%M} {zone_abbrev(start)}"
        day = start.date()
        while True:
            day_start = datetime.combine(day, datetime.min.time(), z)
            day_end = day_start + timedelta(days=1)
            a = max(start, day_start)
            b = min(end, day_end)
            if b > a:
                bars.append(
                    Bar(
                        i,
                        day,
                        (a - day_start).total_seconds() / 3600,
                        (b - day_start).total_seconds() / 3600,
                        w.location,
                        text,
                    )
                )
            if end <= day_end:
                break
            day += timedelta(days=1)
    return bars


class AvailabilityTimeline(QWidget):
    """Rows are days, the x axis is the local hour; windows are coloured bars per site."""

    window_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Availability timeline")
        self.setAccessibleDescription("Availability windows by day in local time; the list below edits them")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the window list is the keyboard route
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._bars: list[Bar] = []
        self._days: list[date] = []
        self._slot_bands: dict[date, list[tuple[float, float]]] = {}
        self._site_color: dict[str | None, QColor] = {}
        self._site_name: dict[str | None, str] = {}
        self._hours = (7, 20)
        self._selected = -1
        self._hit: list[tuple[QRectF, Bar]] = []
        self._slot_zone = ""

    def set_data(self, person: Person | None, windows: list[Window], scenario: Scenario) -> None:
        zones = [window_zone(w, person, scenario) for w in windows]
        self._bars = layout_bars(windows, zones)
        if isinstance(person, Host):  # a host's window without a site is at their site
            self._bars = [
                Bar(b.window, b.day, b.start_h, b.end_h, b.site or person.location, b.text)
                for b in self._bars
            ]
        hz = home_zone(person, scenario, windows)
        self._slot_zone = hz
        bands: dict[date, list[tuple[float, float]]] = {}
        for s in scenario.slots:
            for b in layout_bars([Window(start=s.start, end=s.end)], [hz]):
                bands.setdefault(b.day, []).append((b.start_h, b.end_h))
        self._slot_bands = bands
        self._days = sorted({b.day for b in self._bars} | set(bands))
        spans = [(b.start_h, b.end_h) for b in self._bars] + [x for v in bands.values() for x in v]
        if spans:
            lo = max(0, int(min(a for a, _ in spans)))
            hi = min(24, int(max(b for _, b in spans) + 0.999))
            self._hours = (min(lo, 8), max(hi, lo + 6, 18))
        else:
            self._hours = (7, 20)
        sites = {x.id: x.name for x in scenario.locations}
        self._site_color = {}
        self._site_name = {None: "anywhere"}
        for i, x in enumerate(scenario.locations):
            self._site_color[x.id] = QColor(SITE_COLORS[i % len(SITE_COLORS)])
            self._site_name[x.id] = sites[x.id]
        self._site_color[None] = QColor("#6b7785")
        if self._selected >= len(windows):
            self._selected = -1
        self.updateGeometry()
        self.update()

    def site_icon(self, site: str | None) -> QIcon:
        """A swatch in the site's bar colour (the legend beside the window list)."""
        size = max(10, QFontMetrics(self.font()).height() - 4)
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._site_color.get(site, self._site_color.get(None, QColor("#6b7785"))))
        p.drawRoundedRect(0, 0, size, size, 3, 3)
        p.end()
        return QIcon(pix)

    def set_selected(self, window: int) -> None:
        self._selected = window
        self.update()

    def days(self) -> list[date]:
        return list(self._days)

    def bars(self) -> list[Bar]:
        return list(self._bars)

    # --- geometry
    def _metrics(self) -> tuple[int, int, int]:
        fm = QFontMetrics(self.font())
        row_h = fm.height() + 8
        label_w = fm.horizontalAdvance("Wed 28 Oct") + 12
        header_h = fm.height() + 6
        return row_h, label_w, header_h

    def sizeHint(self) -> QSize:
        row_h, label_w, header_h = self._metrics()
        return QSize(label_w + 16 * 28, header_h + row_h * max(1, len(self._days)) + 6)

    def minimumSizeHint(self) -> QSize:
        row_h, label_w, header_h = self._metrics()
        return QSize(label_w + 200, header_h + row_h * max(1, len(self._days)) + 4)

    def _x(self, hour: float, label_w: int) -> float:
        lo, hi = self._hours
        width = max(1, self.width() - label_w - 8)
        return label_w + (hour - lo) / (hi - lo) * width

    # --- painting
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        row_h: float  # the metrics' height, stretched to fill the widget below
        row_h, label_w, header_h = self._metrics()
        if self._days:  # fill the height we were given, so no day is ever cut off
            row_h = max(
                QFontMetrics(self.font()).height() + 2, (self.height() - header_h - 2) / len(self._days)
            )
        lo, hi = self._hours
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        text_pen = QPen(pal.color(QPalette.ColorRole.Text))
        grid = pal.color(QPalette.ColorRole.Mid)
        grid.setAlpha(90)
        small = QFont(self.font())
        p.setFont(small)
        fm = QFontMetrics(small)
        step = 1 if (hi - lo) <= 12 else 2
        for h in range(lo, hi + 1):
            x = self._x(h, label_w)
            p.setPen(QPen(grid, 1))
            p.drawLine(int(x), header_h, int(x), self.height())
            if (h - lo) % step == 0 and h < hi:
                p.setPen(text_pen)
                p.drawText(int(x) + 2, fm.ascent() + 2, f"{h:02d}")
        band = pal.color(QPalette.ColorRole.Highlight)
        band.setAlpha(28)
        self._hit = []
        for r, day in enumerate(self._days):
            y = header_h + r * row_h
            p.setPen(text_pen)
            p.drawText(
                QRectF(2, y, label_w - 6, row_h),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                f"{day:%a %d %b}",
            )
            for a, b in self._slot_bands.get(day, []):
                x0, x1 = self._x(max(a, lo), label_w), self._x(min(b, hi), label_w)
                if x1 > x0:
                    p.fillRect(QRectF(x0 + 1, y + 1, max(1.0, x1 - x0 - 2), row_h - 2), band)
            p.setPen(QPen(grid, 1))
            p.drawLine(label_w, int(y + row_h), self.width(), int(y + row_h))
        day_row = {d: i for i, d in enumerate(self._days)}
        for bar in self._bars:
            row = day_row.get(bar.day)
            if row is None:
                continue
            y = header_h + row * row_h
            x0, x1 = self._x(max(bar.start_h, lo), label_w), self._x(min(bar.end_h, hi), label_w)
            rect = QRectF(x0, y + 4, max(2.0, x1 - x0), row_h - 8)
            color = QColor(self._site_color.get(bar.site, self._site_color.get(None, QColor("#6b7785"))))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(rect, 3, 3)
            if bar.window == self._selected:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(pal.color(QPalette.ColorRole.Text), 2))
                p.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 4, 4)
            self._hit.append((rect, bar))
        if not self._days:
            p.setPen(text_pen)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No availability windows")
        p.end()

    def _bar_at(self, pos: QPointF) -> Bar | None:
        for rect, bar in self._hit:
            if rect.adjusted(-2, -2, 2, 2).contains(pos):
                return bar
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        bar = self._bar_at(event.position())
        if bar is not None:
            self.set_selected(bar.window)
            self.window_clicked.emit(bar.window)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        bar = self._bar_at(event.position())
        if bar is not None:
            QToolTip.showText(
                event.globalPosition().toPoint(),
                f"{bar.text} · {self._site_name.get(bar.site, bar.site)}",
                self,
            )
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)
