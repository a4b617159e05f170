"""The demo data generator: a fictional province's org tree, staff, posts, designations, terms
and subject groups, generated deterministically from a seed.

The plan is produced county by county from one `random.Random(seed)` and streamed into the
database through `TableWriter` (explicit ids, COPY on PostgreSQL), so memory stays bounded at
province scale. Nothing depends on database ids or on the iteration order of sets: every choice
is drawn in a fixed order from lists built in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.curriculum import SUBJECTS
from core.demo import names
from core.demo.tables import TableWriter
from core.models import (
    TITLE_RANK,
    Affiliation,
    Designation,
    DesignationKind,
    GroupMembership,
    Level,
    Locale,
    OrgKind,
    OrgNode,
    Person,
    Post,
    Role,
    SchoolType,
    Stage,
    Subject,
    TeachingGroup,
    Title,
)
from core.pinyin import name_keys

# The day the demo world is generated "as of": ages, years of teaching and the current term are
# counted from it rather than from the clock, so a seed gives the same data on any day.
AS_OF = dt.date(2026, 11, 27)
YEAR = AS_OF.year
SCHOOL_YEAR = 2026
TERM_KEY = f"{SCHOOL_YEAR}-1"


@dataclass(frozen=True)
class ScaleSpec:
    name: str
    label: str
    cities: int
    counties: int
    schools: int
    # Teachers per class relative to LOAD: the small demo is dominated by its flagship schools,
    # the larger scales by small rural ones, so each is tuned to its target head count.
    density: float = 1.0


SCALES: dict[str, ScaleSpec] = {
    # For tests of the generator itself (two counties, one with its own term dates); not offered
    # by `manage.py seed`.
    "tiny": ScaleSpec("tiny", "测试", 1, 2, 16),
    "demo": ScaleSpec("demo", "演示", 1, 3, 40),
    "city": ScaleSpec("city", "地市", 1, 10, 600, 1.02),
    "province": ScaleSpec("province", "全省", 11, 120, 12_000, 1.06),
}

GRADES: dict[str, tuple[int, ...]] = {
    Stage.PRIMARY: (1, 2, 3, 4, 5, 6), Stage.JUNIOR: (7, 8, 9), Stage.SENIOR: (10, 11, 12),
}
SCHOOL_STAGES: dict[str, tuple[str, ...]] = {
    SchoolType.PRIMARY: (Stage.PRIMARY,), SchoolType.JUNIOR: (Stage.JUNIOR,), SchoolType.SENIOR: (Stage.SENIOR,),
    SchoolType.NINE_YEAR: (Stage.PRIMARY, Stage.JUNIOR), SchoolType.COMPLETE: (Stage.JUNIOR, Stage.SENIOR),
    SchoolType.TWELVE_YEAR: (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR),
}
# Weekly load units one teacher carries, by stage: a subject needs classes x weight / load teachers.
# Calibrated so a province of 12,000 schools has about 400,000 teachers (the design's scale)
# rather than today's national ratios, which would give half as many again.
LOAD: dict[str, float] = {Stage.PRIMARY: 24.0, Stage.JUNIOR: 21.0, Stage.SENIOR: 20.0}
STAGE_SUBJECTS: dict[str, list[tuple[str, float]]] = {
    stage: [(s.code, s.weight) for s in SUBJECTS if stage in s.stages] for stage in GRADES
}
MERGE_KEY: dict[str, str] = {s.code: s.merge_key for s in SUBJECTS}
# Subjects with a 教研组长 post where they have a group of their own, and with 备课组长 in large schools.
MAJOR = ("chinese", "math", "english", "physics", "chemistry", "biology", "history", "geography",
         "politics", "morality", "science")
PREP_SUBJECTS = ("chinese", "math", "english", "physics", "chemistry")
CORE = ("chinese", "math")
FEMALE_SHARE: dict[str, float] = {Stage.PRIMARY: 0.78, Stage.JUNIOR: 0.64, Stage.SENIOR: 0.55}
FEMALE_SHIFT: dict[str, float] = {
    "pe": -0.35, "physics": -0.2, "tech": -0.25, "it": -0.12, "chemistry": -0.08, "math": -0.05,
    "chinese": 0.08, "english": 0.12, "music": 0.12, "art": 0.05, "psychology": 0.15,
}


HIGH_TYPES = (SchoolType.SENIOR, SchoolType.COMPLETE, SchoolType.TWELVE_YEAR)


def school_affiliation(i: int, school: SchoolPlan, suffix: str) -> str:
    """学校隶属关系 of a demo school: the high schools of a city's districts (区) mostly belong to
    the city (市直属), the flagship one always; every other school to its county (区县属), but a
    few urban schools are private (民办). Drawn from the school's code, not the generator's random
    stream, so adding this left every other seeded value as it was."""
    h = zlib.crc32(school.code.encode())
    if school.school_type in HIGH_TYPES and school.locale == Locale.URBAN and suffix == "区":
        return Affiliation.CITY_DIRECT if i == 1 or h % 4 != 0 else Affiliation.COUNTY
    if i >= 3 and school.locale == Locale.URBAN and not school.is_teaching_point and h % 16 == 0:
        return Affiliation.PRIVATE
    return Affiliation.COUNTY


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals, as school names use them (第二十一中学)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def stochastic_round(rng: random.Random, x: float) -> int:
    base = int(x)
    return base + (1 if rng.random() < x - base else 0)


class NameKeys:
    """core.pinyin.name_keys for the generator's names, composed from cached per-character
    readings where that gives exactly what name_keys gives: a name of two or three Han characters
    with no part that pypinyin reads as a phrase (于思 reads yusai, 柏林 bolin as phrases) and no
    two-character surname; any other name goes through name_keys itself. At province scale the
    314,000 distinct names otherwise cost about half of the core generator's CPU time."""

    def __init__(self) -> None:
        from pypinyin.constants import PHRASES_DICT

        from core.pinyin import SURNAME_READINGS

        self._phrases = PHRASES_DICT
        self._surnames = SURNAME_READINGS
        self._first: dict[str, str | None] = {}
        self._other: dict[str, str | None] = {}

    def _reading(self, c: str, first: bool) -> str | None:
        cache = self._first if first else self._other
        if c not in cache:
            # name_keys reads a leading surname of SURNAME_READINGS by that table, every other
            # character by pypinyin's own reading of it alone.
            full = name_keys(c)[0] if first else ""
            if not first:
                from pypinyin import Style, lazy_pinyin

                syllables = lazy_pinyin(c, style=Style.NORMAL, errors="ignore")
                full = syllables[0].lower() if len(syllables) == 1 else ""
            cache[c] = full if full.isascii() and full.isalpha() and not full.startswith(c) else None
        return cache[c]

    def __call__(self, name: str) -> tuple[str, str]:
        n = len(name)
        if n in (2, 3) and all("\u4e00" <= c <= "\u9fff" for c in name) and name[:2] not in self._surnames and not (
                name[:2] in self._phrases or name[1:] in self._phrases or name in self._phrases):
            parts = [p for i, c in enumerate(name) if (p := self._reading(c, i == 0))]
            if len(parts) == n:
                return "".join(parts)[:120], "".join(p[0] for p in parts)[:20]
        return name_keys(name)


