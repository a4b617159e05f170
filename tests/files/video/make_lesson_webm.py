"""Regenerates lesson.webm, the tiny lesson video of the video-observation tests (60 s, 48x32,
5 frames a second, VP8): a bar that moves one step a second over a background whose shade changes
every 10 s, so a seek lands on a frame that differs from its neighbours.

Needs Debian's vpx-tools (vpxenc); run from this folder: python3 make_lesson_webm.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WIDTH, HEIGHT, FPS, SECONDS = 48, 32, 5, 60


def frames() -> bytes:
    out = bytearray(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
    for i in range(FPS * SECONDS):
        second = i // FPS
        shade = 40 + 30 * (second // 10)
        bar = second % WIDTH
        y = bytearray([shade] * (WIDTH * HEIGHT))
        for row in range(HEIGHT):
            y[row * WIDTH + bar] = 235
        out += b"FRAME\n" + bytes(y) + bytes([128] * (WIDTH * HEIGHT // 2))
    return bytes(out)


def main() -> None:
    here = Path(__file__).resolve().parent
    raw = here / "lesson.y4m"
    raw.write_bytes(frames())
    try:
        subprocess.run(["vpxenc", "--codec=vp8", "--target-bitrate=8", "--kf-max-dist=10", "--good", "--quiet",
                        "-o", str(here / "lesson.webm"), str(raw)], check=True)
    finally:
        raw.unlink()
    print((here / "lesson.webm").stat().st_size, "bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
