"""The columns and code tables of the two national export sheets the roster sync reads.

Pure: no Django. The values returned are the trunk's choice values (core.models.Title, Stage,
SchoolType, Locale, Gender), spelled here as plain strings; tests/test_roster_codes.py checks
that every one of them is a value of its TextChoices, so the two cannot drift apart.

Sources, as the sheets are used in practice:

* 全国教师管理信息系统 (the national teacher management information system, 教育部教师工作司),
  its 教职工基本信息 export: 姓名, 身份证件类型, 身份证件号, 性别, 出生日期, 学校标识码, 教职工号,
  参加工作年月, 从教起始年月, 岗位类别 / 教职工类别, 任教学段, 任教学科, 专业技术职务, 在岗状态
  (人员状态). The system exports labels (中文值), not codes, for most enumerations; codes are
  accepted where the code table is national and stable (性别, GB/T 2261.1-2003: 1 男, 2 女).
  专业技术职务 is read by name, including the names before the 2015 reform (人社部发〔2015〕79号),
  which map as core.importing.columns.OLD_TITLE_NAMES says; a bare numeric code in that column
  is refused with a message asking for the name, because the code edition differs by export year.
* 教育事业统计 / 学校基础信息 (the education statistics system's school base sheet): 学校标识码
  (the 10-digit national school identifier), 学校名称, 办学类型 (教育部《教育统计报表》学校(机构)
  办学类型代码: 111 幼儿园, 211 小学, 218 小学教学点, 311 初级中学, 312 九年一贯制学校,
  341 完全中学, 342 高级中学, 345 十二年一贯制学校, and the other types this platform does not
  cover, such as 361 中等职业学校 or 511 特殊教育学校, which are skipped with a note), 城乡分类
  (国家统计局《统计用区划和城乡划分代码》: 111 主城区, 112 城乡结合区 → 城区; 121 镇中心区,
  122 镇乡结合区, 123 特殊区域 → 镇区; 210 乡中心区, 220 村庄 → 乡村), 所在地行政区划代码
  (6-digit GB/T 2260 county code, or the 9- or 12-digit 统计用区划代码 whose first 6 digits are
  the county), 班级数, 学生数 (在校生数).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Source(StrEnum):
    TEACHERS = "teachers"
    SCHOOLS = "schools"

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self]


SOURCE_LABELS: dict[Source, str] = {
    Source.TEACHERS: "教师信息（全国教师管理信息系统导出）",
    Source.SCHOOLS: "学校基础信息（教育事业统计导出）",
}


class CodeProblem(Exception):
    """A cell that cannot be read; the message is the reason shown to the user, in Chinese."""


@dataclass(frozen=True)
class SheetColumn:
    """One column of an export sheet: the canonical header, the headers also accepted, whether
    the sync cannot run without it, and what it holds (shown on the upload page)."""

    key: str
    header: str
    required: bool
    fmt: str
    aliases: tuple[str, ...] = ()


TEACHER_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("name", "姓名", True, "文字，不超过40字", ("教职工姓名", "教师姓名")),
    SheetColumn("id_type", "身份证件类型", False, "居民身份证、护照等；留空按居民身份证", ("证件类型",)),
    SheetColumn("id_number", "身份证件号", True, "18位居民身份证号（校验位须正确）或其他证件号；只保存其摘要",
                ("身份证件号码", "证件号码", "证件号", "身份证号", "身份证号码", "公民身份号码")),
    SheetColumn("gender", "性别", False, "男、女，或代码1、2；留空按身份证号推断", ("性别码",)),
    SheetColumn("birth", "出生日期", False, "日期或年月；留空按身份证号推断", ("出生年月",)),
    SheetColumn("school", "学校标识码", True, "10位学校标识码（学校须已在平台中）", ("学校代码", "单位标识码", "所在学校标识码")),
    SheetColumn("staff_code", "教职工号", False, "字母、数字、短横线，不超过32位；作为人员编号", ("工号", "人员编号")),
    SheetColumn("work_since", "参加工作年月", False, "年月，如2005-09", ("参加工作时间",)),
    SheetColumn("teach_since", "从教起始年月", False, "年月，如2005-09", ("从教年月", "从教时间", "从教起始时间")),
    SheetColumn("post_kind", "岗位类别", False, "专任教师、专业技术岗位、管理岗位、工勤技能岗位、教辅人员等",
                ("教职工类别", "岗位类型")),
    SheetColumn("stage", "任教学段", False, "学前、小学、初中、高中", ("任课学段", "学段")),
    SheetColumn("subjects", "任教学科", False, "学科名称，多个用顿号分隔；第一个为主教学科",
                ("任课学科", "主要任教学科", "任教课程")),
    SheetColumn("title", "专业技术职务", False, "正高级教师、高级教师、一级教师、二级教师、三级教师；也接受改革前的旧名称",
                ("职称", "现聘专业技术职务", "聘任专业技术职务", "专业技术职务（职称）")),
    SheetColumn("status", "在岗状态", False, "在岗；离岗、退休、调出、离职、辞职、死亡等视为不在岗", ("人员状态", "在职状态")),
)

SCHOOL_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("code", "学校标识码", True, "10位数字", ("学校代码", "标识码", "机构标识码")),
    SheetColumn("name", "学校名称", True, "文字，不超过100字", ("学校（机构）名称", "学校(机构)名称", "机构名称", "单位名称")),
    SheetColumn("school_type", "办学类型", True, "代码（如211）或名称（如小学）",
                ("办学类型代码", "学校（机构）类别", "学校(机构)类别", "学校类别")),
    SheetColumn("locale", "城乡分类", False, "代码（如111、220）或城区、镇区、乡村", ("城乡分类代码", "城乡类别", "城乡属性")),
    SheetColumn("region", "所在地行政区划代码", True, "6位县级行政区划代码（9位、12位统计用区划代码取前6位）",
                ("行政区划代码", "所在地区划代码", "区划代码", "所在地代码")),
    SheetColumn("class_count", "班级数", False, "不小于0的整数", ("教学班数", "班数")),
    SheetColumn("student_count", "学生数", False, "不小于0的整数", ("在校生数", "在校学生数")),
)

COLUMNS: dict[Source, tuple[SheetColumn, ...]] = {Source.TEACHERS: TEACHER_COLUMNS, Source.SCHOOLS: SCHOOL_COLUMNS}


def normal(text: str) -> str:
    """Full-width forms become ASCII, spaces go: how headers and enumerated cells are matched."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "").strip()


