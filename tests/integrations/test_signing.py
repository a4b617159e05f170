"""integrations.signing against values computed by hand (openssl), without a database:

    printf '1577262236757\\nSEC0123456789abcdef' | openssl dgst -sha256 -hmac 'SEC0123456789abcdef' -binary | base64
    -> Pgr6tpIpjVrMPPJUPkaI9sivFPPTYOy5zIOMF2GPFMA=
    printf '{"a":1}' | openssl dgst -sha256 -hmac 'whsec'
    -> 19373ef0e8c66f206e49d251e4402291615bbce6ef00922e94a47a213fb76ee1
"""

from __future__ import annotations

import json

from integrations import signing

SECRET = "SEC0123456789abcdef"
TS = 1577262236757
SIGN_B64 = "Pgr6tpIpjVrMPPJUPkaI9sivFPPTYOy5zIOMF2GPFMA="


def test_dingtalk_sign_is_the_url_encoded_base64_hmac() -> None:
    # "+", "/" and "=" of base64 are URL-encoded ("=" -> %3D).
    assert signing.dingtalk_sign(SECRET, TS) == "Pgr6tpIpjVrMPPJUPkaI9sivFPPTYOy5zIOMF2GPFMA%3D"


def test_dingtalk_url_appends_timestamp_and_sign() -> None:
    url = "https://oapi.dingtalk.com/robot/send?access_token=abc"
    assert signing.dingtalk_url(url, SECRET, TS) == (
        f"{url}&timestamp={TS}&sign=Pgr6tpIpjVrMPPJUPkaI9sivFPPTYOy5zIOMF2GPFMA%3D")
    assert signing.dingtalk_url("http://x/send", SECRET, TS).startswith(f"http://x/send?timestamp={TS}&sign=")
    # A robot with keyword security instead of 加签 keeps its URL.
    assert signing.dingtalk_url(url, "", TS) == url


def test_robot_bodies() -> None:
    assert signing.dingtalk_text("你好", ["13800000000"]) == {
        "msgtype": "text", "text": {"content": "你好"}, "at": {"atMobiles": ["13800000000"], "isAtAll": False}}
    assert signing.wecom_text("你好") == {"msgtype": "text", "text": {"content": "你好"}}
    assert signing.wecom_text("你好", ["138"]) == {"msgtype": "text",
                                                  "text": {"content": "你好", "mentioned_mobile_list": ["138"]}}


def test_webhook_signature_is_hex_hmac_of_the_exact_body() -> None:
    body = signing.body_bytes({"a": 1})
    assert body == b'{"a":1}'
    assert signing.webhook_signature("whsec", body) == (
        "sha256=19373ef0e8c66f206e49d251e4402291615bbce6ef00922e94a47a213fb76ee1")
    assert signing.webhook_signature_valid("whsec", body, signing.webhook_signature("whsec", body))
    assert not signing.webhook_signature_valid("whsec", b'{"a": 1}', signing.webhook_signature("whsec", body))
    # Chinese stays UTF-8 (what is signed is what is sent).
    assert json.loads(signing.body_bytes({"t": "听课"}).decode()) == {"t": "听课"}
    assert "听课".encode() in signing.body_bytes({"t": "听课"})


def test_robot_reply() -> None:
    assert signing.robot_reply_ok(200, b'{"errcode":0,"errmsg":"ok"}') == (True, "")
    assert signing.robot_reply_ok(200, b'{"errcode":310000,"errmsg":"sign not match"}') == (
        False, "errcode 310000：sign not match")
    assert signing.robot_reply_ok(500, b"") == (False, "HTTP 500")
    assert signing.robot_reply_ok(200, b"<html>") == (False, "接收方返回的不是 JSON")


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [signing.backoff_seconds(n) for n in (1, 2, 3, 4)] == [30.0, 60.0, 120.0, 240.0]
    assert signing.backoff_seconds(20) == 3600.0
    assert signing.backoff_seconds(3, base=0) == 0.0


def test_mask_query() -> None:
    assert signing.mask_query("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret") == (
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=%2A%2A%2A")


def test_work_message_bodies() -> None:
    assert signing.dingtalk_work_message("2800001", "uid1", "你好") == {
        "agent_id": 2800001, "userid_list": "uid1", "msg": {"msgtype": "text", "text": {"content": "你好"}}}
    assert signing.wecom_app_message("1000002", "HeJing", "你好") == {
        "touser": "HeJing", "msgtype": "text", "agentid": 1000002, "text": {"content": "你好"}}
