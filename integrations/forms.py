"""Page forms of the integrations app: they check the shape of the input; the services check the
rules (and the forms show the services' refusals next to the field they name)."""

from __future__ import annotations

from typing import Any

from django import forms

from integrations.models import SUBSCRIBABLE, WORK_KINDS, ChannelKind, DeliveryStatus, EventKind, PreferenceMode


def _chinese_messages(form: forms.Form) -> None:
    for f in form.fields.values():
        f.error_messages = {**f.error_messages, "required": f"{f.label}：必填",
                            "invalid": f"{f.label}：格式不正确", "invalid_choice": f"{f.label}：请从列表中选择",
                            "max_length": f"{f.label}：不能超过%(limit_value)d个字符"}


class ChannelForm(forms.Form):
    region = forms.ChoiceField(label="所属区域")
    kind = forms.ChoiceField(label="类型", choices=ChannelKind.choices)
    name = forms.CharField(label="名称", max_length=60)
    url = forms.CharField(label="地址（Webhook URL）", max_length=500,
                          widget=forms.TextInput(attrs={"placeholder": "https://oapi.dingtalk.com/robot/send?access_token=…"}))
    secret = forms.CharField(label="密钥（钉钉加签 SEC… / Webhook 签名密钥 / 工作通知的 AppSecret）", max_length=200, required=False,
                             widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))
    app_key = forms.CharField(label="AppKey / CorpID（仅工作消息）", max_length=100, required=False)
    agent_id = forms.CharField(label="AgentId（仅工作消息）", max_length=20, required=False)
    events = forms.MultipleChoiceField(label="发送的事件", choices=[(k.value, k.label) for k in SUBSCRIBABLE],
                                       widget=forms.CheckboxSelectMultiple, initial=[EventKind.NOTIFICATION])
    enabled = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], editing: str | bool = False, **kwargs: Any) -> None:
        """`editing`: False on the new-channel page, else the edited channel's kind."""
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = regions
        if editing is not False:
            # Region and kind are what the channel is; a different one is a new channel.
            del self.fields["region"], self.fields["kind"]
            if editing not in WORK_KINDS:
                del self.fields["app_key"], self.fields["agent_id"]
            self.fields["secret"].help_text = "留空则保留原密钥"
            # The address carries the robot's access token or key: not shown back either.
            self.fields["url"].required = False
            self.fields["url"].help_text = "留空则保留原地址"
        _chinese_messages(self)


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(label="接收方式", choices=PreferenceMode.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _chinese_messages(self)


class DeliveryFilterForm(forms.Form):
    channel = forms.TypedChoiceField(label="渠道", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *DeliveryStatus.choices])
    event = forms.ChoiceField(label="事件", required=False, choices=[("", "全部"), *EventKind.choices])

    def __init__(self, *args: Any, channels: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        channel.choices = [("", "全部"), *channels]
        _chinese_messages(self)