def header_key(text: str) -> str:
    """Headers match ignoring spaces, width, brackets' width and a required-marker star."""
    return normal(text).strip("*＊")


def header_index(source: Source) -> dict[str, str]:
    """Every accepted header (normalised) -> the column key."""
    out: dict[str, str] = {}
    for col in COLUMNS[source]:
        for h in (col.header, *col.aliases):
            out[header_key(h)] = col.key
    return out


# ---------------------------------------------------------------- code tables

GENDER = {"男": "m", "女": "f", "1": "m", "2": "f", "男性": "m", "女性": "f"}

TITLES = {
    "正高级教师": "zhenggao", "正高级": "zhenggao",
    "高级教师": "gaoji", "高级": "gaoji", "副高级教师": "gaoji", "副高级": "gaoji",
    "一级教师": "yiji", "一级": "yiji", "二级教师": "erji", "二级": "erji", "三级教师": "sanji", "三级": "sanji",
    # Before the 2015 reform (人社部发〔2015〕79号): the same mapping as core.importing.columns.
    "中学高级教师": "gaoji", "中学一级教师": "yiji", "中学二级教师": "erji", "中学三级教师": "sanji",
    "小学高级教师": "yiji", "小学一级教师": "erji", "小学二级教师": "sanji", "小学三级教师": "sanji",
    "幼儿园高级教师": "yiji", "幼儿园一级教师": "erji", "幼儿园二级教师": "sanji",
    "未定级": "none", "未评": "none", "无": "none", "未聘": "none", "": "none",
}

