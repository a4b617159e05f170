"""Forms of the sign-in pages (they keep what the admin typed; the secret is never shown back)."""

from __future__ import annotations

from typing import Any

from django import forms

from integrations.signin.models import MappingClaim, ProviderKind, SignInMethod


class ProviderForm(forms.Form):
    region = forms.ChoiceField(label="所属区域")
    kind = forms.ChoiceField(label="类型", choices=ProviderKind.choices)
    name = forms.CharField(label="按钮名称", max_length=40, initial="省级统一身份认证",
                           help_text="登录页按钮显示为“使用……登录”")
    issuer = forms.CharField(label="Issuer / 接口地址", max_length=200, required=False,
                             help_text="统一身份认证：平台提供的 Issuer（其下有 /.well-known/openid-configuration）；"
                                       "钉钉、企业微信留空即用官方地址")
    authorize_url = forms.CharField(label="登录页地址（钉钉、企业微信）", max_length=200, required=False,
                                    help_text="留空即用官方地址")
    client_id = forms.CharField(label="Client ID / AppKey / CorpID", max_length=100)
    client_secret = forms.CharField(label="Client Secret / AppSecret", required=False,
                                    widget=forms.PasswordInput(render_value=False))
    agent_id = forms.CharField(label="AgentId（企业微信）", max_length=20, required=False)
    claim = forms.ChoiceField(label="匹配人员的依据", choices=MappingClaim.choices)
    claim_name = forms.CharField(label="声明名称（统一身份认证）", max_length=60, required=False,
                                 help_text="身份凭证中携带匹配值的声明名；留空时按匹配方式使用默认声明名（见接入说明）")
    password_allowed = forms.BooleanField(label="本区域仍允许用户名密码登录", required=False, initial=True)
    enabled = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["region"]
            del self.fields["kind"]
            self.fields["client_secret"].help_text = "留空则保留原密钥"
        else:
            self.fields["region"].choices = regions  # type: ignore[attr-defined]  # a ChoiceField


class IdentityForm(forms.Form):
    person = forms.CharField(label="人员编号", max_length=32)
    value = forms.CharField(label="身份证号哈希", max_length=200,
                            help_text="统一身份认证平台提供的该人员身份证号哈希值（平台不保存身份证号本身）")


class LogFilterForm(forms.Form):
    method = forms.ChoiceField(label="方式", required=False, choices=[("", "全部"), *SignInMethod.choices])
    q = forms.CharField(label="用户", required=False, max_length=40)
