"""Version 1 of the JSON API, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs).

Authentication is a bearer token (other systems) or the browser session (with CSRF on unsafe
methods); the token comes first so that a token-carrying request is never judged by the
session's CSRF rule. Every operation has an explicit url_name in the "api-v1" namespace, which
the access-matrix test reverses.
"""

from __future__ import annotations

from api.auth import SessionCsrfAuth
from api.errors import ChineseErrorsAPI, ReadableJSONRenderer, install_handlers
from api.routers import compliance, groups, me, norms, people, posts, regions, schools, terms
from api.tokens import BearerTokenAuth
from observe import api as observe_api
from quality import api as quality_api

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

api.add_router("/me", me.router)
api.add_router("/regions", regions.router)
api.add_router("/schools", schools.router)
api.add_router("/people", people.router)
api.add_router("/posts", posts.router)
api.add_router("/terms", terms.router)
api.add_router("/groups", groups.router)
api.add_router("/norms", norms.router)
api.add_router("/compliance", compliance.router)
# Domain apps' routers (each under the same auth and the same access policy).
api.add_router("/observe", observe_api.router)
api.add_router("/quality", quality_api.router)