STAGES = {"学前": "preschool", "学前教育": "preschool", "幼儿园": "preschool", "小学": "primary",
          "初中": "junior", "初级中学": "junior", "高中": "senior", "高级中学": "senior", "普通高中": "senior"}

# 岗位类别 (管理岗位/专业技术岗位/工勤技能岗位) and 教职工类别 (专任教师/行政人员/教辅人员/...)
# both arrive in this column; only teaching staff get teacher posts.
TEACHING_POST_KINDS = frozenset({"专任教师", "专业技术岗位", "教师", "专任教师岗位"})
OTHER_POST_KINDS = frozenset({"管理岗位", "工勤技能岗位", "行政人员", "教辅人员", "工勤人员", "校办企业职工",
                              "其他附设机构人员", "代课教师", "兼任教师", "其他"})

IN_POST = frozenset({"在岗", "在职", "在编在岗", "正常"})
NOT_IN_POST = frozenset({"离岗", "退休", "调出", "离职", "辞职", "死亡", "离校", "待岗", "长期病休", "解聘", "开除"})


@dataclass(frozen=True)
class SchoolType:
    """What a 办学类型 means here: the trunk's school type (None: outside the platform)."""

    value: str | None
    label: str
    teaching_point: bool = False


SCHOOL_TYPES: dict[str, SchoolType] = {
    "111": SchoolType("kindergarten", "幼儿园"),
    "112": SchoolType(None, "附设幼儿班"),
    "211": SchoolType("primary", "小学"),
    "218": SchoolType("primary", "小学教学点", teaching_point=True),
    "219": SchoolType(None, "附设小学班"),
    "311": SchoolType("junior", "初级中学"),
    "312": SchoolType("nine_year", "九年一贯制学校"),
    "319": SchoolType(None, "附设普通初中班"),
    "321": SchoolType(None, "职业初中"),
    "341": SchoolType("complete", "完全中学"),
    "342": SchoolType("senior", "高级中学"),
    "345": SchoolType("twelve_year", "十二年一贯制学校"),
    "349": SchoolType(None, "附设普通高中班"),
    "361": SchoolType(None, "中等职业学校"),
    "511": SchoolType(None, "特殊教育学校"),
}
_SCHOOL_TYPE_NAMES: dict[str, str] = {t.label: code for code, t in SCHOOL_TYPES.items()}
_SCHOOL_TYPE_NAMES.update({"初中": "311", "九年一贯制": "312", "高中": "342", "十二年一贯制": "345",
                           "教学点": "218", "普通高中": "342", "中职": "361", "特教学校": "511"})

# 统计用城乡划分代码 -> the trunk's three-way locale.
LOCALES: dict[str, str] = {"111": "urban", "112": "urban", "121": "town", "122": "town", "123": "town",
                           "210": "rural", "220": "rural"}
_LOCALE_NAMES = {"城区": "urban", "主城区": "urban", "城乡结合区": "urban", "城市": "urban",
                 "镇区": "town", "镇中心区": "town", "镇乡结合区": "town", "特殊区域": "town", "镇": "town",
                 "乡村": "rural", "乡中心区": "rural", "村庄": "rural", "农村": "rural"}

_LEADING_CODE = re.compile(r"^(\d{3})(?:[-－_:：.、\s]?\D.*)?$")


# ---------------------------------------------------------------- cell readers


def read_choice(text: str, table: dict[str, str], what: str) -> str:
    value = table.get(normal(text))
    if value is None:
        raise CodeProblem(f"无法识别的{what}“{text}”")
    return value


def read_title(text: str) -> str:
    t = normal(text)
    if t.isdigit():
        raise CodeProblem(f"请填写职称名称（如一级教师），不接受代码“{text}”")
    return read_choice(t, TITLES, "专业技术职务")


