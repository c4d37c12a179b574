"""The demo company for `manage.py seed_demo`: a small company with five service teams, a
translated catalog, service standards and a few dozen tickets in every state.

Declarative tables only; `demo.seed` writes them into the database. Everything here is
public (the password above all), which is why seeding only runs in demo mode.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from teams.models import Membership
from tickets.constants import FieldKind, Priority, Status

PASSWORD = "servicedesk"

LEAD = Membership.Role.LEAD
AGENT = Membership.Role.AGENT


# --- the company -------------------------------------------------------------------------

DEPARTMENTS = [
    ("sales", "Sales"),
    ("finance", "Finance"),
    ("engineering", "Engineering"),
    ("marketing", "Marketing"),
    ("legal", "Legal"),
]
# Names in 简体中文 and 繁體中文, by department code, team slug, calendar and chain name.
DEPARTMENT_NAMES = {
    "sales": ("销售部", "銷售部"), "finance": ("财务部", "財務部"), "engineering": ("研发部", "研發部"),
    "marketing": ("市场部", "市場部"), "legal": ("法务部", "法務部"),
}
TEAM_NAMES = {
    "it": ("IT 支持", "IT 支援"), "ops": ("行政与设施", "行政與設施"), "hr": ("人力资源服务", "人力資源服務"),
    "pmo": ("项目管理办公室", "專案管理辦公室"), "training": ("培训", "培訓"),
}


@dataclass(frozen=True)
class TeamSpec:
    slug: str
    name: str
    email: str
    description: str
    lead: str


TEAMS = [
    TeamSpec("it", "IT Support", "it-support@example.com",
             "Laptops, accounts, software, VPN and email.", "it.lead"),
    TeamSpec("ops", "Operations & Facilities", "facilities@example.com",
             "Offices, meeting rooms, desks and visitors.", "ops.lead"),
    TeamSpec("hr", "HR Services", "hr-services@example.com",
             "New starters, leave, payslips and certificates.", "hr.lead"),
    TeamSpec("pmo", "Project Office", "pmo@example.com",
             "Setting up projects and their reporting.", "pmo.lead"),
    TeamSpec("training", "Training", "training@example.com",
             "Courses, enrolments and training rooms.", "training.lead"),
]


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    department: str | None = None
    language: str = "en"
    timezone: str = "Asia/Shanghai"
    teams: tuple[tuple[str, str], ...] = ()
    is_admin: bool = False


PEOPLE = [
    Person("admin", "Sam", "Admin", language="en", timezone="UTC", is_admin=True),
    Person("it.lead", "Wei", "Zhang", language="en", teams=(("it", LEAD),)),
    Person("it.agent", "Tom", "Baker", teams=(("it", AGENT),)),
    Person("it.agent2", "Mei", "Lin", language="zh-hant", timezone="Asia/Taipei", teams=(("it", AGENT),)),
    Person("ops.lead", "Na", "Li", language="zh-hans", teams=(("ops", LEAD),)),
    Person("ops.agent", "Carlos", "Diaz", teams=(("ops", AGENT),)),
    Person("hr.lead", "Grace", "Ho", language="zh-hant", timezone="Asia/Hong_Kong", teams=(("hr", LEAD),)),
    Person("hr.agent", "Hannah", "Weber", teams=(("hr", AGENT),)),
    Person("pmo.lead", "Peter", "Wong", teams=(("pmo", LEAD),)),
    Person("pmo.agent", "Nina", "Patel", teams=(("pmo", AGENT),)),
    Person("training.lead", "Olivia", "Chen", teams=(("training", LEAD),)),
    Person("training.agent", "Jun", "Wang", language="zh-hans", teams=(("training", AGENT),)),
    Person("alice", "Alice", "Chen", department="sales"),
    Person("bob", "Bob", "Lin", department="finance", language="en", timezone="Asia/Taipei"),
    Person("carol", "Carol", "Wu", department="engineering", language="zh-hans"),
    Person("dave", "Dave", "Miller", department="marketing", timezone="Europe/London"),
    Person("erin", "Erin", "Zhao", department="legal"),
    Person("frank", "Frank", "Liu", department="engineering", language="zh-hans"),
    Person("finance.head", "Fiona", "Gao", department="finance", language="zh-hans"),
]
# Department heads (department code → login): they see their department's report.
DEPARTMENT_HEADS = {"finance": "finance.head"}


# --- the catalog -------------------------------------------------------------------------


@dataclass(frozen=True)
class CategorySpec:
    name: str
    order: int
    zh_hans: str
    zh_hant: str


CATEGORIES = [
    CategorySpec("Hardware & devices", 10, "硬件与设备", "硬體與設備"),
    CategorySpec("Accounts & access", 20, "账号与权限", "帳號與權限"),
    CategorySpec("Software & network", 30, "软件与网络", "軟體與網路"),
    CategorySpec("Workplace & facilities", 40, "办公场所与设施", "辦公場所與設施"),
    CategorySpec("People & HR", 50, "人事服务", "人事服務"),
    CategorySpec("Projects", 60, "项目管理", "專案管理"),
    CategorySpec("Learning & training", 70, "学习与培训", "學習與培訓"),
]


@dataclass(frozen=True)
class FieldSpec:
    key: str
    kind: str
    label: tuple[str, str, str]  # English, 简体中文, 繁體中文
    help_text: tuple[str, str, str] = ("", "", "")
    required: bool = False
    choices: tuple[tuple[str, str, str], ...] = ()  # each: English (the stored value), 简体中文, 繁體中文


@dataclass(frozen=True)
class ItemSpec:
    name: str
    team: str
    category: str
    priority: str
    description: str
    zh_hans: tuple[str, str]  # name, description
    zh_hant: tuple[str, str]
    fields: tuple[FieldSpec, ...] = ()


TEXT, LONG_TEXT, CHOICE, NUMBER, DATE = (
    FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.CHOICE, FieldKind.NUMBER, FieldKind.DATE
)

ITEMS = [
    # IT Support
    ItemSpec(
        "Laptop repair", "it", "Hardware & devices", Priority.P3,
        "Your laptop is broken, slow or damaged. We repair it or lend you one while we do.",
        ("笔记本电脑维修", "笔记本电脑损坏、运行缓慢或出现故障时申请。维修期间可借用备用机。"),
        ("筆記型電腦維修", "筆記型電腦損壞、執行緩慢或故障時申請。維修期間可借用備用機。"),
        fields=(
            FieldSpec("asset_tag", TEXT, ("Asset tag", "资产编号", "資產編號"),
                      ("The number on the sticker under the laptop, e.g. LT-1234.",
                       "笔记本底部标签上的编号，例如 LT-1234。", "筆電底部標籤上的編號，例如 LT-1234。"),
                      required=True),
            FieldSpec("impact", CHOICE, ("Impact", "影响范围", "影響範圍"),
                      choices=(("Only me", "仅我自己", "僅我自己"), ("My whole team", "我的整个团队", "我的整個團隊"),
                               ("A customer deadline", "客户截止期限", "客戶截止期限"))),
        ),
    ),
    ItemSpec(
        "New laptop or monitor", "it", "Hardware & devices", Priority.P4,
        "Ask for a new laptop, a monitor, a docking station or a keyboard and mouse.",
        ("申请新电脑或显示器", "申请新的笔记本电脑、显示器、扩展坞或键盘鼠标。"),
        ("申請新電腦或螢幕", "申請新的筆記型電腦、螢幕、擴充座或鍵盤滑鼠。"),
        fields=(
            FieldSpec("device", CHOICE, ("Device", "设备", "設備"), required=True,
                      choices=(("Laptop", "笔记本电脑", "筆記型電腦"), ("Monitor", "显示器", "顯示器"),
                               ("Docking station", "扩展坞", "擴充座"), ("Keyboard and mouse", "键盘和鼠标", "鍵盤和滑鼠"))),
            FieldSpec("reason", LONG_TEXT, ("Why do you need it?", "申请原因", "申請原因")),
        ),
    ),
    ItemSpec(
        "Printer problem", "it", "Hardware & devices", Priority.P3,
        "A printer jams, prints badly or cannot be found on the network.",
        ("打印机故障", "打印机卡纸、打印质量差或在网络上找不到。"),
        ("印表機故障", "印表機卡紙、列印品質差或在網路上找不到。"),
        fields=(
            FieldSpec("printer", TEXT, ("Printer name or location", "打印机名称或位置", "印表機名稱或位置"),
                      required=True),
        ),
    ),
    ItemSpec(
        "Password reset", "it", "Accounts & access", Priority.P2,
        "You are locked out or forgot your password.",
        ("密码重置", "账号被锁定或忘记密码。"),
        ("密碼重設", "帳號被鎖定或忘記密碼。"),
    ),
    ItemSpec(
        "Access to an application", "it", "Accounts & access", Priority.P3,
        "Ask for access to a business application (CRM, ERP, reporting, …).",
        ("应用系统访问权限", "申请业务系统（CRM、ERP、报表等）的访问权限。"),
        ("應用系統存取權限", "申請業務系統（CRM、ERP、報表等）的存取權限。"),
        fields=(
            FieldSpec("application", TEXT, ("Application", "应用系统", "應用系統"), required=True),
            FieldSpec("access_level", CHOICE, ("Access level", "权限级别", "權限等級"), required=True,
                      choices=(("Read only", "只读", "唯讀"), ("Edit", "编辑", "編輯"), ("Administrator", "管理员", "管理員"))),
            FieldSpec("reason", LONG_TEXT, ("Why do you need it?", "申请原因", "申請原因")),
        ),
    ),
    ItemSpec(
        "VPN problem", "it", "Software & network", Priority.P2,
        "You cannot connect to the VPN, or it keeps disconnecting.",
        ("VPN 连接问题", "无法连接 VPN，或连接经常中断。"),
        ("VPN 連線問題", "無法連線 VPN，或連線經常中斷。"),
    ),
    ItemSpec(
        "Software installation", "it", "Software & network", Priority.P4,
        "Install software on your computer; we check the licence first.",
        ("软件安装", "在您的电脑上安装软件；我们会先确认许可证。"),
        ("軟體安裝", "在您的電腦上安裝軟體；我們會先確認授權。"),
        fields=(
            FieldSpec("software", TEXT, ("Software", "软件名称", "軟體名稱"), required=True),
            FieldSpec("licence", CHOICE, ("Licence", "许可证", "授權"),
                      choices=(("Free", "免费", "免費"), ("Company licence", "公司许可证", "公司授權"),
                               ("Need a new licence", "需要新许可证", "需要新授權"))),
        ),
    ),
    ItemSpec(
        "Email and calendar", "it", "Software & network", Priority.P3,
        "Mailboxes, shared calendars, distribution lists and bounced emails.",
        ("邮件与日历", "邮箱、共享日历、邮件组以及退信问题。"),
        ("郵件與行事曆", "信箱、共用行事曆、郵件群組以及退信問題。"),
    ),
    # Operations & Facilities
    ItemSpec(
        "Office repair", "ops", "Workplace & facilities", Priority.P3,
        "Lights, air conditioning, doors, furniture: anything broken in the office.",
        ("办公室报修", "灯光、空调、门锁、家具等办公室设施损坏。"),
        ("辦公室報修", "燈光、空調、門鎖、家具等辦公室設施損壞。"),
        fields=(
            FieldSpec("location", TEXT, ("Location", "位置", "位置"),
                      ("Building, floor and room.", "楼栋、楼层和房间。", "大樓、樓層和房間。"), required=True),
        ),
    ),
    ItemSpec(
        "Meeting room equipment", "ops", "Workplace & facilities", Priority.P2,
        "The projector, screen, camera or phone of a meeting room does not work.",
        ("会议室设备", "会议室的投影仪、屏幕、摄像头或电话无法使用。"),
        ("會議室設備", "會議室的投影機、螢幕、攝影機或電話無法使用。"),
        fields=(FieldSpec("room", TEXT, ("Meeting room", "会议室", "會議室"), required=True),),
    ),
    ItemSpec(
        "Desk move", "ops", "Workplace & facilities", Priority.P4,
        "Move to another desk or area, with your equipment.",
        ("工位搬迁", "搬到其他工位或办公区域，连同您的设备。"),
        ("座位搬遷", "搬到其他座位或辦公區域，連同您的設備。"),
        fields=(
            FieldSpec("move_date", DATE, ("Move date", "搬迁日期", "搬遷日期"), required=True),
            FieldSpec("new_desk", TEXT, ("New desk", "新工位", "新座位")),
        ),
    ),
    ItemSpec(
        "Visitor badge", "ops", "Workplace & facilities", Priority.P3,
        "A badge for a visitor, ready at reception on the day of the visit.",
        ("访客证", "为访客办理访客证，来访当天在前台领取。"),
        ("訪客證", "為訪客辦理訪客證，來訪當天於櫃台領取。"),
        fields=(
            FieldSpec("visitor_name", TEXT, ("Visitor's name", "访客姓名", "訪客姓名"), required=True),
            FieldSpec("visit_date", DATE, ("Date of the visit", "来访日期", "來訪日期"), required=True),
        ),
    ),
    # HR Services
    ItemSpec(
        "New starter", "hr", "People & HR", Priority.P2,
        "Someone joins your team: contract, first-day plan, laptop and accounts.",
        ("新员工入职", "新同事加入您的团队：合同、入职第一天安排、电脑与账号。"),
        ("新進員工報到", "新同事加入您的團隊：合約、報到第一天安排、電腦與帳號。"),
        fields=(
            FieldSpec("starter_name", TEXT, ("Name of the new starter", "新员工姓名", "新進員工姓名"),
                      required=True),
            FieldSpec("start_date", DATE, ("Start date", "入职日期", "到職日期"), required=True),
        ),
    ),
    ItemSpec(
        "Leave balance question", "hr", "People & HR", Priority.P4,
        "Questions about your annual leave, sick leave or overtime balance.",
        ("假期余额查询", "关于年假、病假或加班调休余额的问题。"),
        ("假期餘額查詢", "關於特休、病假或加班補休餘額的問題。"),
    ),
    ItemSpec(
        "Payslip question", "hr", "People & HR", Priority.P3,
        "Something on your payslip looks wrong or is missing.",
        ("工资单问题", "工资单上的内容有误或缺失。"),
        ("薪資單問題", "薪資單上的內容有誤或缺漏。"),
        fields=(FieldSpec("pay_month", TEXT, ("Pay month", "工资月份", "薪資月份"),
                          ("For example 2026-10.", "例如 2026-10。", "例如 2026-10。")),),
    ),
    ItemSpec(
        "Employment certificate", "hr", "People & HR", Priority.P4,
        "A signed certificate of employment, e.g. for a visa or a bank.",
        ("在职证明", "盖章的在职证明，例如用于签证或银行业务。"),
        ("在職證明", "用印的在職證明，例如用於簽證或銀行業務。"),
        fields=(
            FieldSpec("purpose", CHOICE, ("Purpose", "用途", "用途"), required=True,
                      choices=(("Visa application", "签证申请", "簽證申請"), ("Bank or loan", "银行或贷款", "銀行或貸款"),
                               ("Other", "其他", "其他"))),
            FieldSpec("copies", NUMBER, ("Copies", "份数", "份數")),
        ),
    ),
    # Project Office
    ItemSpec(
        "New project setup", "pmo", "Projects", Priority.P3,
        "Register a new project: code, budget, workspace and reporting.",
        ("新项目立项", "登记新项目：项目编号、预算、工作空间和报表。"),
        ("新專案立案", "登記新專案：專案代碼、預算、工作空間和報表。"),
        fields=(
            FieldSpec("project_name", TEXT, ("Project name", "项目名称", "專案名稱"), required=True),
            FieldSpec("budget", NUMBER, ("Budget (CNY)", "预算（人民币）", "預算（人民幣）")),
            FieldSpec("go_live", DATE, ("Planned go-live", "计划上线日期", "預計上線日期")),
        ),
    ),
    ItemSpec(
        "Project dashboard access", "pmo", "Projects", Priority.P4,
        "Access to the dashboard and the reports of a project.",
        ("项目看板权限", "申请项目看板与报表的访问权限。"),
        ("專案看板權限", "申請專案看板與報表的存取權限。"),
        fields=(FieldSpec("project_name", TEXT, ("Project name", "项目名称", "專案名稱"), required=True),),
    ),
    # Training
    ItemSpec(
        "Training course", "training", "Learning & training", Priority.P4,
        "Enrol yourself or your team in one of our courses.",
        ("培训课程报名", "为自己或团队报名参加培训课程。"),
        ("培訓課程報名", "為自己或團隊報名參加培訓課程。"),
        fields=(
            FieldSpec("course", CHOICE, ("Course", "课程", "課程"), required=True,
                      choices=(("Excel for analysts", "面向分析师的 Excel", "給分析師的 Excel"),
                               ("Presenting with confidence", "自信地做演示", "自信地做簡報"),
                               ("Information security basics", "信息安全基础", "資訊安全基礎"),
                               ("Mandarin for beginners", "初级普通话", "初級普通話"))),
            FieldSpec("seats", NUMBER, ("Seats", "名额", "名額"), required=True),
            FieldSpec("preferred_date", DATE, ("Preferred date", "期望日期", "希望日期")),
        ),
    ),
    ItemSpec(
        "Training room booking", "training", "Learning & training", Priority.P3,
        "Book the training room, with projector and laptops, for a workshop.",
        ("培训教室预订", "预订配有投影仪和电脑的培训教室，用于举办工作坊。"),
        ("培訓教室預訂", "預訂配有投影機和電腦的培訓教室，用於舉辦工作坊。"),
        fields=(
            FieldSpec("date", DATE, ("Date", "日期", "日期"), required=True),
            FieldSpec("attendees", NUMBER, ("Attendees", "人数", "人數")),
        ),
    ),
]


# --- canned responses --------------------------------------------------------------------
# Two per team, each written in the three languages (the ticket page offers those in the
# requester's language first). Placeholders: {requester_name}, {reference}, {title}.

CANNED_ASK_DETAILS = {
    "en": ("Need more details",
           "Hello {requester_name},\n\nthank you for {reference}. To move on we need a little more: "
           "{detail} Please reply to this request.\n"),
    "zh-hans": ("需要更多信息",
                "{requester_name}，您好：\n\n感谢您提交 {reference}。为继续处理，请补充：{detail}请直接回复此请求。\n"),
    "zh-hant": ("需要更多資訊",
                "{requester_name}，您好：\n\n感謝您提交 {reference}。為繼續處理，請補充：{detail}請直接回覆此請求。\n"),
}
CANNED_DONE = {
    "en": ("Done — please confirm",
           "Hello {requester_name},\n\n{done} If anything is still not right, reply within a few days and "
           "we will reopen {reference}.\n"),
    "zh-hans": ("已处理，请确认",
                "{requester_name}，您好：\n\n{done}如仍有问题，请在几天内回复，我们会重新打开 {reference}。\n"),
    "zh-hant": ("已處理，請確認",
                "{requester_name}，您好：\n\n{done}如仍有問題，請在幾天內回覆，我們會重新開啟 {reference}。\n"),
}
# Per team: what "more details" asks for and what "done" says, in each language.
CANNED_TEAM_TEXT = {
    "it": {
        "en": ("the asset tag on the back of the device and a photo of the error message.",
               "We have fixed the problem on your device."),
        "zh-hans": ("设备背面的资产标签，以及错误信息的截图。", "您设备上的问题已修复。"),
        "zh-hant": ("裝置背面的資產標籤，以及錯誤訊息的截圖。", "您裝置上的問題已修復。"),
    },
    "ops": {
        "en": ("the building, floor and room, and when we may enter.", "The work in your office is finished."),
        "zh-hans": ("楼栋、楼层和房间号，以及方便进入的时间。", "您办公区域的工作已完成。"),
        "zh-hant": ("樓棟、樓層和房間號，以及方便進入的時間。", "您辦公區域的工作已完成。"),
    },
    "hr": {
        "en": ("your employee number and the month concerned.", "Your request has been processed by HR Services."),
        "zh-hans": ("您的员工编号和相关月份。", "人力资源服务已处理您的请求。"),
        "zh-hant": ("您的員工編號和相關月份。", "人力資源服務已處理您的請求。"),
    },
    "pmo": {
        "en": ("the project code and its sponsor.", "Your project is set up in the portfolio."),
        "zh-hans": ("项目编号及项目发起人。", "您的项目已在项目组合中建立。"),
        "zh-hant": ("專案編號及專案發起人。", "您的專案已在專案組合中建立。"),
    },
    "training": {
        "en": ("the course name and the dates that suit you.", "You are enrolled; the invitation is on its way."),
        "zh-hans": ("课程名称和您方便的日期。", "您已报名成功，邀请即将发出。"),
        "zh-hant": ("課程名稱和您方便的日期。", "您已報名成功，邀請即將發出。"),
    },
}


# --- service standards -------------------------------------------------------------------

CALENDAR_24X7 = "24×7"
CALENDAR_CHINA = "China office hours"
CHAIN_NAME = "Standard escalation"
STANDARDS_NAMES = {
    CALENDAR_24X7: ("全天候", "全天候"),
    CALENDAR_CHINA: ("中国办公时间", "中國辦公時間"),
    CHAIN_NAME: ("标准升级", "標準升級"),
}

CHINA_HOURS = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(18, 0)))
# The 2026 National Day week and its make-up working days, as the State Council set them
# (they match holidays.China(years=2026); a test checks that).
NATIONAL_DAY_2026 = (dt.date(2026, 10, 1), dt.date(2026, 10, 7))
MAKE_UP_DAYS_2026 = (dt.date(2026, 9, 20), dt.date(2026, 10, 10))

# First response, next response (after each reply of the requester), resolution, in
# business minutes.
TEAM_STANDARD_MINUTES = (240, 240, 2400)
IT_P1_MINUTES = (30, 60, 240)


# --- tickets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketSpec:
    """A demo ticket and what happens to it, step by step. Steps are tuples:
    ("assign", actor, assignee), ("reply", author, body), ("note", author, body),
    ("status", actor, to), ("resolve", actor, resolution summary) and ("priority", actor, priority)."""

    requester: str
    item: str
    title: str
    description: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    priority: str | None = None
    steps: tuple[tuple[str, str, str], ...] = ()
    # Filed this long before the seeding (the steps happen at the seeding): a demo that
    # starts with overdue and at-risk work, which the worker escalates in its first minute.
    filed_minutes_ago: int = 0


TICKETS = [
    # The mail outage: three employees report the same thing; it.lead ties them to one
    # problem (MAIL_OUTAGE) and sends its workaround to all three at once.
    TicketSpec("alice", "Email and calendar", "Outlook cannot send email",
               "Every message I send stays in the outbox with 'sending failed'."),
    TicketSpec("bob", "Email and calendar", "Emails stuck in my outbox",
               "Since this morning nothing leaves my outbox."),
    TicketSpec("carol", "Email and calendar", "邮件发不出去", "从今天早上开始，所有邮件都停留在发件箱里。"),
    # IT Support, overdue and at risk. P1 runs on the 24×7 calendar (30 minutes to the
    # first response, 4 hours to resolve), so these are overdue whatever the day of seeding;
    # 14 days hold more than the 5 office days of the team standard even around National Day.
    TicketSpec(
        "frank", "VPN problem", "Shenzhen office cannot reach the VPN",
        "Nobody in the Shenzhen office can connect since the router was replaced.", priority=Priority.P1,
        filed_minutes_ago=6 * 60,
    ),
    TicketSpec(
        "dave", "Laptop repair", "Keyboard keys stuck after a coffee spill", "",
        {"asset_tag": "LT-0815", "impact": "Only me"},
        steps=(
            ("assign", "it.lead", "it.agent2"),
            ("reply", "it.agent2", "We ordered a new keyboard; it should arrive this week."),
        ),
        filed_minutes_ago=14 * 24 * 60,
    ),
    TicketSpec(
        "erin", "Email and calendar", "CEO's mailbox receives no new email",
        "Since noon no new message has arrived in the CEO's mailbox; sending still works.", priority=Priority.P1,
        steps=(
            ("assign", "it.lead", "it.agent"),
            ("reply", "it.agent", "The gateway is holding the messages; we are releasing them now."),
        ),
        # Answered late; the resolution is past 80 % of its 4 hours for the first 40 minutes.
        filed_minutes_ago=200,
    ),
    TicketSpec(
        "alice", "Laptop repair", "Laptop does not start after the update",
        "Since this morning's update the screen stays black after the logo.",
        {"asset_tag": "LT-1042", "impact": "Only me"},
        steps=(
            ("assign", "it.lead", "it.agent"),
            ("reply", "it.agent", "Please bring the laptop to the IT desk on the 3rd floor; we have a loan laptop "
                                  "ready for you."),
            ("reply", "alice", "Thanks, I will come by at 2 pm."),
        ),
    ),
    TicketSpec(
        "bob", "Laptop repair", "螢幕一直閃爍", "筆電螢幕從昨天開始一直閃爍，外接螢幕正常。",
        {"asset_tag": "LT-2210", "impact": "Only me"},
    ),
    TicketSpec(
        "carol", "VPN problem", "VPN disconnects every few minutes",
        "Working from home, the VPN drops every five minutes or so.",
        steps=(
            ("assign", "it.lead", "it.agent2"),
            ("note", "it.agent2", "Probably the old client; 4.2 has the keep-alive fix."),
            ("reply", "it.agent2", "Which version of the VPN client do you have? You see it under Help > About."),
            ("status", "it.agent2", Status.PENDING),
        ),
    ),
    TicketSpec(
        "dave", "Password reset", "Locked out of my account",
        "I typed the wrong password too many times.",
        steps=(
            ("assign", "it.lead", "it.agent"),
            ("reply", "it.agent", "Your account is unlocked and a temporary password was sent to your phone."),
            ("resolve", "it.agent", "Account unlocked after five failed sign-ins; temporary password sent by SMS."),
        ),
    ),
    TicketSpec(
        "erin", "Software installation", "Install Tableau Desktop",
        "I need Tableau for the quarterly contract reports.",
        {"software": "Tableau Desktop", "licence": "Need a new licence"},
        steps=(
            ("assign", "it.lead", "it.agent"),
            ("note", "it.agent", "Waiting for Finance to approve a new licence before we answer."),
        ),
    ),
    TicketSpec(
        "alice", "Access to an application", "Access to the CRM reports",
        "I need to see the pipeline reports of my region.",
        {"application": "CRM", "access_level": "Read only", "reason": "Quarterly pipeline review."},
        steps=(
            ("reply", "it.lead", "Done: you can open the reports under CRM > Analytics."),
            ("resolve", "it.lead", "Added the CRM Analytics role to the account."),
            ("status", "alice", Status.CLOSED),
        ),
    ),
    TicketSpec(
        "frank", "Email and calendar", "Shared calendar for the Engineering team",
        "Please create a shared calendar that the whole Engineering department can edit.",
        steps=(
            ("assign", "it.lead", "it.agent2"),
            ("reply", "it.agent2", "The calendar “Engineering” is shared with the department; it is in your list."),
            ("status", "it.agent2", Status.RESOLVED),
            ("status", "it.agent2", Status.CLOSED),
        ),
    ),
    TicketSpec(
        "bob", "New laptop or monitor", "Second monitor for my desk", "",
        {"device": "Monitor"},
        steps=(("status", "bob", Status.CANCELLED),),
    ),
    TicketSpec(
        "carol", "Printer problem", "Printer on floor 5 keeps jamming",
        "Every second page jams in the printer next to the kitchen.",
        {"printer": "PRN-5F-EAST"},
        steps=(
            ("assign", "it.lead", "it.agent"),
            ("reply", "it.agent", "Does it happen with the paper from the left tray only?"),
            ("status", "it.agent", Status.PENDING),
            ("reply", "carol", "Yes, only with the left tray. The right one works."),
        ),
    ),
    TicketSpec(
        "dave", "Laptop repair", "Laptop stolen: need a replacement before tomorrow's client meeting",
        "My bag was stolen at the airport. I present to a customer tomorrow at 10.",
        {"asset_tag": "LT-3307", "impact": "A customer deadline"}, priority=Priority.P1,
        steps=(
            ("assign", "it.lead", "it.agent"),
            ("note", "it.lead", "Remote-wipe LT-3307 and block the account's sessions."),
            ("reply", "it.agent", "We wiped the stolen laptop remotely; a replacement is being set up for you."),
        ),
    ),
    TicketSpec(
        "alice", "VPN problem", "Cannot reach the VPN from the hotel",
        "The hotel network seems to block the VPN. I have a customer call in an hour.",
        priority=Priority.P1,
    ),
    TicketSpec(
        "frank", "Software installation", "Install Docker Desktop", "",
        {"software": "Docker Desktop", "licence": "Company licence"},
        steps=(
            ("assign", "it.lead", "it.agent2"),
            ("reply", "it.agent2", "Installed; please restart your laptop once."),
            ("status", "it.agent2", Status.RESOLVED),
        ),
    ),
    TicketSpec(
        "dave", "Email and calendar", "Emails to customers bounce",
        "Since yesterday my emails to two customers come back as undeliverable.",
        steps=(
            ("assign", "it.lead", "it.agent"),
            ("note", "it.agent", "Our domain is on a blocklist since the mail-server move. Escalating."),
            ("priority", "it.lead", Priority.P1),
            ("reply", "it.agent", "We found the cause and are working with the mail provider; "
                                  "we will update you within the hour."),
        ),
    ),
    # Operations & Facilities
    TicketSpec(
        "alice", "Meeting room equipment", "Projector in room Everest is broken",
        "The projector shows no picture from any laptop.", {"room": "Everest (4F)"},
        steps=(
            ("assign", "ops.lead", "ops.agent"),
            ("reply", "ops.agent", "We replaced the HDMI adapter; the projector works again."),
            ("resolve", "ops.agent", "Faulty HDMI adapter in room 3.02 replaced."),
        ),
    ),
    TicketSpec(
        "bob", "Office repair", "Air conditioning too cold in the Finance area", "",
        {"location": "Building A, 2F, Finance"},
        steps=(
            ("assign", "ops.lead", "ops.agent"),
            ("reply", "ops.agent", "A technician will check the air conditioning tomorrow morning."),
        ),
    ),
    TicketSpec(
        "carol", "Desk move", "Move to the new Engineering area", "",
        {"move_date": "2026-12-07", "new_desk": "B-3-41"},
    ),
    TicketSpec(
        "erin", "Visitor badge", "Badge for an external auditor", "",
        {"visitor_name": "Ms. Kim", "visit_date": "2026-12-02"},
        steps=(
            ("reply", "ops.lead", "The badge will be ready at reception."),
            ("status", "ops.lead", Status.RESOLVED),
            ("status", "erin", Status.CLOSED),
        ),
    ),
    TicketSpec(
        "frank", "Office repair", "会议室灯不亮", "长城会议室的灯全部不亮。",
        {"location": "A座3楼 长城会议室"},
        steps=(
            ("reply", "ops.lead", "请问是所有灯都不亮，还是只有投影区的灯？"),
            ("status", "ops.lead", Status.PENDING),
        ),
    ),
    # HR Services
    TicketSpec(
        "dave", "New starter", "New starter in Marketing: Jamie Park", "Jamie joins as a content marketer.",
        {"starter_name": "Jamie Park", "start_date": "2026-12-14"},
        steps=(
            ("assign", "hr.lead", "hr.agent"),
            ("note", "hr.lead", "Contract signed; IT request for the laptop still to be filed."),
            ("reply", "hr.agent", "The contract is ready and the first-day plan is on its way to you."),
        ),
    ),
    TicketSpec(
        "alice", "Leave balance question", "How many days of annual leave do I have left?", "",
        steps=(
            ("reply", "hr.agent", "You have 7.5 days left for 2026; 5 of them can be carried over to March."),
            ("status", "hr.agent", Status.RESOLVED),
        ),
    ),
    TicketSpec(
        "bob", "Payslip question", "十月薪資單少了加班費", "十月份加班了 12 小時，但薪資單上沒有。",
        {"pay_month": "2026-10"},
        steps=(
            ("assign", "hr.lead", "hr.agent"),
            ("note", "hr.agent", "Overtime form not in the system; ask Bob for the approved form."),
            ("reply", "hr.agent", "Could you send us the overtime form your manager approved?"),
            ("status", "hr.agent", Status.PENDING),
        ),
    ),
    TicketSpec(
        "erin", "Employment certificate", "Employment certificate for a visa application", "",
        {"purpose": "Visa application", "copies": 2},
        steps=(
            ("reply", "hr.agent", "Two signed copies are waiting for you at HR."),
            ("status", "hr.agent", Status.RESOLVED),
            ("status", "erin", Status.CLOSED),
        ),
    ),
    TicketSpec(
        "carol", "New starter", "New starter: Zhou Min (Engineering)", "",
        {"starter_name": "Zhou Min", "start_date": "2027-01-04"},
    ),
    # Project Office
    TicketSpec(
        "alice", "New project setup", "Set up the Sales Kick-off 2027 project", "",
        {"project_name": "Sales Kick-off 2027", "budget": 250000, "go_live": "2027-01-20"},
        steps=(
            ("assign", "pmo.lead", "pmo.agent"),
            ("reply", "pmo.agent", "The project code is SKO-27; the workspace is being created."),
        ),
    ),
    TicketSpec(
        "frank", "Project dashboard access", "Access to the Atlas project dashboard", "",
        {"project_name": "Atlas"},
        steps=(
            ("reply", "pmo.agent", "You now have read access to the Atlas dashboard."),
            ("status", "pmo.agent", Status.RESOLVED),
        ),
    ),
    TicketSpec(
        "dave", "New project setup", "Website relaunch project",
        "We want to relaunch the company website in spring.",
        {"project_name": "Website relaunch", "go_live": "2027-04-01"},
    ),
    # Training
    TicketSpec(
        "bob", "Training course", "Excel course for three analysts", "",
        {"course": "Excel for analysts", "seats": 3},
        steps=(
            ("assign", "training.lead", "training.agent"),
            ("reply", "training.agent", "The next course starts on 8 December. Can you send us the three names?"),
            ("status", "training.agent", Status.PENDING),
        ),
    ),
    TicketSpec(
        "carol", "Training course", "Information security basics for the new hires", "",
        {"course": "Information security basics", "seats": 8},
        steps=(
            ("reply", "training.lead", "All eight are enrolled for the session on 3 December."),
            ("status", "training.lead", Status.RESOLVED),
            ("status", "carol", Status.CLOSED),
        ),
    ),
    TicketSpec(
        "erin", "Training room booking", "Training room for a workshop on 10 December", "",
        {"date": "2026-12-10", "attendees": 12},
    ),
    TicketSpec(
        "alice", "Training course", "Presenting with confidence", "",
        {"course": "Presenting with confidence", "seats": 1},
        steps=(
            ("reply", "training.agent", "You are enrolled; the invitation is in your calendar."),
            ("status", "training.agent", Status.RESOLVED),
        ),
    ),
]


# --- feedback on the service teams -------------------------------------------------------


@dataclass(frozen=True)
class FeedbackSpec:
    """Feedback an employee sent a team, known by sender, team and text; `steps` are the
    lead's (actor, answer, new status, note), played through `feedback.services`."""

    sender: str
    team: str
    kind: str
    text: str
    anonymous: bool = False
    steps: tuple[tuple[str, str, str, str], ...] = ()


