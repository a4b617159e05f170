from django.urls import URLPattern, path

from observe.views import analysis, archive, designer, feedback, observations, quota, video

app_name = "observe"
urlpatterns: list[URLPattern] = [
    path("", observations.home, name="home"),
    path("new/", observations.observation_new, name="new"),
    path("autosave/", observations.observation_autosave, name="autosave"),
    path("sw.js", observations.service_worker, name="sw"),
    path("<int:observation_id>/", observations.observation_detail, name="detail"),
    path("<int:observation_id>/edit/", observations.observation_edit, name="edit"),
    path("<int:observation_id>/acknowledge/", feedback.acknowledge, name="acknowledge"),
    path("<int:observation_id>/reflect/", feedback.reflect, name="reflect"),
    path("<int:observation_id>/release/", feedback.release, name="release"),
    path("<int:observation_id>/video/", video.video_page, name="video"),
    path("<int:observation_id>/video/upload/", video.video_upload, name="video_upload"),
    path("<int:observation_id>/video/stream/", video.video_stream, name="video_stream"),
    path("<int:observation_id>/video/codes/", video.video_codes, name="video_codes"),
    path("<int:observation_id>/video/comments/", video.video_comments, name="video_comments"),
    path("attachments/<int:attachment_id>/", observations.attachment, name="attachment"),
    path("received/", feedback.received, name="received"),
    path("notifications/", feedback.notifications, name="notifications"),
    path("quota/", quota.quota, name="quota"),
    path("analysis/", analysis.analysis, name="analysis"),
    path("archive/<str:code>/", archive.archive, name="archive"),
    path("archive/<str:code>/docx/", archive.archive_docx, name="archive_docx"),
    path("archive/<str:code>/years/<int:year>/", archive.archive_year, name="archive_year"),
    path("archive/<str:code>/notes/", archive.archive_note_create, name="archive_note_create"),
    path("archive-notes/<int:note_id>/delete/", archive.archive_note_remove, name="archive_note_delete"),
    path("templates/", designer.templates, name="templates"),
    path("templates/<int:template_id>/", designer.template_detail, name="template_detail"),
    path("templates/<int:template_id>/draft/", designer.template_draft, name="template_draft"),
    path("templates/<int:template_id>/edit/", designer.template_edit, name="template_edit"),
    path("templates/<int:template_id>/publish/", designer.template_publish, name="template_publish"),
]