def read_school_type(text: str) -> SchoolType:
    """A 办学类型 as code ('211'), name ('小学') or both ('211小学', '211-小学')."""
    t = normal(text)
    m = _LEADING_CODE.match(t)
    code = m[1] if m else _SCHOOL_TYPE_NAMES.get(t)
    if code is None or code not in SCHOOL_TYPES:
        raise CodeProblem(f"无法识别的办学类型“{text}”（应为代码如211，或名称如小学）")
    return SCHOOL_TYPES[code]


def read_locale(text: str) -> str:
    t = normal(text)
    if not t:
        return ""
    m = _LEADING_CODE.match(t)
    value = LOCALES.get(m[1]) if m else _LOCALE_NAMES.get(t)
    if value is None:
        raise CodeProblem(f"无法识别的城乡分类“{text}”（应为代码如111、220，或城区、镇区、乡村）")
    return value


def read_region_code(text: str) -> str:
    """The county code of a 所在地行政区划代码: 6 digits, or the first 6 of a 9- or 12-digit code."""
    t = normal(text)
    if re.fullmatch(r"\d+\.0*", t):
        t = t.split(".")[0]
    if not (t.isascii() and t.isdigit() and len(t) in (6, 9, 12)):
        raise CodeProblem(f"应为6位（或9位、12位）数字，实际为“{text}”")
    return t[:6]


def read_school_code(text: str) -> str:
    t = normal(text)
    if re.fullmatch(r"\d+\.0*", t):
        t = t.split(".")[0]
    if not (t.isascii() and t.isdigit() and len(t) == 10):
        raise CodeProblem(f"应为10位数字，实际为“{text}”")
    return t


def read_count(text: str, high: int) -> int:
    t = normal(text).replace(",", "")
    if not t:
        return 0
    if re.fullmatch(r"\d+\.0*", t):
        t = t.split(".")[0]
    if not t.isdigit():
        raise CodeProblem(f"应为不小于0的整数，实际为“{text}”")
    n = int(t)
    if n > high:
        raise CodeProblem(f"不能大于{high}，实际为{n}")
    return n


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character of a citizen identity number's first 17 digits."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class Identity:
    """A normalised identity document number and what an 18-digit one tells (birth, gender)."""

    number: str
    birth: dt.date | None = None
    gender: str = ""


def read_id_number(text: str, id_type: str = "") -> Identity:
    t = normal(text).upper()
    if not t:
        raise CodeProblem("必填")
    kind = normal(id_type)
    if kind and kind not in ("居民身份证", "身份证", "1", "01"):
        # Passports, Hong Kong/Macao/Taiwan permits: no checksum to verify, only a sane form.
        if not re.fullmatch(r"[A-Z0-9()（）-]{5,30}", t):
            raise CodeProblem(f"证件号码格式不正确（{len(t)}位）")
        return Identity(f"{kind}:{t}")
    if not re.fullmatch(r"\d{17}[\dX]", t):
        raise CodeProblem(f"居民身份证号应为18位（最后一位可为X），实际为{len(t)}位")
    if id_check_digit(t[:17]) != t[17]:
        raise CodeProblem("居民身份证号校验位不正确，请核对")
    try:
        birth = dt.date(int(t[6:10]), int(t[10:12]), int(t[12:14]))
    except ValueError:
        raise CodeProblem("居民身份证号中的出生日期不正确") from None
    return Identity(t, birth, "m" if int(t[16]) % 2 else "f")


def read_year_month(raw: object, text: str) -> int | None:
    """The year of a 年月 cell: 2005-09, 2005.09, 200509, 2005年9月, a date, or an Excel serial."""
    if isinstance(raw, dt.date):
        return raw.year
    t = normal(text)
    if not t:
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 20000 <= raw <= 80000:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(raw))).year
    m = (re.fullmatch(r"(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?|月)?)?", t)
         or re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", t))
    if not m or not 1930 <= int(m[1]) <= 2100 or (m[2] and not 1 <= int(m[2]) <= 12):
        raise CodeProblem(f"应为年月（如2005-09），实际为“{text}”")
    return int(m[1])


def split_list(text: str) -> list[str]:
    return [n for n in re.split(r"[、,，;；/／\s]+", unicodedata.normalize("NFKC", text)) if n]
