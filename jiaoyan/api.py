"""Version 1 of the JSON API, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs): wiring only. Each app owns its module-level `router`; the plumbing they share
(authentication, errors, pagination, reference shapes) is the `api` package, which imports no
app's router, so no app and `api` import each other.

Authentication is a bearer token (other systems) or the browser session (with CSRF on unsafe
methods); the token comes first so that a token-carrying request is never judged by the
session's CSRF rule. Every operation has an explicit url_name in the "api-v1" namespace, which
the access-matrix test reverses.
"""

from __future__ import annotations

import appraisal.api
import core.api
import growth.api
import integrations.api
import liaison.api
import observe.api
import projects.api
import quality.api
import research.api
import visits.api
from api.auth import SessionCsrfAuth
from api.errors import ChineseErrorsAPI, ReadableJSONRenderer, install_handlers
from api.tokens import BearerTokenAuth

api = ChineseErrorsAPI(
    title="教研平台数据接口",
    version="1.0.0",
    description="教研平台 JSON 接口。认证：请求头 `Authorization: Bearer <令牌>`（由 `manage.py api_token` 生成），"
                "或已登录的浏览器会话（写操作须带 CSRF 令牌）。超出调用者权限范围的对象一律返回 404。",
    urls_namespace="api-v1",
    auth=[BearerTokenAuth(), SessionCsrfAuth()],
    renderer=ReadableJSONRenderer(),
)
install_handlers(api)

api.add_router("", core.api.router)
# Domain apps' routers (each under the same auth and the same access policy).
api.add_router("/observe", observe.api.router)
api.add_router("/visits", visits.api.router)
api.add_router("/quality", quality.api.router)
api.add_router("/research", research.api.router)
api.add_router("/liaison", liaison.api.router)
api.add_router("/growth", growth.api.router)
api.add_router("/projects", projects.api.router)
api.add_router("/appraisal", appraisal.api.router)
api.add_router("/integrations", integrations.api.router)
