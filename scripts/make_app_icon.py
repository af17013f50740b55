"""Render resources/icons/app.svg into a Windows .ico (16 to 256 px).

Run by ``build_installer.spec`` at build time, so no generated binary is kept
in the repository and the .ico always matches the SVG:

    python scripts/make_app_icon.py build/veripost.ico

Qt draws the sizes (QtSvg, as the app does); the ICO container is written
here because Qt's ICO writer stores one image per file. Each entry holds a
PNG, which Windows reads from Vista on.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from veripost_desktop.gui.widgets.icons import render_svg_image  # noqa: E402

SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def png_bytes(svg: bytes, size: int) -> bytes:
    image = render_svg_image(svg, size)
    if image is None:
        raise ValueError("app.svg is not valid SVG")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # the stub says bytes; PySide6 wants str
        raise RuntimeError(f"could not encode the {size} px image as PNG")
    buffer.close()
    return bytes(data.data())


def write_ico(svg_path: Path, ico_path: Path, sizes: tuple[int, ...] = SIZES) -> Path:
    svg = svg_path.read_bytes()
    images = [png_bytes(svg, size) for size in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, data in zip(sizes, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    ico_path.parent.mkdir(parents=True, exist_ok=True)
    ico_path.write_bytes(header + entries + b"".join(images))
    return ico_path


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "build" / "veripost.ico"
    write_ico(ROOT / "resources" / "icons" / "app.svg", target)
    print(f"wrote {target} ({', '.join(str(s) for s in SIZES)} px)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
