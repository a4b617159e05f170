"""From a verified identity to one existing person of the provider's region, or a refusal that
says why in Chinese. Nobody is created here: the region's people and accounts come from the
roster and the admins."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.models import Person, User
from core.paths import under_q
from integrations.signin.models import MappingClaim, PersonIdentity, SignInProvider
from integrations.signin.protocols import Identity

# The claim an OIDC ID token carries each mapping value in, unless the provider names another.
DEFAULT_CLAIM_NAMES = {MappingClaim.ID_NUMBER_HASH: "id_number_hash", MappingClaim.STAFF_CODE: "staff_code",
                       MappingClaim.PHONE: "phone_number"}


@dataclass(frozen=True)
class Refusal:
    title: str
    message: str


def normalise_phone(raw: str) -> str:
    """Digits only, without the country code: "+86 138-0000-0000" → "13800000000"."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def claim_value(provider: SignInProvider, identity: Identity) -> str:
    if provider.kind == "oidc":
        name = provider.claim_name or DEFAULT_CLAIM_NAMES[MappingClaim(provider.claim)]
        raw = identity.claims.get(name, "")
    elif provider.claim == MappingClaim.PHONE:
        raw = identity.claims.get("phone", "")
    elif provider.claim == MappingClaim.STAFF_CODE:
        raw = identity.claims.get("staff_code", "")
    else:
        # 钉钉 and 企业微信 give no ID number: their own user id is what the mapping table holds.
        raw = identity.subject
    value = str(raw or "").strip()
    if provider.claim == MappingClaim.PHONE:
        return normalise_phone(value)
    if provider.claim == MappingClaim.ID_NUMBER_HASH:
        return value.lower()
    return value


def find_user(provider: SignInProvider, identity: Identity) -> User | Refusal:
    """The account of the one active person of the region's subtree the identity maps to."""
    label = MappingClaim(provider.claim).label
    value = claim_value(provider, identity)
    if not value:
        return Refusal("无法识别您的身份",
                       f"{provider.name}没有提供用于匹配人员的信息（{label}），请联系本区域的平台管理员。")
    people = Person.objects.filter(under_q([provider.region.path], "org__path"), is_active=True)
    if provider.claim == MappingClaim.STAFF_CODE:
        people = people.filter(code=value)
    elif provider.claim == MappingClaim.PHONE:
        # Phone numbers are typed by hand with spaces or dashes; compare digits.
        near = people.filter(phone__contains=value[-4:]).only("pk", "phone")
        candidates = [p.pk for p in near if normalise_phone(p.phone) == value]
        people = people.filter(pk__in=candidates)
    else:
        people = people.filter(pk__in=PersonIdentity.objects.filter(claim=provider.claim, value=value)
                               .values("person_id"))
    found = list(people.select_related("user")[:2])
    if not found:
        return Refusal("没有找到对应的人员",
                       f"您的{label}在{provider.region.name}的人员档案中没有对应的人员。平台不会自动创建账号，"
                       "请联系本区域的平台管理员核对人员档案或身份映射后再试。")
    if len(found) > 1:
        return Refusal("匹配到多名人员",
                       f"您的{label}在{provider.region.name}对应了不止一名人员，无法确定是谁。"
                       "请联系本区域的平台管理员核对人员档案。")
    person = found[0]
    user: User | None = getattr(person, "user", None)
    if user is None or not user.is_active:
        return Refusal("该人员尚未开通账号",
                       f"已找到人员“{person.name}”，但其尚未开通平台账号或账号已停用。请联系本区域的平台管理员开通。")
    return user
