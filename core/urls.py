from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from core.views import audit, auth, groups, norms, org, people, terms, workbench

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", workbench.workbench, name="workbench"),
    path("org/", org.org_browser, name="org_browser"),
    path("org/<str:code>/", org.node_detail, name="node_detail"),
    path("org/<str:code>/groups/", groups.school_groups, name="school_groups"),
    path("org/<str:code>/groups/propose/", groups.school_groups_propose, name="school_groups_propose"),
    path("org/<str:code>/groups/confirm/", groups.school_groups_confirm, name="school_groups_confirm"),
    path("schools/", org.schools_list, name="schools_list"),
    path("people/", people.people_list, name="people_list"),
    path("people/<str:code>/", people.person_detail, name="person_detail"),
    path("groups/", groups.groups_list, name="groups_list"),
    path("groups/<int:group_id>/", groups.group_detail, name="group_detail"),
    path("groups/<int:group_id>/move/", groups.group_move_member, name="group_move_member"),
    path("norms/", norms.compliance, name="compliance"),
    path("norms/<str:code>/", norms.norm_detail, name="norm_detail"),
    path("terms/", terms.terms_list, name="terms_list"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("", include("core.import_urls")),
    path("", include("core.roster_urls")),
]
