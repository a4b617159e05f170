"""The demo logins: one user per role, all with the same published password.

They are created at every scale; the principal, vice principal, middle manager, group leader and
teacher work in one school (the first county's 实验小学, whose groups are confirmed), inside the
county of the county researcher, whose subject (小学语文) is the teacher's.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from core.models import Person, User

DEMO_PASSWORD = "jiaoyan-demo-2026"

# (username, 角色, 说明), in the order the start script prints them.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("demo-sysadmin", "系统管理员", "超级用户，不关联人员，可见全部数据"),
    ("demo-institute_head", "教研机构负责人", "省教育科学研究院负责人，可见全省"),
    ("demo-province_researcher", "省级教研员", "省教科院专职教研员（一个学段学科），可见全省"),
    ("demo-city_researcher", "市级教研员", "市教科院专职教研员（一个学段学科），可见全市"),
    ("demo-county_researcher", "县级教研员", "演示县（区）小学语文专职教研员"),
    ("demo-part_time_researcher", "兼职教研员", "演示县（区）学校教师，兼任县级兼职教研员"),
    ("demo-county_admin", "区域管理员", "演示县（区）的区域管理员，可维护本区数据"),
    ("demo-bureau_viewer", "教育行政查看", "演示县（区）教育局人员，只读查看本区"),
    ("demo-principal", "校长", "演示学校（演示县实验小学）校长"),
    ("demo-vice_principal", "教学副校长", "演示学校教学副校长"),
    ("demo-middle_manager", "中层干部", "演示学校教务/教科室主任"),
    ("demo-group_leader", "教研组长", "演示学校语文教研组长"),
    ("demo-teacher", "教师", "演示学校语文教师"),
    ("demo-no_post", "无岗位用户", "未关联人员和岗位，只能看到自己的信息"),
]


def role_key(username: str) -> str:
    return username.removeprefix("demo-")


def demo_usernames() -> list[str]:
    return [u for u, _, _ in DEMO_LOGINS]


def logins_create(picks: dict[str, int]) -> dict[str, int]:
    """Create the demo users for the chosen people (login key -> person pk); returns key -> user pk.

    The password is hashed once and shared: argon2 is deliberately slow and these are all the
    same published password anyway.
    """
    password = make_password(DEMO_PASSWORD)
    people = Person.objects.in_bulk(list(picks.values()))
    out: dict[str, int] = {}
    for username, label, _ in DEMO_LOGINS:
        key = role_key(username)
        if key == "sysadmin":
            user = User(username=username, name="系统管理员", is_staff=True, is_superuser=True, password=password)
        elif key == "no_post":
            user = User(username=username, name="演示访客", password=password)
        else:
            if key not in picks:
                raise RuntimeError(f"演示账号 {username}（{label}）没有找到合适的人员")
            person = people[picks[key]]
            user = User(username=username, name=person.name, person=person, password=password)
        user.save()
        out[key] = user.pk
    return out
