"""The site's error pages: 404, 403 and 500 in Chinese, in the site's layout, with a way back.

Under /api/ the same errors answer JSON (the API's clients read `detail`): these handlers answer
plain text there and api.errors.JsonErrorsMiddleware gives it the API's JSON shape.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from core.http import is_api_request

log = logging.getLogger(__name__)

MESSAGES = {
    403: ("没有权限", "您的账号没有打开此页面的权限。如需使用，请联系所在单位的平台管理员。"),
    404: ("页面不存在", "没有找到您要打开的页面，它可能已被删除、地址有误，或不在您的查看范围内。"),
    500: ("系统出错了", "服务器处理请求时出错，我们已记录此问题。请稍后重试；如果反复出现，请联系平台管理员。"),
}


def _answer(request: HttpRequest, status: int) -> HttpResponse:
    title, text = MESSAGES[status]
    if is_api_request(request):
        # api.errors.JsonErrorsMiddleware turns every non-JSON error under /api/ into the API's
        # JSON answer ({"detail": "没有找到该接口或对象"}); the page is never drawn there.
        return HttpResponse(title, status=status, content_type="text/plain; charset=utf-8")
    back = request.META.get("HTTP_REFERER", "")
    try:
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) \
                or back == request.build_absolute_uri():
            back = ""
    except Exception:  # a host Django refuses: no way back but the workbench
        back = ""
    body: str
    try:
        body = loader.render_to_string(f"{status}.html", {"error_title": title, "error_text": text,
                                                          "status": status, "back": back}, request=request)
    except Exception:  # the layout itself failed (its menu reads the database): a bare page
        log.exception("error page %s could not be rendered in the layout", status)
        body = (f'<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>{title} · 教研平台</title>'
                f'<h1>{title}</h1><p>{text}</p><p><a href="/">返回工作台</a></p></html>')
    return HttpResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 403)


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(request, 500)