# ---------------------------------------------------------------- plans


@dataclass
class PersonPlan:
    code: str
    name: str
    gender: str
    birth_year: int
    title: str
    stage: str
    main_subject: str | None
    teaching_since: int | None
    org_id: int
    others: list[str] = field(default_factory=list)
    grade: int | None = None
    joined: dt.date | None = None
    phone: str = ""
    pk: int = 0

    @property
    def years(self) -> int:
        return YEAR - self.teaching_since if self.teaching_since is not None else 0

    @property
    def rank(self) -> int:
        return TITLE_RANK[self.title]


@dataclass
class SchoolPlan:
    code: str
    name: str
    school_type: str
    locale: str
    is_weak: bool
    is_teaching_point: bool
    class_count: int
    student_count: int
    address: str
    latitude: Decimal
    longitude: Decimal
    group_state: str  # "confirmed" | "proposed" | "none"
    pk: int = 0
    affiliation: str = ""


@dataclass
class SchoolStaff:
    """What the group step needs of a school after its people are written."""

    school: SchoolPlan
    teachers: list[PersonPlan]
    leaders: set[int]  # person pks of principal and vice principals
    group_leaders: dict[str, int]  # subject code -> person pk


@dataclass
class SeedResult:
    scale: str
    seed: int
    province_id: int = 0
    region_ids: list[int] = field(default_factory=list)
    school_ids: list[int] = field(default_factory=list)
    teachers_by_school: dict[int, list[int]] = field(default_factory=dict)
    researcher_ids: list[int] = field(default_factory=list)
    picks: dict[str, int] = field(default_factory=dict)  # demo login key -> person pk
    staff: list[SchoolStaff] = field(default_factory=list)  # kept at demo scale only
    term_regions: list[int] = field(default_factory=list)  # province, then the overriding county
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    # CPU seconds of each phase (same keys as timings): this process's, and on PostgreSQL running on
    # this machine its backend's (read from /proc; empty elsewhere).
    cpu: dict[str, float] = field(default_factory=dict)
    db_cpu: dict[str, float] = field(default_factory=dict)


