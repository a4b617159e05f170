from django.urls import URLPattern, path

from quality.views import analysis, class_teachers, corrections, exams, imports, reports, subgroups, warnings

app_name = "quality"
urlpatterns: list[URLPattern] = [
    path("", exams.home, name="home"),
    path("exams/new/", exams.exam_create, name="exam_create"),
    path("exams/<int:exam_id>/", exams.exam_detail, name="exam_detail"),
    path("exams/<int:exam_id>/settings/", exams.exam_settings, name="exam_settings"),
    path("exams/<int:exam_id>/imports/", imports.import_list, name="import_list"),
    path("exams/<int:exam_id>/class-teachers/", class_teachers.class_teacher_import, name="class_teacher_import"),
    path("exams/<int:exam_id>/class-teachers/template.xlsx", class_teachers.class_teacher_template,
         name="class_teacher_template"),
    path("exams/<int:exam_id>/warnings/evaluate/", warnings.exam_warnings_evaluate, name="exam_warnings_evaluate"),
    path("exams/<int:exam_id>/report.docx", reports.exam_report, name="exam_report"),
    path("exams/<int:exam_id>/report/edit/", reports.exam_report_edit, name="exam_report_edit"),
    path("exams/<int:exam_id>/schools/<str:code>/report.docx", reports.school_report, name="school_report"),
    path("exams/<int:exam_id>/schools/<str:code>/report/edit/", reports.school_report_edit, name="school_report_edit"),
    path("papers/<int:paper_id>/blueprint/", exams.paper_blueprint, name="paper_blueprint"),
    path("papers/<int:paper_id>/items/", analysis.paper_items, name="paper_items"),
    path("papers/<int:paper_id>/balance/", analysis.paper_balance, name="paper_balance"),
    path("papers/<int:paper_id>/value-added/", analysis.paper_value_added, name="paper_value_added"),
    path("papers/<int:paper_id>/irt/", analysis.paper_irt, name="paper_irt"),
    path("papers/<int:paper_id>/schools/<str:code>/students/", analysis.school_students, name="school_students"),
    path("papers/<int:paper_id>/schools/<str:code>/students/<int:student_id>/correct/", corrections.score_correct,
         name="score_correct"),
    path("imports/<int:batch_id>/", imports.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/undo/", imports.import_undo, name="import_undo"),
    path("imports/<int:batch_id>/discard/", imports.import_discard, name="import_discard"),
    path("warnings/", warnings.warning_list, name="warning_list"),
    path("warnings/<int:warning_id>/", warnings.warning_detail, name="warning_detail"),
    path("rules/", warnings.rules, name="rules"),
    # Results by student subgroup (issue 15).
    path("exams/<int:exam_id>/subgroups/", subgroups.exam_subgroups, name="exam_subgroups"),
    path("exams/<int:exam_id>/student-attributes/", subgroups.student_attributes, name="student_attributes"),
]
