"""The coding settings an observer chooses on the form (recording mode, sampling intervals, the
D code, the open tab), as stored with the draft and the record (Observation.coding_settings).

Pure functions, no database: `clean_settings` turns what a form or a phone sent into the stored
shape or raises `SettingsError` with a Chinese message naming the setting.
"""

from __future__ import annotations

import json
import math
from typing import Any, TypedDict

from core.errors import DomainError

RECORDING_MODES = {"timed": "计时采样", "tap": "逐次记录"}
TABS = ("st", "fias")
ST_DEFAULT_INTERVAL = 30.0
FIAS_DEFAULT_INTERVAL = 3.0
INTERVAL_RANGE = (1.0, 120.0)


class CodingSettings(TypedDict):
    mode: str  # one of RECORDING_MODES
    st_interval: float
    fias_interval: float
    dialogue: bool
    tab: str  # one of TABS


class SettingsError(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="coding_settings")


def default_settings() -> CodingSettings:
    return {"mode": "timed", "st_interval": ST_DEFAULT_INTERVAL, "fias_interval": FIAS_DEFAULT_INTERVAL,
            "dialogue": False, "tab": "st"}


def _interval(raw: Any, label: str, default: float) -> float:
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"{label}采样间隔：应为数字（秒）") from None
    low, high = INTERVAL_RANGE
    if not math.isfinite(value) or not low <= value <= high:
        raise SettingsError(f"{label}采样间隔：应在 {low:g} 到 {high:g} 秒之间")
    return value


def clean_settings(raw: str | dict[str, Any] | None) -> CodingSettings:
    """The stored settings from a JSON string or a dict; missing keys take the defaults."""
    if raw in (None, ""):
        return default_settings()
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise SettingsError("编码设置无效，请刷新页面后重试") from None
    if not isinstance(raw, dict):
        raise SettingsError("编码设置无效，请刷新页面后重试")
    mode = raw.get("mode") or "timed"
    if mode not in RECORDING_MODES:
        raise SettingsError("记录方式：应为计时采样或逐次记录")
    tab = raw.get("tab") or "st"
    return {"mode": str(mode), "tab": str(tab) if tab in TABS else "st",
            "st_interval": _interval(raw.get("st_interval"), "S-T ", ST_DEFAULT_INTERVAL),
            "fias_interval": _interval(raw.get("fias_interval"), "FIAS ", FIAS_DEFAULT_INTERVAL),
            "dialogue": raw.get("dialogue") in (True, 1, "1", "true")}
