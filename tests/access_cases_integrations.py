"""Access-matrix rows for the integrations app's pages and API (integrations:channels,
channel_new, channel_edit, channel_disable, channel_test, deliveries, preferences;
api-v1:integrations_delivery_list)."""

from __future__ import annotations

from typing import Any

from tests.access_cases import EVERYONE, Case

# Channels are the region admins' (county A's admin for county A's channel) and the system admin's.
ADMINS = frozenset({"sysadmin", "county_admin"})
# Everyone with a person record sets their own notification choice.
WITH_PERSON = frozenset(EVERYONE - {"sysadmin", "no_post"})


def make_channel(cast: Any) -> Any:
    """County A's DingTalk robot, pointing at a closed loopback port (a test message fails fast)."""
    from integrations.services import channel_create

    return channel_create(actor=None, region=cast.county_a, kind="dingtalk_robot", name="小店区教研群",
                          url="http://127.0.0.1:9/robot/send?access_token=matrix", secret="SECmatrix0123456789",
                          events=["notification"])


def _channel(cast: Any) -> list[Any]:
    return [make_channel(cast).pk]


def _new_channel(cast: Any) -> dict[str, Any]:
    return {"region": cast.county_a.code, "kind": "wecom_robot", "name": "新渠道",
            "url": "http://127.0.0.1:9/cgi-bin/webhook/send?key=k", "secret": "", "events": ["notification"],
            "enabled": "on"}


def _edit_channel(cast: Any) -> dict[str, Any]:
    return {"name": "改名的渠道", "url": "http://127.0.0.1:9/robot/send?access_token=matrix", "secret": "",
            "events": ["notification", "warning.raised"], "enabled": "on"}


CASES = [
    Case("integrations:channels", ADMINS, note="区域管理员和系统管理员"),
    Case("integrations:channel_new", ADMINS),
    Case("integrations:channel_new", ADMINS, method="POST", data=_new_channel, ok_status=(302,), note="create"),
    Case("integrations:channel_edit", ADMINS, args=_channel),
    Case("integrations:channel_edit", ADMINS, args=_channel, method="POST", data=_edit_channel, ok_status=(302,),
         note="save"),
    Case("integrations:channel_disable", ADMINS, args=_channel, method="POST", ok_status=(302,)),
    Case("integrations:channel_test", ADMINS, args=_channel, method="POST", ok_status=(302,),
         note="发送测试消息（接收端未开，记为失败）"),
    Case("integrations:deliveries", ADMINS),
    Case("integrations:deliveries", ADMINS, query="status=failed&event=test", note="filtered"),
    Case("integrations:preferences", EVERYONE, note="每个人的通知设置（无人员档案的账号只看到说明）"),
    Case("integrations:preferences", WITH_PERSON, method="POST", data=lambda cast: {"mode": "robot"},
         ok_status=(302,), note="save own"),
    Case("api-v1:integrations_delivery_list", ADMINS),
]
