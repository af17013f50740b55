"""ProgressDelegate: a style-drawn progress bar in the Status cell while a
package is storing, ordinary painting otherwise. Checked two ways: a proxy
style records what was asked of it, and the pixels of real renders differ."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QProxyStyle,
    QStyle,
    QStyledItemDelegate,
    QStyleOption,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.gui.packages import progress_delegate
from veripost_desktop.gui.packages.progress_delegate import (
    DEFAULT_STATUS_ROLE,
    ProgressDelegate,
    ProgressRole,
    progress_fraction,
)

CELL = QRect(0, 0, 160, 24)


class SpyStyle(QProxyStyle):
    """The app's style, recording every progress bar it is asked to draw."""

    def __init__(self) -> None:
        super().__init__("Fusion")
        self.bars: list[tuple[int, int, int, str]] = []

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.ControlElement.CE_ProgressBar:
            assert isinstance(option, QStyleOptionProgressBar)
            self.bars.append((option.minimum, option.maximum, option.progress, option.text))
        super().drawControl(element, option, painter, widget)


def status_model(progress: Any, status: Any, text: str = "storing 50%") -> QStandardItemModel:
    model = QStandardItemModel(1, 1)
    item = QStandardItem(text)
    item.setData(progress, ProgressRole)
    item.setData(status, DEFAULT_STATUS_ROLE)
    model.setItem(0, 0, item)
    return model


@pytest.fixture
def view(qtbot: QtBot) -> QTableView:
    table = QTableView()
    qtbot.addWidget(table)
    table.resize(300, 100)
    return table


def render(
    view: QTableView,
    model: QStandardItemModel,
    delegate: QStyledItemDelegate | None = None,
) -> QImage:
    """One cell painted by ``delegate`` into an image, as the view would."""
    view.setModel(model)
    delegate = delegate or ProgressDelegate(view)
    index = model.index(0, 0)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = CELL
    option.widget = view
    image = QImage(CELL.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    return image


def test_progress_role_is_exported_and_distinct() -> None:
    assert ProgressRole == Qt.ItemDataRole.UserRole + 10
    assert progress_delegate.ProgressRole is ProgressRole
    assert ProgressRole != DEFAULT_STATUS_ROLE


def test_a_storing_cell_is_drawn_as_the_styles_progress_bar(view: QTableView) -> None:
    spy = SpyStyle()
    view.setStyle(spy)
    render(view, status_model((50, 100), PackageStatus.STORING, "storing 50%"))
    assert spy.bars == [(0, 1000, 500, "storing 50%")]


def test_sizes_past_two_gib_still_fit_the_bar(view: QTableView) -> None:
    spy = SpyStyle()
    view.setStyle(spy)
    total = 6 * 1024**3
    render(view, status_model((total // 4, total), PackageStatus.STORING, ""))
    assert spy.bars == [(0, 1000, 250, "25%")]  # no text from the model: the percentage


@pytest.mark.parametrize(
    ("progress", "status"),
    [
        (None, PackageStatus.STORING),  # no progress yet
        ((0, 0), PackageStatus.STORING),  # nothing to store
        ((5, 10), PackageStatus.PARSING),  # storing is over
        ((5, 10), PackageStatus.READY),
        ((5, 10), None),  # the model says nothing about the status
        ("5/10", PackageStatus.STORING),  # not a (done, total) pair
    ],
)
def test_anything_else_is_painted_as_usual(
    view: QTableView, progress: Any, status: PackageStatus | None
) -> None:
    spy = SpyStyle()
    view.setStyle(spy)
    model = status_model(progress, status)
    mine = render(view, model)
    assert spy.bars == []
    assert mine == render(view, model, QStyledItemDelegate(view))


def test_pixels_change_with_progress(view: QTableView) -> None:
    empty = render(view, status_model((0, 100), PackageStatus.STORING, ""))
    full = render(view, status_model((100, 100), PackageStatus.STORING, ""))
    half = render(view, status_model((50, 100), PackageStatus.STORING, ""))
    plain = render(view, status_model((50, 100), PackageStatus.PARSING, ""))
    assert empty != full
    assert half not in (empty, full)
    assert plain not in (empty, half, full)
    # The filled part grows from the leading edge: the first quarter of the
    # bar is filled at 50 % and not at 0 %.
    y = CELL.height() // 2
    x = CELL.width() // 4
    assert half.pixelColor(x, y) != empty.pixelColor(x, y)
    assert half.pixelColor(x, y) == full.pixelColor(x, y)


def test_status_may_be_a_record_a_status_or_its_text(qtbot: QtBot) -> None:
    record = SimpleNamespace(status=PackageStatus.STORING)
    for status in (record, PackageStatus.STORING, "storing"):
        model = status_model((1, 4), status)
        assert progress_fraction(model.index(0, 0), DEFAULT_STATUS_ROLE) == 0.25
    model = status_model((9, 4), "storing")  # a late tick past the total
    assert progress_fraction(model.index(0, 0), DEFAULT_STATUS_ROLE) == 1.0
    assert progress_fraction(QModelIndex(), DEFAULT_STATUS_ROLE) is None
    assert (
        progress_fraction(status_model((1, 4), "nonsense").index(0, 0), DEFAULT_STATUS_ROLE) is None
    )


def test_a_custom_status_role(view: QTableView) -> None:
    spy = SpyStyle()
    view.setStyle(spy)
    role = Qt.ItemDataRole.UserRole + 42
    model = status_model((3, 4), None, "")
    model.item(0, 0).setData(PackageStatus.STORING, role)
    render(view, model, ProgressDelegate(view, status_role=role))
    assert spy.bars == [(0, 1000, 750, "75%")]


def test_in_a_real_view(qtbot: QtBot, view: QTableView) -> None:
    spy = SpyStyle()
    view.setStyle(spy)
    model = status_model((30, 100), PackageStatus.STORING, "storing 30%")
    view.setModel(model)
    view.setItemDelegateForColumn(0, ProgressDelegate(view))
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # renders the view now, through its delegates
    assert (0, 1000, 300, "storing 30%") in spy.bars