class Generator:
    """Writes the core demo data for one scale and seed. Use `run()`."""

    def __init__(self, *, scale: str, seed: int, report: Callable[[str], None] | None = None) -> None:
        self.spec = SCALES[scale]
        self.seed = seed
        self.rng = random.Random(seed)
        self.report = report or (lambda _msg: None)
        self.now = timezone.now()
        self.writer = TableWriter(now=self.now)
        self.subject_ids: dict[str, int] = dict(Subject.objects.values_list("code", "id"))
        self.result = SeedResult(scale=scale, seed=seed)
        self._pinyin: dict[str, tuple[str, str]] = {}
        self._name_keys = NameKeys()
        # Region staff serials, for their person codes.
        self._serial: dict[str, int] = {}
        # Teacher counts by (stage, subject) per region path, for researcher staffing.
        self._teacher_counts: dict[str, dict[tuple[str, str], int]] = {}
        self._province_path = ""
        # Names in use within the current city: a new name is redrawn when it is taken, so staff
        # lists rarely show the same name twice (a whole demo is one city).
        self._names: set[str] = set()
        # The county and city whose programmes designate the teachers being generated.
        self._issuers = ("", "")

    # ------------------------------------------------------------ writing

    def _register_tables(self) -> None:
        w = self.writer
        w.register(OrgNode, ["code", "name", "kind", "parent", "path", "depth", "bureau_name", "institute_name",
                             "school_type", "locale", "is_weak", "is_teaching_point", "class_count",
                             "student_count", "address", "latitude", "longitude", "affiliation"])
        w.register(Person, ["code", "name", "pinyin", "initials", "gender", "birth_year", "org", "title", "stage",
                            "main_subject", "teaching_since", "phone", "is_active"])
        w.register(Person.subjects.through, ["person", "subject"])
        w.register(Post, ["person", "role", "org", "subject", "stage", "grade", "start", "end"])
        w.register(Designation, ["person", "kind", "level", "programme", "start", "end"])
        w.register(TeachingGroup, ["school", "term_key", "kind", "name", "parent", "grade", "leader", "status",
                                   "confirmed_by", "confirmed_at"])
        w.register(TeachingGroup.subjects.through, ["teachinggroup", "subject"])
        w.register(GroupMembership, ["group", "person", "role"])

    def _node(self, *, code: str, name: str, kind: str, parent: tuple[int, str, int] | None,
              bureau: str = "", institute: str = "", school: SchoolPlan | None = None) -> tuple[int, str, int]:
        """Queue an org node; returns (pk, path, depth) for its children."""
        path = (parent[1] if parent else "") + code + "/"
        depth = parent[2] + 1 if parent else 0
        s = school
        pk = self.writer.add(
            OrgNode, code, name, kind, parent[0] if parent else None, path, depth, bureau, institute,
            s.school_type if s else "", s.locale if s else "", s.is_weak if s else False,
            s.is_teaching_point if s else False, s.class_count if s else 0, s.student_count if s else 0,
            s.address if s else "", s.latitude if s else None, s.longitude if s else None,
            s.affiliation if s else "")
        return pk, path, depth

    def _person(self, p: PersonPlan) -> int:
        keys = self._pinyin.get(p.name)
        if keys is None:
            keys = self._pinyin[p.name] = self._name_keys(p.name)
        p.pk = self.writer.add(
            Person, p.code, p.name, keys[0], keys[1], p.gender, p.birth_year, p.org_id, p.title, p.stage,
            self.subject_ids[p.main_subject] if p.main_subject else None, p.teaching_since, p.phone, True)
        for code in p.others:
            self.writer.add(Person.subjects.through, p.pk, self.subject_ids[code])
        return p.pk

    def _post(self, person: int, role: str, org: int, *, subject: str | None = None, stage: str = "",
              grade: int | None = None, start: dt.date | None = None) -> int:
        return self.writer.add(Post, person, role, org, self.subject_ids[subject] if subject else None, stage,
                               grade, start, None)

    # ------------------------------------------------------------ people

    def _phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def _gender(self, stage: str, subject: str | None) -> str:
        share = FEMALE_SHARE.get(stage, 0.6) + FEMALE_SHIFT.get(subject or "", 0.0)
        return "f" if self.rng.random() < min(0.92, max(0.1, share)) else "m"

    def _title_for(self, years: int) -> str:
        """Titles follow years of teaching, so no one under ~35 is 高级 and 正高级 stays rare."""
        r = self.rng.random()
        if years < 1:
            return Title.NONE
        if years < 3:
            return Title.NONE if r < 0.6 else Title.SECOND
        if years < 7:
            return Title.SECOND if r < 0.85 else (Title.FIRST if years >= 5 else Title.NONE)
        if years < 13:
            return Title.FIRST if r < 0.65 else Title.SECOND
        if years < 20:
            return Title.FIRST if r < 0.62 else (Title.SENIOR if r < 0.9 else Title.SECOND)
        if years >= 25 and r < 0.02:
            return Title.SENIOR_PROF
        return Title.SENIOR if r < 0.52 else (Title.FIRST if r < 0.97 else Title.SECOND)

    def _teacher(self, *, code: str, org: int, stage: str, subject: str, taken: set[str],
                 min_age: int = 23, max_age: int | None = None) -> PersonPlan:
        rng = self.rng
        gender = self._gender(stage, subject)
        retire = 55 if gender == "f" else 60
        top = min(retire, max_age or retire)
        age = min_age + int(rng.betavariate(1.5, 1.7) * (top - min_age + 1))
        birth = YEAR - age
        since = min(YEAR, birth + 22 + rng.choice((0, 0, 0, 1, 1, 2, 3)))
        title = self._title_for(YEAR - since)
        joined_year = max(since, YEAR - 1 - int(rng.expovariate(1 / 7)))
        return PersonPlan(code=code, name=names.person_name(rng, gender, taken), gender=gender, birth_year=birth,
                          title=title, stage=stage, main_subject=subject, teaching_since=since, org_id=org,
                          joined=dt.date(min(joined_year, SCHOOL_YEAR), 9, 1), phone=self._phone())

    def _region_code(self, region_code: str) -> str:
        n = self._serial.get(region_code, 0) + 1
        self._serial[region_code] = n
        return f"{region_code}{n:04d}"

    def _region_person(self, region: tuple[int, str, int], region_code: str, *, stage: str = "",
                       subject: str | None = None, title: str = Title.NONE, min_age: int = 28, max_age: int = 56,
                       teacher: bool = True, taken: set[str]) -> PersonPlan:
        rng = self.rng
        gender = "f" if rng.random() < (0.55 if teacher else 0.5) else "m"
        age = rng.randint(min_age, max_age if gender == "m" else min(max_age, 55))
        birth = YEAR - age
        since = birth + 22 + rng.choice((0, 1, 2)) if teacher else None
        return PersonPlan(code=self._region_code(region_code), name=names.person_name(rng, gender, taken),
                          gender=gender, birth_year=birth, title=title, stage=stage, main_subject=subject,
                          teaching_since=since, org_id=region[0], phone=self._phone())

    # ------------------------------------------------------------ run

    def run(self) -> SeedResult:
        self._register_tables()
        rng, spec = self.rng, self.spec
        taken_regions: set[str] = set()
        province_code = "140000"
        province = self._node(code=province_code, name=names.PROVINCE_NAME, kind=OrgKind.PROVINCE, parent=None,
                              bureau=f"{names.PROVINCE_NAME}教育厅",
                              institute=f"{names.PROVINCE_NAME}教育科学研究院")
        self.result.province_id = province[0]
        self.result.region_ids.append(province[0])
        self.result.term_regions.append(province[0])
        self._province_path = province[1]
        centre = (37.8, 112.5)
        # Spread the counties over the cities, and the schools over the counties (by a random
        # weight so counties differ in size).
        per_city = [spec.counties // spec.cities + (1 if i < spec.counties % spec.cities else 0)
                    for i in range(spec.cities)]
        county_weights = [rng.uniform(0.6, 1.5) for _ in range(spec.counties)]
        total_w = sum(county_weights)
        school_counts = [max(8, round(spec.schools * w / total_w)) for w in county_weights]
        county_index = 0
        for ci in range(spec.cities):
            city_name = names.CITY_NAMES[ci] + "市"
            self._names = set()
            city_code = f"14{ci + 1:02d}00"
            city = self._node(code=city_code, name=city_name, kind=OrgKind.CITY, parent=province,
                              bureau=f"{city_name}教育局", institute=f"{city_name}教育科学研究院")
            self.result.region_ids.append(city[0])
            city_centre = (centre[0] + rng.uniform(-1.8, 1.8), centre[1] + rng.uniform(-1.2, 1.2))
            n_counties = per_city[ci]
            # Codes as the national scheme has them: districts from 05, counties from 21,
            # county-level cities from 81; about a quarter districts, one county-level city.
            n_districts = max(1, round(n_counties * 0.25))
            n_ccities = 1 if n_counties >= 3 else 0
            kinds = ["区"] * n_districts + ["县"] * (n_counties - n_districts - n_ccities) + ["市"] * n_ccities
            serial = {"区": 5, "县": 21, "市": 81}
            for k, suffix in enumerate(kinds):
                county_code = f"{city_code[:4]}{serial[suffix]:02d}"
                serial[suffix] += 1
                county_name = names.place_name(rng, taken_regions) + suffix
                office = "教学研究室"
                county = self._node(code=county_code, name=county_name, kind=OrgKind.COUNTY, parent=city,
                                    bureau=f"{county_name}教育局", institute=f"{county_name}{office}")
                self.result.region_ids.append(county[0])
                c_centre = (city_centre[0] + rng.uniform(-0.5, 0.5), city_centre[1] + rng.uniform(-0.5, 0.5))
                if ci == 0 and k == n_counties - 1 and n_counties > 1:
                    # The one county with its own semester dates (its schools inherit them).
                    self.result.term_regions.append(county[0])
                self._county(county_index, county, county_code, county_name, suffix, c_centre,
                             school_counts[county_index], city_name, city)
                county_index += 1
                self.writer.flush()
            self._region_staff(city, city_code, OrgKind.CITY, admin=True)
            self.report(f"{city_name}：{n_counties}个县（区）已生成")
        self._region_staff(province, province_code, OrgKind.PROVINCE, admin=False)
        self.writer.finish()
        self.result.counts = dict(self.writer.counts)
        return self.result

    # ------------------------------------------------------------ counties and schools

    def _county(self, index: int, county: tuple[int, str, int], code: str, name: str, suffix: str,
                centre: tuple[float, float], n_schools: int, city_name: str, city: tuple[int, str, int]) -> None:
        rng = self.rng
        self._issuers = (name, city_name)
        locale_weights = {"区": (0.5, 0.25, 0.25), "县": (0.16, 0.36, 0.48), "市": (0.28, 0.32, 0.40)}[suffix]
        taken_places: set[str] = set()
        n_towns = max(3, n_schools // 9)
        towns = [names.place_name(rng, taken_places) + ("镇" if rng.random() < 0.75 else "乡") for _ in range(n_towns)]
        town_centres = [(centre[0] + rng.uniform(-0.25, 0.25), centre[1] + rng.uniform(-0.25, 0.25))
                        for _ in towns]
        counters: dict[str, int] = {}
        used: set[str] = set()
        taken_names = self._names
        schools: list[SchoolPlan] = []
        prefix = f"{names.PROVINCE_NAME}{city_name}{name}"

        def numbered(key: str, template: str) -> str:
            while True:
                counters[key] = counters.get(key, 0) + 1
                candidate = template.format(n=cn_number(counters[key]))
                if candidate not in used:
                    used.add(candidate)
                    return candidate

        def once(candidate: str) -> str | None:
            if candidate in used:
                return None
            used.add(candidate)
            return candidate

        for i in range(n_schools):
            locale: str
            stype: str
            # The first three schools of every county are its urban flagships.
            if i == 0:
                locale, stype = Locale.URBAN, SchoolType.PRIMARY
            elif i == 1:
                locale, stype = Locale.URBAN, SchoolType.COMPLETE if suffix != "区" else SchoolType.SENIOR
            elif i == 2:
                locale, stype = Locale.URBAN, SchoolType.JUNIOR
            else:
                locale = rng.choices((Locale.URBAN, Locale.TOWN, Locale.RURAL), weights=locale_weights)[0]
                stype = ""
            tp = False
            if not stype:
                if locale == Locale.URBAN:
                    stype = rng.choices((SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR,
                                         SchoolType.SENIOR, SchoolType.COMPLETE, SchoolType.TWELVE_YEAR),
                                        weights=(0.52, 0.2, 0.08, 0.09, 0.07, 0.04))[0]
                elif locale == Locale.TOWN:
                    stype = rng.choices((SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR,
                                         SchoolType.SENIOR, SchoolType.COMPLETE),
                                        weights=(0.56, 0.22, 0.14, 0.04, 0.04))[0]
                else:
                    stype = rng.choices((SchoolType.PRIMARY, "point", SchoolType.NINE_YEAR, SchoolType.JUNIOR),
                                        weights=(0.6, 0.3, 0.07, 0.03))[0]
                    if stype == "point":
                        stype, tp = SchoolType.PRIMARY, True
            town_i = rng.randrange(len(towns))
            town = towns[town_i]
            village = names.place_name(rng, taken_places) + "村" if locale == Locale.RURAL else ""
            sname = self._school_name(i, name, town, village, locale, stype, tp, numbered, once)
            classes = self._class_count(stype, locale, tp)
            per_class = {Locale.URBAN: (40, 50), Locale.TOWN: (35, 46), Locale.RURAL: (25, 40)}[Locale(locale)]
            if tp:
                per_class = (5, 18)
            students = sum(rng.randint(*per_class) for _ in range(classes))
            if locale == Locale.URBAN:
                lat, lon = centre[0] + rng.uniform(-0.04, 0.04), centre[1] + rng.uniform(-0.04, 0.04)
                address = f"{prefix}{names.road_name(rng)}{rng.randint(1, 399)}号"
            else:
                tc = town_centres[town_i]
                lat, lon = tc[0] + rng.uniform(-0.06, 0.06), tc[1] + rng.uniform(-0.06, 0.06)
                address = (f"{prefix}{town}{village}" if village
                           else f"{prefix}{town}{names.road_name(rng)}{rng.randint(1, 199)}号")
            state = rng.choices(("confirmed", "proposed", "none"), weights=(0.7, 0.15, 0.15))[0]
            schools.append(SchoolPlan(
                code=f"1{code}{i + 1:03d}", name=sname, school_type=stype, locale=locale,
                is_weak=False, is_teaching_point=tp, class_count=classes, student_count=students,
                address=address, latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lon:.6f}"),
                group_state=state))
        # Weak schools: a fixed share of each county (about 12%), drawn mostly from rural schools
        # and teaching points, so every county has some and none is all weak.
        weights = [0.0 if (index == 0 and k == 0) else
                   (0.3 if sp.is_teaching_point else {"urban": 0.03, "town": 0.1, "rural": 0.22}[sp.locale])
                   for k, sp in enumerate(schools)]
        for _ in range(max(1, round(len(schools) * 0.12))):
            k = rng.choices(range(len(schools)), weights=weights)[0]
            schools[k].is_weak = True
            weights[k] = 0.0
        if index == 0:
            # The showcase school of the demo logins: a large urban primary with confirmed groups.
            schools[0].class_count = max(schools[0].class_count, 30)
            schools[0].student_count = schools[0].class_count * 45
            schools[0].group_state = "confirmed"
            schools[0].is_weak = False

        for i, sp in enumerate(schools):
            sp.affiliation = school_affiliation(i, sp, suffix)

        counts: dict[tuple[str, str], int] = {}
        candidates_ptr: list[PersonPlan] = []
        for school in schools:
            # 学校标识码 here: "1" + the county's 6-digit code + a 3-digit serial in the county, which
            # keeps every school's code unique and tells its county at a glance.
            node = self._node(code=school.code, name=school.name, kind=OrgKind.SCHOOL, parent=county, school=school)
            school.pk = node[0]
            self.result.school_ids.append(school.pk)
            staff = self._school_staff(school, taken_names, showcase=index == 0 and school is schools[0])
            self.result.teachers_by_school[school.pk] = [t.pk for t in staff.teachers]
            for t in staff.teachers:
                key = (t.stage, t.main_subject or "")
                counts[key] = counts.get(key, 0) + 1
                if (t.pk not in staff.leaders and t.main_subject in MAJOR and t.rank >= 3 and t.years >= 8):
                    candidates_ptr.append(t)
            self._groups(staff)
            if self.spec.name == "demo":
                self.result.staff.append(staff)
        for path in (county[1], city[1], self._province_path):
            bucket = self._teacher_counts.setdefault(path, {})
            for key, n in counts.items():
                bucket[key] = bucket.get(key, 0) + n

        # Part-time researchers: experienced teachers of the county's schools, posted at the county.
        n_ptr = max(2, round(sum(counts.values()) / 140))
        chosen = rng.sample(candidates_ptr, min(n_ptr, len(candidates_ptr)))
        for t in chosen:
            self._post(t.pk, Role.PART_TIME_RESEARCHER, county[0], subject=t.main_subject, stage=t.stage,
                       start=dt.date(YEAR - rng.randint(0, 4), 9, 1))
            self.result.researcher_ids.append(t.pk)
            # (The first one not already holding a demo login: small scales may pick the same teacher.)
            if index == 0 and "part_time_researcher" not in self.result.picks \
                    and t.pk not in self.result.picks.values():
                self.result.picks["part_time_researcher"] = t.pk
        self._region_staff(county, code, OrgKind.COUNTY, admin=True, county_index=index, counts=counts)

    def _school_name(self, i: int, county: str, town: str, village: str, locale: str, stype: str, tp: bool,
                     numbered: Callable[[str, str], str], once: Callable[[str], str | None]) -> str:
        if i == 0:
            return once(f"{county}实验小学") or numbered("primary", county + "第{n}小学")
        if i == 2:
            return once(f"{county}实验中学") or numbered("middle", county + "第{n}中学")
        if locale == Locale.URBAN:
            if stype == SchoolType.PRIMARY:
                return numbered("primary", county + "第{n}小学")
            if stype == SchoolType.SENIOR:
                return numbered("senior", county + "第{n}高级中学")
            if stype in (SchoolType.JUNIOR, SchoolType.COMPLETE):
                return numbered("middle", county + "第{n}中学")
            if stype == SchoolType.TWELVE_YEAR:
                for word in ("外国语学校", "育才学校", "博文学校", "启明学校", "新城学校"):
                    found = once(county + word)
                    if found:
                        return found
                return numbered("twelve", county + "第{n}实验学校")
            return numbered("nine", county + "第{n}九年一贯制学校")
        if locale == Locale.TOWN:
            if stype == SchoolType.PRIMARY:
                return once(f"{town}中心小学") or numbered("town-primary:" + town, town + "第{n}小学")
            if stype == SchoolType.JUNIOR:
                return once(f"{town}初级中学") or numbered("town-middle:" + town, town + "第{n}中学")
            if stype == SchoolType.NINE_YEAR:
                return once(f"{town}九年一贯制学校") or numbered("town-nine:" + town, town + "第{n}学校")
            if stype == SchoolType.SENIOR:
                return numbered("senior", county + "第{n}高级中学")
            return once(f"{town}中学") or numbered("middle", county + "第{n}中学")
        if tp:
            return once(f"{town}{village}教学点") or numbered("tp", town + "第{n}教学点")
        if stype == SchoolType.PRIMARY:
            return once(f"{town}{village}小学") or numbered("vp", town + "第{n}村小")
        if stype == SchoolType.NINE_YEAR:
            return once(f"{town}{village}九年一贯制学校") or numbered("town-nine:" + town, town + "第{n}学校")
        return once(f"{town}{village}中学") or numbered("town-middle:" + town, town + "第{n}中学")

    def _class_count(self, stype: str, locale: str, tp: bool) -> int:
        rng = self.rng
        if tp:
            return rng.randint(1, 4)
        ranges: dict[str, dict[str, tuple[int, int]]] = {
            SchoolType.PRIMARY: {Locale.URBAN: (24, 48), Locale.TOWN: (12, 30), Locale.RURAL: (6, 12)},
            SchoolType.JUNIOR: {Locale.URBAN: (18, 36), Locale.TOWN: (9, 24), Locale.RURAL: (6, 12)},
            SchoolType.NINE_YEAR: {Locale.URBAN: (27, 45), Locale.TOWN: (12, 27), Locale.RURAL: (9, 18)},
            SchoolType.SENIOR: {Locale.URBAN: (30, 60), Locale.TOWN: (24, 45), Locale.RURAL: (24, 36)},
            SchoolType.COMPLETE: {Locale.URBAN: (30, 54), Locale.TOWN: (24, 42), Locale.RURAL: (18, 30)},
            SchoolType.TWELVE_YEAR: {Locale.URBAN: (36, 60), Locale.TOWN: (30, 48), Locale.RURAL: (24, 36)},
        }
        lo, hi = ranges[stype][locale]
        return rng.randint(lo, hi)

    # ------------------------------------------------------------ a school's staff

    def _school_staff(self, school: SchoolPlan, taken: set[str], *, showcase: bool) -> SchoolStaff:
        rng = self.rng
        stages = SCHOOL_STAGES[school.school_type]
        grades = [g for st in stages for g in GRADES[st]]
        # Classes per grade: spread evenly; a small teaching point teaches only the lowest grades.
        per_grade: dict[int, int] = {}
        if school.class_count < len(grades):
            for g in grades[: school.class_count]:
                per_grade[g] = 1
        else:
            base, extra = divmod(school.class_count, len(grades))
            for k, g in enumerate(grades):
                per_grade[g] = base + (1 if k < extra else 0)
        serial = 0
        teachers: list[PersonPlan] = []
        for stage in stages:
            stage_grades = [g for g in GRADES[stage] if per_grade.get(g)]
            if not stage_grades:
                continue
            classes = sum(per_grade[g] for g in stage_grades)
            grade_slots = [g for g in stage_grades for _ in range(per_grade[g])]
            uncovered: list[str] = []
            stage_teachers: list[PersonPlan] = []
            for subject, weight in STAGE_SUBJECTS[stage]:
                n = stochastic_round(rng, classes * weight * self.spec.density / LOAD[stage])
                if subject in CORE or (subject == "english" and classes >= 6):
                    n = max(n, 1)
                if n == 0:
                    uncovered.append(subject)
                    continue
                for k in range(n):
                    serial += 1
                    t = self._teacher(code=f"{school.code}{serial:04d}", org=school.pk, stage=stage,
                                      subject=subject, taken=taken)
                    # Spread a subject's teachers evenly over the grades by their class counts.
                    t.grade = grade_slots[(k * len(grade_slots)) // n]
                    stage_teachers.append(t)
            # Subjects without a teacher of their own are taught on the side, as small schools do.
            pool = sorted(stage_teachers, key=lambda t: (len(t.others), t.code))
            for j, subject in enumerate(uncovered):
                holder = pool[j % len(pool)]
                if len(holder.others) < 3:
                    holder.others.append(subject)
            for t in stage_teachers:
                if not t.others and rng.random() < 0.06:
                    related = [c for c, _ in STAGE_SUBJECTS[stage]
                               if c != t.main_subject and MERGE_KEY[c] == MERGE_KEY[t.main_subject or ""]]
                    if related:
                        t.others.append(rng.choice(related))
            teachers.extend(stage_teachers)

        # Leaders come from the staff, as they do in Chinese schools; they keep teaching.
        def pick(min_age: int, exclude: set[str], subjects: tuple[str, ...] = MAJOR) -> PersonPlan:
            pool = [t for t in teachers if t.code not in exclude and YEAR - t.birth_year >= min_age
                    and t.main_subject in subjects]
            if not pool:
                pool = [t for t in teachers if t.code not in exclude] or teachers
                return max(pool, key=lambda t: (YEAR - t.birth_year, t.code))
            return rng.choice(pool)

        chosen: set[str] = set()
        principal = pick(42, chosen)
        chosen.add(principal.code)
        n_vp = 0 if school.is_teaching_point else (1 if school.class_count < 24 else 2)
        vps = []
        for _ in range(min(n_vp, len(teachers) - len(chosen))):
            vp = pick(35, chosen)
            chosen.add(vp.code)
            vps.append(vp)
        n_mm = 0 if school.class_count < 6 else (1 if school.class_count < 12 else (2 if school.class_count < 30 else 3))
        mms = []
        for _ in range(min(n_mm, len(teachers) - len(chosen))):
            mm = pick(30, chosen)
            chosen.add(mm.code)
            mms.append(mm)
        for leader in [principal, *vps]:
            if leader.years >= 15 and leader.rank < 4 and rng.random() < 0.75:
                leader.title = Title.SENIOR
            elif leader.years >= 7 and leader.rank < 3:
                leader.title = Title.FIRST

        # 班主任: one per class, a teacher of that grade (Chinese, maths and English teachers first);
        # where a grade has too few, another teacher of the stage moves to that grade, which is
        # why this is settled before any post (all of a teacher's posts carry one grade).
        homerooms: list[PersonPlan] = []
        busy = {principal.code, *(v.code for v in vps)}
        for g in sorted(per_grade):
            stage = next(st for st in stages if g in GRADES[st])
            for _ in range(per_grade[g]):
                pool = [t for t in teachers if t.grade == g and t.code not in busy]
                preferred = [t for t in pool if t.main_subject in ("chinese", "math", "english")]
                pick_from = preferred or pool
                if not pick_from:
                    # Move a teacher whose own grade has more teachers than classes left to cover.
                    pick_from = [t for t in teachers if t.stage == stage and t.code not in busy]
                if not pick_from:
                    break
                t = rng.choice(pick_from)
                t.grade = g
                busy.add(t.code)
                homerooms.append(t)

        for t in teachers:
            self._person(t)
        for t in teachers:
            assert t.joined is not None and t.teaching_since is not None
            self._post(t.pk, Role.TEACHER, school.pk, subject=t.main_subject, stage=t.stage, grade=t.grade,
                       start=t.joined)
            self._designation(t)
        leaders = {principal.pk, *(v.pk for v in vps)}
        self._post(principal.pk, Role.PRINCIPAL, school.pk, start=dt.date(rng.randint(2016, 2025), 9, 1))
        for v in vps:
            self._post(v.pk, Role.VICE_PRINCIPAL, school.pk, start=dt.date(rng.randint(2017, 2025), 9, 1))
        for m in mms:
            self._post(m.pk, Role.MIDDLE_MANAGER, school.pk, start=dt.date(rng.randint(2018, 2025), 9, 1))

        # 教研组长: the most senior teacher of each major subject that has a group of its own
        # (the same order groups_propose uses for a group's leader), school leaders aside.
        group_leaders: dict[str, int] = {}
        by_subject: dict[str, list[PersonPlan]] = {}
        for t in teachers:
            if t.main_subject:
                by_subject.setdefault(t.main_subject, []).append(t)
        for subject in MAJOR:
            members = [t for t in by_subject.get(subject, []) if t.pk not in leaders]
            if len(by_subject.get(subject, [])) >= 3 and members:
                head = max(members, key=lambda t: (t.rank, -(t.teaching_since or 9999), -t.pk))
                group_leaders[subject] = head.pk
                self._post(head.pk, Role.GROUP_LEADER, school.pk, subject=subject,
                           start=dt.date(SCHOOL_YEAR - rng.randint(0, 4), 9, 1))
        # 备课组长 in large schools: per grade for the main subjects with at least two teachers there.
        if school.class_count >= 24:
            for subject in PREP_SUBJECTS:
                by_grade: dict[int, list[PersonPlan]] = {}
                for t in by_subject.get(subject, []):
                    if t.grade is not None and t.pk not in leaders:
                        by_grade.setdefault(t.grade, []).append(t)
                for grade in sorted(by_grade):
                    members = by_grade[grade]
                    if len(members) >= 2:
                        head = max(members, key=lambda t: (t.rank, -(t.teaching_since or 9999), -t.pk))
                        self._post(head.pk, Role.PREP_LEADER, school.pk, subject=subject, stage=head.stage,
                                   grade=grade, start=dt.date(SCHOOL_YEAR, 9, 1))
        for t in homerooms:
            self._post(t.pk, Role.HOMEROOM, school.pk, stage=t.stage, grade=t.grade, start=dt.date(SCHOOL_YEAR, 9, 1))

        if showcase:
            self.result.picks["principal"] = principal.pk
            if vps:
                self.result.picks["vice_principal"] = vps[0].pk
            if mms:
                self.result.picks["middle_manager"] = mms[0].pk
            if "chinese" in group_leaders:
                self.result.picks["group_leader"] = group_leaders["chinese"]
            with_posts = leaders | set(group_leaders.values()) | {m.pk for m in mms}
            plain = [t for t in teachers if t.main_subject == "chinese" and t.pk not in with_posts]
            if plain:
                self.result.picks["teacher"] = plain[0].pk
        return SchoolStaff(school, teachers, leaders, group_leaders)

    def _designation(self, t: PersonPlan) -> None:
        rng = self.rng
        odds: dict[str, float] = {Title.SENIOR_PROF: 0.7, Title.SENIOR: 0.24, Title.FIRST: 0.07, Title.SECOND: 0.01}
        p = odds.get(t.title, 0.0)
        if rng.random() >= p:
            return
        if t.title == Title.SENIOR_PROF or (t.rank >= 4 and rng.random() < 0.12):
            kind = DesignationKind.MASTER
        elif t.rank >= 4 and rng.random() < 0.3:
            kind = DesignationKind.LEADER
        else:
            kind = DesignationKind.BACKBONE
        level = rng.choices((Level.COUNTY, Level.CITY, Level.PROVINCE), weights=(0.6, 0.3, 0.1))[0]
        year = rng.choice((2019, 2022, 2025))
        batch = {2019: "四", 2022: "五", 2025: "六"}[year]
        issuer = {Level.COUNTY: self._issuers[0], Level.CITY: self._issuers[1],
                  Level.PROVINCE: names.PROVINCE_NAME}[Level(level)]
        programme = f"{issuer}第{batch}批{DesignationKind(kind).label}培养工程"
        self.writer.add(Designation, t.pk, kind, level, programme, dt.date(year, 9, 10), dt.date(year + 3, 9, 9))

    # ------------------------------------------------------------ groups (bulk path)

    def _groups(self, staff: SchoolStaff) -> None:
        """At city and province scale, write the proposal of core.grouping directly; the demo
        scale goes through the services instead (see core.demo.groups)."""
        if self.spec.name == "demo" or staff.school.group_state == "none":
            return
        from core.demo.groups import bulk_groups

        bulk_groups(self.writer, staff, subject_ids=self.subject_ids, term_key=TERM_KEY, now=self.now)

    # ------------------------------------------------------------ region staff

    def _region_staff(self, region: tuple[int, str, int], code: str, kind: str, *, admin: bool,
                      county_index: int = -1, counts: dict[tuple[str, str], int] | None = None) -> None:
        rng = self.rng
        taken = self._names if kind != OrgKind.PROVINCE else set()
        head = self._region_person(region, code, stage="", subject=rng.choice(MAJOR[:3]),
                                   title=Title.SENIOR_PROF if kind == OrgKind.PROVINCE else Title.SENIOR,
                                   min_age=46, max_age=57, taken=taken)
        self._person(head)
        self._post(head.pk, Role.INSTITUTE_HEAD, region[0], start=dt.date(rng.randint(2018, 2024), 9, 1))
        if kind == OrgKind.PROVINCE:
            self.result.picks["institute_head"] = head.pk
        if admin:
            a = self._region_person(region, code, min_age=27, max_age=48, teacher=False, taken=taken)
            self._person(a)
            self._post(a.pk, Role.ADMIN, region[0], start=dt.date(rng.randint(2018, 2025), 3, 1))
            if county_index == 0:
                self.result.picks["county_admin"] = a.pk
        for _ in range(1 if kind == OrgKind.COUNTY else 2):
            v = self._region_person(region, code, min_age=30, max_age=55, teacher=False, taken=taken)
            self._person(v)
            self._post(v.pk, Role.BUREAU_VIEWER, region[0], start=dt.date(rng.randint(2016, 2025), 3, 1))
            if county_index == 0 and "bureau_viewer" not in self.result.picks:
                self.result.picks["bureau_viewer"] = v.pk

        teachers = counts if counts is not None else self._teacher_counts.get(region[1], {})
        if kind == OrgKind.COUNTY:
            # A county's staffing rate varies around the 5‰ norm, so some counties meet it by
            # subject and others fall short.
            rate = rng.uniform(1.2, 6.0) / 1000
        elif kind == OrgKind.CITY:
            rate = rng.uniform(0.6, 1.4) / 1000
        else:
            rate = 0.15 / 1000
        caps: dict[str, int] = {OrgKind.COUNTY: 12, OrgKind.CITY: 4, OrgKind.PROVINCE: 3}
        cap = caps[kind]
        plan: list[tuple[str, str]] = []
        for stage in GRADES:
            for subject, _ in STAGE_SUBJECTS[stage]:
                n_teachers = teachers.get((stage, subject), 0)
                if not n_teachers:
                    continue
                n = min(cap, stochastic_round(rng, n_teachers * rate))
                if subject in CORE and (kind != OrgKind.COUNTY or n_teachers >= 20):
                    n = max(n, 1)
                if kind == OrgKind.PROVINCE:
                    n = max(n, 1)
                plan.extend([(stage, subject)] * n)
        for j, (stage, subject) in enumerate(plan):
            fail_years = rng.random() < 0.06
            fail_title = rng.random() < 0.05
            # Make sure the demo shows both qualification failures: the second and third county
            # each have one researcher short of a norm (never a demo login).
            if county_index == 1 and j == 1:
                fail_years = True
            if county_index == 2 and j == 1:
                fail_title = True
            if county_index == 0 and j == 0:
                fail_years = fail_title = False
            if fail_title:
                title = Title.SECOND
            else:
                title = rng.choices((Title.SENIOR, Title.FIRST, Title.SENIOR_PROF), weights=(0.55, 0.33, 0.12))[0]
            r = self._region_person(region, code, stage=stage, subject=subject, title=title, min_age=36, max_age=57,
                                    taken=taken)
            assert r.teaching_since is not None
            before = rng.randint(2, 5) if fail_years else rng.randint(6, 18)
            start_year = min(YEAR - 1, r.teaching_since + before)
            r.teaching_since = start_year - before
            r.birth_year = min(r.birth_year, r.teaching_since - 22)
            self._person(r)
            self._post(r.pk, Role.RESEARCHER, region[0], subject=subject, stage=stage,
                       start=dt.date(start_year, rng.choice((3, 9)), 1))
            self.result.researcher_ids.append(r.pk)
            role_keys: dict[str, str] = {OrgKind.PROVINCE: "province_researcher", OrgKind.CITY: "city_researcher"}
            role_key = role_keys.get(kind)
            if county_index == 0 and (stage, subject) == (Stage.PRIMARY, "chinese"):
                role_key = "county_researcher"
            if role_key and role_key not in self.result.picks and not (fail_title or fail_years):
                self.result.picks[role_key] = r.pk
