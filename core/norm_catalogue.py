"""Every row of spec/norms.md, in the words the UI shows (Chinese), with its default threshold.

Codes are stable and used everywhere. `threshold` is the minimum a metric compares against and
`threshold_max` the maximum of a range (None where open or where the rule is not a number);
regions override both for their subtree (NormOverride).
Source: seed file prefix (000 to 004) and clause, as in ../shared/seeds/README.md.
"""

from __future__ import annotations

from typing import NamedTuple


class NormSpec(NamedTuple):
    code: str
    category: str
    title: str
    binds: str
    period: str
    default_text: str
    threshold: float | None  # the minimum (or the one number) a metric compares against
    source: str
    threshold_max: float | None = None  # the maximum, for a range (1～4 links)


VISITS = "视导与常规检查"
RES = "教研员"
SCHOOL = "学校领导、教研组与教师"
QM = "质量监测"
FUND = "经费"
GOV = "治理"

CATALOGUE: tuple[NormSpec, ...] = (
    NormSpec("VISIT.PROVINCE", VISITS, "省级教研机构组织集体教学视导", "省级教研机构", "学年", "≥1次", 1, "000 §6"),
    NormSpec("VISIT.CITY", VISITS, "市级教研机构组织集体教学视导", "市级教研机构", "学期", "≥1次", 1, "000 §6"),
    NormSpec("VISIT.COUNTY", VISITS, "县级教研机构组织集体教学视导", "县级教研机构", "学期", "≥1次", 1, "000 §6"),
    NormSpec("VISIT.REPORT", VISITS, "每次集体视导形成反馈报告报教育行政部门", "每次集体视导", "每次视导", "每次1份", 1, "000 §6"),
    NormSpec("VISIT.KINDS", VISITS, "视导分为督办性、指导性、诊断性、巡查性、评价性五类", "每次视导", "—", "五类之一", None, "004 (七)"),
    NormSpec("CHECK.CITY_HIGH", VISITS, "市教育局对每所高中开展教学常规检查（市直高中每学期）", "市教育行政部门", "学年", "≥1次", 1, "004 四(四)"),
    NormSpec("CHECK.COUNTY_COMPULSORY", VISITS, "县教育局对每所义务教育学校开展教学常规检查", "县教育行政部门", "学期", "≥1次", 1, "004 四(四)"),
    NormSpec("WEEK.PATTERN", VISITS, "周一、周三下校视导，周二、周四开展学科教研活动", "市级教研机构（如乌鲁木齐）", "周", "可配置周安排", None, "001 一(一)"),
    NormSpec("RES.LINK_MIN", RES, "每位学科教研员至少联系一所学校", "学科教研员", "长期", "≥1所", 1, "000 §7"),
    NormSpec("RES.LINK_RANGE", RES, "市级义务教育段教研员（含骨干教师）定点联系1至4所学校", "市级义务教育段教研员", "每轮", "1～4所", 1, "002 三", 4),
    NormSpec("RES.LINK_LEVEL", RES, "省联系县、市联系乡镇、县联系农村学校和教学点", "各级教研机构", "—", "层级对应", None, "000 §7"),
    NormSpec("RES.ONSITE", RES, "在联系学校驻校工作时间", "联系学校的教研员", "学期", "≥5个工作日", 5, "002 三"),
    NormSpec("RES.ROUND", RES, "每轮定点联系两个学年，分准备、实施、总结三个阶段", "定点联系项目", "每轮", "2个学年", 2, "002 七"),
    NormSpec("RES.EXCHANGE", RES, "定点联系工作交流会", "定点联系项目", "学期", "≥1次", 1, "002 七(二)3"),
    NormSpec("RES.QUALIFY_YEARS", RES, "担任教研员前的教学工作年限", "教研员", "任职时", "≥6年", 6, "000 §11"),
    NormSpec("RES.QUALIFY_TITLE", RES, "教研员专业技术职称", "教研员", "任职时", "中级及以上", 3, "000 §11"),
    NormSpec("RES.TRAINING", RES, "教研员每年接受培训学时", "教研员", "年度", "≥72学时", 72, "000 §12"),
    NormSpec("RES.ROTATION", RES, "专职教研员每5年到学校任教不少于1学年", "专职教研员", "5年", "每5年≥1学年", 1, "000 §12"),
    NormSpec("RES.STAFFING", RES, "按学段学科，教研员与教师之比不低于5‰", "各级区域", "区域", "≥5‰（分学段学科）", 5, "004 (五)1"),
    NormSpec("RES.APPRAISAL", RES, "教研员年度考核：教育教学、教研科研、教学管理、教育服务四个维度，教师和学校评价计入", "教研员", "年度", "4个维度", 4, "000 §13"),
    NormSpec("RES.BACKBONE", RES, "遴选培养省级骨干教研员", "省", "项目周期", "200名（全省）", 200, "000 §12"),
    NormSpec("LEAD.OBSERVE_HEAD", SCHOOL, "校领导在本校听课", "校领导", "学期", "≥30节", 30, "004 (一)1"),
    NormSpec("LEAD.OBSERVE_MIDDLE", SCHOOL, "分管教学、教研的中层干部听课", "中层干部", "学期", "≥25节", 25, "004 (一)1"),
    NormSpec("LEAD.COVERAGE", SCHOOL, "校领导听课覆盖本校全体教师", "学校", "学期", "全覆盖", 100, "004 (一)1"),
    NormSpec("HOMEROOM.PARENTS", SCHOOL, "班主任召开家长会", "班主任", "学期", "≥1次", 1, "004 (一)2"),
    NormSpec("HOMEROOM.STUDENTS", SCHOOL, "班主任召开学生座谈会", "班主任", "月", "≥1次", 1, "004 (一)2"),
    NormSpec("HOMEROOM.TEACHERS", SCHOOL, "班主任召开科任教师联席会", "班主任", "月", "≥1次", 1, "004 (一)2"),
    NormSpec("GROUP.FORM", SCHOOL, "同学科教师3人及以上单独成立教研组，不足3人与相近学科合并", "学校", "学期", "3人", 3, "003 三(一)"),
    NormSpec("GROUP.MEMBERSHIP", SCHOOL, "教师参加主教学科教研组并参加兼教学科活动；校领导参加任教学科教研组", "教师、校领导", "学期", "规则", None, "003 三(一)"),
    NormSpec("GROUP.PREP", SCHOOL, "规模较大学校在教研组下按年级或学段设备课组", "规模较大学校", "学期", "班级数≥24", 24, "003 三(一)"),
    NormSpec("GROUP.PLAN", SCHOOL, "教研组有三年或五年发展规划和学期活动计划", "教研组", "规划期/学期", "各1份", 1, "003 二(二)"),
    NormSpec("GROUP.MEET", SCHOOL, "教研组集中教研活动每两周一次，每次不少于2课时", "教研组", "两周", "每两周≥2课时", 2, "003 四(二)"),
    NormSpec("GROUP.JOURNALS", SCHOOL, "教研组订阅学科报刊", "教研组", "年度", "≥3种", 3, "003 附件 九"),
    NormSpec("GROUP.KEY_SUBJECTS", SCHOOL, "学校确定重点建设学科", "学校", "—", "1～2个", 1, "003 四(一)", 2),
    NormSpec("GROUP.AWARDS", SCHOOL, "区评选优秀教研组和优秀教研组长", "区（县）", "两年", "每两年", 2, "003 四(三)"),
    NormSpec("GROUP.RUBRIC", SCHOOL, "按九项一级指标评价细则评价教研组", "教研组", "每次评价", "100分", 100, "003 附件"),
    NormSpec("PREP.STEPS", SCHOOL, "集体备课五环节：个人初备、集体研讨、教案生成、个性彰显、课后反思，逐次记录、检查、评价", "备课组", "每次", "5个环节", 5, "004 (四)1"),
    NormSpec("TEACHER.ARCHIVE", SCHOOL, "每位教师建立教学档案，记录成长过程；教学中发现的问题（听课评价为中或差、视导发现、质量预警）"
             "均有整改措施和期限或跟踪听课等跟进记录", "在职教师", "学年", "每学年≥1类成长记录，问题均有跟进", 1, "004 (一)4"),
    NormSpec("TEACHER.PROJECT_JUNIOR", SCHOOL, "中学一级以下教师参与校级及以上课题研究", "中学一级以下教师", "5年", "≥1项", 1, "004 (二)4"),
    NormSpec("TEACHER.PROJECT_FIRST", SCHOOL, "中学一级教师主持或参与校级及以上课题", "中学一级教师", "5年", "≥1项", 1, "004 (二)4"),
    NormSpec("TEACHER.PROJECT_SENIOR", SCHOOL, "中学高级教师主持或参与县级及以上课题", "中学高级教师", "5年", "≥1项", 1, "004 (二)4"),
    NormSpec("TEACHER.BELOW_PEERS", SCHOOL, "教学成绩长期低于本校平行班平均水平的教师予以标记（低聘或调整）", "教师", "考试", "连续N次（区域设定）", 3, "004 (一)3"),
    NormSpec("STUDIO.LARGE_SCHOOL", SCHOOL, "30个班及以上学校建有县级及以上名师工作室", "30班及以上学校", "—", "≥1个", 1, "004 (二)6"),
    NormSpec("BASE.SCHOOLS", SCHOOL, "全市按学段学科建设优质学科基地学校", "市", "—", "2～3所", 2, "004 (二)5", 3),
    NormSpec("PSY.CERT", SCHOOL, "持心理健康教育C/B证教师达到规划覆盖率", "区域", "年度", "区域设定%", None, "004 (二)2"),
    NormSpec("PROBLEM.DEADLINE", SCHOOL, "发现的教学问题均有整改措施和时限，并跟踪至销号", "每个问题", "每个问题", "必须有时限", None, "004 (一)1, (一)4"),
    NormSpec("QM.PLAN", QM, "制定分学段分学科质量监测方案和预警通报制度", "教育行政部门", "每次考试", "规则", None, "004 (六)1"),
    NormSpec("QM.CITY_HIGH", QM, "市统一组织高中各学科网上阅卷和质量分析", "市", "每次考试", "每次", None, "004 (六)1"),
    NormSpec("QM.COUNTY_COMPULSORY", QM, "县对义务教育学校开展质量监测", "县", "每次考试", "每次", None, "004 (六)1"),
    NormSpec("QM.VALUE_ADDED", QM, "依进论出、依学评教：以进步评价教师和学校", "教师、学校", "考试对", "规则", None, "004 (六)"),
    NormSpec("QM.BALANCE", QM, "县域校际、县际、南北差距逐步缩小", "区域", "年度", "趋势", None, "004 二"),
    NormSpec("QM.HEAD_TENURE", QM, "任期内学校质量没有提升的校长不得续聘、交流提拔", "校长", "校长任期", "标记", None, "004 (一)1"),
    NormSpec("FUND.TRAINING", FUND, "教师培训经费占学校年度公用经费比例", "学校", "年度", "≥5%", 5, "004 四(三)"),
    NormSpec("FUND.EQUIPMENT", FUND, "仪器设备、图书经费比例", "学校", "年度", "≥10%", 10, "004 四(三)"),
    NormSpec("FUND.TEACHING", FUND, "教学业务经费（实验、教研、差旅、印刷、体育）比例", "学校", "年度", "≥35%", 35, "004 四(三)"),
    NormSpec("GOV.MEETING", GOV, "教育行政部门召开教研工作专题会议", "教育行政部门", "年度", "≥1次", 1, "000 §14"),
    NormSpec("GOV.CITY_FOCUS", GOV, "市级教研机构侧重高中，县级侧重义务教育", "市、县教研机构", "—", "规则", None, "000 §5"),
)


