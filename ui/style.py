"""Look of the app: Fusion with a light or dark palette that follows the system or the
View > Theme choice, plus a small style sheet (``resources/style/app.qss``)."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    p = QPalette()
    # fields and tables a little lighter than the window: Fusion outlines check boxes with a
    # darker shade of the window colour, which must stand out against the base colour
    window, base, alt, text = (
        QColor(40, 42, 46),
        QColor(56, 59, 64),
        QColor(62, 65, 70),
        QColor(228, 231, 235),
    )
    disabled = QColor(128, 132, 138)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, alt)
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor(60, 63, 68))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, disabled)
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, window)
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor(255, 110, 110))
        p.setColor(group, QPalette.ColorRole.Link, QColor(110, 170, 255))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor(52, 110, 190))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
        p.setColor(group, QPalette.ColorRole.Light, QColor(70, 73, 78))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor(58, 61, 66))
        p.setColor(group, QPalette.ColorRole.Mid, QColor(90, 94, 100))
        p.setColor(group, QPalette.ColorRole.Dark, QColor(20, 21, 23))
        p.setColor(group, QPalette.ColorRole.Shadow, QColor(0, 0, 0))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor(70, 73, 78))
    return p


def light_palette() -> QPalette:
    fusion = QStyleFactory.create("Fusion")
    return fusion.standardPalette()


def style_sheet(dark: bool) -> str:
    text = resources.files("resources").joinpath("style/app.qss").read_text("utf-8")
    colors = (
        {"{error}": "#ff8080", "{error_bg}": "#3a2426", "{hint}": "#a7adb5"}
        if dark
        else {"{error}": "#b00020", "{error_bg}": "#fdecee", "{hint}": "#5f6670"}
    )
    for key, value in colors.items():
        text = text.replace(key, value)
    return text


def apply_theme(app: QApplication, theme: str = "system") -> bool:
    """Fusion with the palette for ``theme`` (system/light/dark); returns True when dark."""
    if theme not in THEMES:
        theme = "system"
    app.setStyle("Fusion")
    dark = theme == "dark" or (theme == "system" and system_is_dark())
    app.setPalette(dark_palette() if dark else light_palette())
    app.setStyleSheet(style_sheet(dark))
    app.setProperty("exchange_dark", dark)
    return dark