FEEDBACK = [
    # The story: bob is unhappy with HR's onboarding as a whole, not with one request.
    # Left new, for the HR lead to answer and mark acted on in the tour.
    FeedbackSpec(
        "bob", "hr", "complaint",
        "Onboarding a new colleague in Finance took three weeks: the laptop, the badge and the payroll record "
        "were each requested separately, and nobody could tell us where things stood. Could HR coordinate "
        "the whole onboarding as one process, with one contact?",
    ),
    FeedbackSpec(
        "carol", "it", "praise",
        "The hotel VPN fix last week was quick and the instructions were clear. Thank you!",
        steps=(
            ("it.lead", "Thank you, we passed it on to the team.", "acknowledged", "Shared in the team meeting."),
            ("it.lead", "", "acted_on", "Turned the instructions into a checklist for everyone."),
        ),
    ),
]


# --- the logins table --------------------------------------------------------------------


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, where) of every demo account, in the order of PEOPLE."""
    teams = {spec.slug: spec.name for spec in TEAMS}
    departments = dict(DEPARTMENTS)
    rows = []
    for person in PEOPLE:
        if person.is_admin:
            role, where = "service admin, Django superuser", "everything"
        elif person.username in DEPARTMENT_HEADS.values():
            role, where = "department head", departments[person.department]
        elif person.teams:
            slug, member_role = person.teams[0]
            role, where = ("team lead" if member_role == LEAD else "agent"), teams[slug]
        else:
            role, where = "employee (requester)", departments[person.department]
        rows.append((person.username, role, where))
    return rows


# --- the problem library ------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemSpec:
    """A demo problem: raised by `raised_by`, with the demo tickets (requester, title) it
    links, and its workaround sent to them."""

    team: str
    raised_by: str
    title: str
    symptoms: str
    root_cause: str
    workaround: str
    priority: str
    incidents: tuple[tuple[str, str], ...]


MAIL_OUTAGE = ProblemSpec(
    "it", "it.lead", "Outgoing mail rejected by the mail relay",
    "Outlook leaves messages in the outbox with “sending failed”; webmail is not affected.",
    "The mail relay's TLS certificate expired during the mail-server move.",
    "Send from webmail (https://mail.example.com) until the relay is fixed; messages in the outbox "
    "go out by themselves afterwards.",
    Priority.P2,
    (("alice", "Outlook cannot send email"), ("bob", "Emails stuck in my outbox"), ("carol", "邮件发不出去")),
)
PROBLEMS = [MAIL_OUTAGE]


# --- knowledge base ---------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleSpec:
    """A knowledge article: its team, who may read it, its category and services, and its
    text per language ({language: (title, body)}); `status` is where the demo leaves it."""

    team: str
    visibility: str
    category: str
    items: tuple[str, ...]
    tags: tuple[str, ...]
    texts: dict
    status: str = "published"
    writer: str = "it.agent"
    publisher: str = "it.lead"


ARTICLES = [
    ArticleSpec(
        "it", "everyone", "Software & network", ("VPN problem",), ("vpn", "network"), {
            "zh-hans": ("VPN 无法连接的排查步骤",
                        "## 症状\n\nVPN 客户端一直显示“正在连接”，或连上几分钟后断开。\n\n"
                        "## 排查步骤\n\n1. 先确认能打开任意外部网站：酒店或机场的网络常常需要先在浏览器里登录。\n"
                        "2. 在 VPN 客户端的“帮助 > 关于”里确认版本不低于 5.2；旧版本请在软件中心更新。\n"
                        "3. 退出客户端，重新登录，并在手机上确认多重验证的推送。\n"
                        "4. 仍然不行时，切换到手机热点再试：若热点可以连接，说明当前网络屏蔽了 VPN。\n\n"
                        "## 仍未解决？\n\n在服务目录中提交“VPN 连接问题”，写明所在地点和客户端版本。"),
            "zh-hant": ("VPN 無法連線的排查步驟",
                        "## 症狀\n\nVPN 用戶端一直顯示「正在連線」，或連上幾分鐘後中斷。\n\n"
                        "## 排查步驟\n\n1. 先確認能開啟任意外部網站：飯店或機場的網路常常需要先在瀏覽器裡登入。\n"
                        "2. 在 VPN 用戶端的「說明 > 關於」裡確認版本不低於 5.2；舊版本請在軟體中心更新。\n"
                        "3. 結束用戶端，重新登入，並在手機上確認多重驗證的推播。\n"
                        "4. 仍然不行時，改用手機熱點再試：若熱點可以連線，表示目前的網路封鎖了 VPN。"),
            "en": ("Troubleshooting VPN connections",
                   "## Symptoms\n\nThe VPN client keeps saying \"Connecting\", or drops after a few minutes.\n\n"
                   "## Steps\n\n1. Check that any outside website opens: hotel and airport networks often want a "
                   "sign-in in the browser first.\n2. Under Help > About, check the client is 5.2 or newer; update "
                   "it from the software centre.\n3. Quit the client, sign in again and approve the MFA prompt.\n"
                   "4. Still failing? Try a phone hotspot: if that works, the network you are on blocks the VPN."),
        }),
    ArticleSpec(
        "it", "everyone", "Hardware & devices", ("Printer problem",), ("printer",), {
            "en": ("Printer jams on tray 2",
                   "## Problem\n\nPaper jams every time you print from tray 2.\n\n## Resolution\n\n"
                   "Open tray 2, remove the torn paper, fan the new stack and load it below the fill line. "
                   "If it jams again within a day, file *Printer problem*: the pickup roller needs replacing."),
            "zh-hans": ("打印机 2 号纸盒卡纸",
                        "## 问题\n\n每次从 2 号纸盒打印都会卡纸。\n\n## 解决\n\n"
                        "打开 2 号纸盒，取出撕破的纸张，将新纸抖松后放入，不要超过装纸线。"
                        "一天内再次卡纸时，请提交“打印机问题”：需要更换搓纸轮。"),
        }),
    ArticleSpec(
        "it", "everyone", "Hardware & devices", ("Laptop repair",), ("monitor", "display"), {
            "zh-hans": ("显示器闪烁怎么办",
                        "## 症状\n\n笔记本或外接显示器的画面一直闪烁，或时亮时暗。\n\n"
                        "## 排查步骤\n\n1. 重新插紧显示器的线缆，换一条线或换一个接口再试。\n"
                        "2. 在“显示设置”里把刷新率改回推荐值（通常为 60 Hz）。\n"
                        "3. 在软件中心更新显示卡驱动程序，然后重启电脑。\n"
                        "4. 只有笔记本屏幕闪烁、外接显示器正常时，多半是屏幕排线的问题。\n\n"
                        "## 仍未解决？\n\n在服务目录中提交“笔记本维修”，写明资产编号和闪烁出现的情况。"),
        }),
    ArticleSpec(
        "hr", "everyone", "People & HR", ("Leave balance question",), ("leave",), {
            "zh-hant": ("如何查詢剩餘特休天數",
                        "1. 登入人事系統，選擇「我的假勤」。\n2. 「特休餘額」顯示今年可用的天數，"
                        "已核准但尚未休的假會先扣除。\n3. 數字與您的紀錄不符時，請提交「假期餘額查詢」。"),
        }, writer="hr.agent", publisher="hr.lead"),
    ArticleSpec(
        "it", "agents", "Accounts & access", ("Password reset",), ("mfa", "runbook"), {
            "en": ("Resetting a user's MFA enrolment",
                   "For agents: confirm the caller's identity with a call back to the number in the directory, "
                   "then in the identity console choose *Reset MFA* and ask the user to enrol again."),
        }),
    ArticleSpec(
        "it", "everyone", "Software & network", ("Email and calendar",), ("email", "outlook"), {
            "zh-hans": ("Outlook 无法同步邮件",
                        "1. 检查 Outlook 右下角是否显示“已断开”。\n2. 在“文件 > 账户设置”中修复账户。\n"
                        "3. 仍无法同步时，删除本地缓存后重启 Outlook。"),
        }, status="in_review"),
]