class SourceDocument(NamedTuple):
    prefix: str  # the seed file's prefix, as in NormSpec.source
    issuer: str
    title: str
    region_code: str  # the administrative-division code of the issuing region


DOCUMENTS: dict[str, SourceDocument] = {d.prefix: d for d in (
    SourceDocument("000", "山西省教育厅", "关于加强新时代教研工作的实施意见", "140000"),
    SourceDocument("001", "乌鲁木齐市教育局", "关于对中小学教研工作的建议的答复", "650100"),
    SourceDocument("002", "临沂市教育科学研究院", "义务教育阶段教研员、骨干教师联系乡镇学校工作实施方案", "371300"),
    SourceDocument("003", "衡阳市珠晖区教育局", "关于加强全区中小学教研组建设的指导意见", "430405"),
    SourceDocument("004", "清远市人民政府", "清远市基础教育教学质量提升计划", "441800"),
)}


def _clause(text: str) -> str:
    """A clause as people cite it: '§11' is 第11条; the documents' own numbering stays."""
    text = text.strip()
    return f"第{text[1:]}条" if text.startswith("§") else text


def source_for(code: str, node: object, source: str) -> str:
    """The norm's source in words: the issuing document and its clause, never the catalogue's
    reference ('000 §11'). A node inside the issuing region reads 依据 its own region's
    document; elsewhere the document is quoted as the model the norm was taken from (参照)."""
    path = str(getattr(node, "path", ""))
    parts = []
    for ref in source.split(","):
        ref = ref.strip()
        prefix, _, clause = ref.partition(" ")
        doc = DOCUMENTS.get(prefix)
        if doc is None:
            if not prefix.isdigit():  # a bare clause continuing the previous reference: '(一)4'
                parts.append(_clause(ref))
            continue
        own = f"{doc.region_code}/" in path
        parts.append(f"{'依据' if own else '参照'}{doc.issuer}《{doc.title}》{_clause(clause)}")
    return "、".join(parts) or "—"
