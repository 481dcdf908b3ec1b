//! `hotline-server seed-demo`: a city's bureaus, seats and cases of every kind and state, with
//! callers who called before — deterministic, and fast enough for 2,000,000 cases: each case is
//! built as real events, folded by the domain in memory, and written with COPY in batches.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};
use hotline_domain::case::{
    Actor, BureauCode, Caller, CaseId, CaseNumber, CaseState, Channel, DeviceId, Event, EventBody,
    EventId, IntakeDraft, Level, Role, Satisfaction,
};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::time::local_date;
use sqlx::PgPool;
use uuid::{NoContext, Timestamp, Uuid};

use crate::admin::{self, AdminError};
use crate::copy_text::CopyText;
use crate::snapshot::SnapshotRows;

/// Bureaus of a city (Guangzhou-like), with the categories they handle.
const BUREAUS: &[(&str, &str, &[&str])] = &[
    (
        "HRSS",
        "市人力资源和社会保障局",
        &["social_security", "labour"],
    ),
    ("HPF", "市住房公积金管理中心", &["housing"]),
    ("HOUSING", "市住房和城乡建设局", &["housing"]),
    ("MARKET", "市市场监督管理局", &["market_regulation"]),
    ("URBAN", "市城市管理和综合执法局", &["urban_management"]),
    ("TRANSPORT", "市交通运输局", &["transport"]),
    ("EDU", "市教育局", &["education"]),
    ("ENV", "市生态环境局", &["environment"]),
    ("PSB", "市公安局", &["household_registration"]),
    (
        "GOVDATA",
        "市政务服务数据管理局",
        &["platform_usage", "account_login", "app_fault", "network"],
    ),
    ("CIVIL", "市民政局", &["other_business"]),
];

const DISTRICTS: &[&str] = &[
    "越秀区",
    "海珠区",
    "荔湾区",
    "天河区",
    "白云区",
    "黄埔区",
    "番禺区",
    "花都区",
    "南沙区",
    "从化区",
    "增城区",
];

const TEXTS: &[(&str, &[&str])] = &[
    (
        "social_security",
        &[
            "社保卡补办进度查询",
            "医保报销比例咨询",
            "养老保险转移接续",
            "失业金申领条件",
            "医保异地就医备案",
            "社保缴费基数调整",
        ],
    ),
    (
        "labour",
        &["公司拖欠工资两个月", "劳动合同纠纷求助", "加班费未足额发放"],
    ),
    (
        "housing",
        &[
            "公积金提取办理流程",
            "公积金贷款额度咨询",
            "小区物业收费不合理",
            "房屋漏水维修无人管",
        ],
    ),
    (
        "market_regulation",
        &[
            "商家拒绝退款",
            "网购商品质量问题",
            "超市价格标签不符",
            "餐馆卫生问题投诉",
        ],
    ),
    (
        "urban_management",
        &[
            "夜间施工噪音扰民",
            "占道经营影响通行",
            "垃圾清运不及时",
            "违章搭建举报",
        ],
    ),
    (
        "transport",
        &["公交线路调整建议", "出租车拒载投诉", "地铁站出口指引不清"],
    ),
    (
        "education",
        &["学位申请政策咨询", "校外培训退费纠纷", "入学材料审核进度"],
    ),
    ("environment", &["工厂废气排放异味", "河涌水质发黑发臭"]),
    (
        "household_registration",
        &["户籍迁入条件咨询", "身份证补办进度", "居住证办理材料"],
    ),
    (
        "platform_usage",
        &[
            "粤省事登录后看不到证照",
            "如何在小程序预约办事",
            "实名认证一直失败",
        ],
    ),
    (
        "account_login",
        &["账号被锁定无法登录", "手机号变更后无法找回密码"],
    ),
    ("app_fault", &["办事页面提交后白屏", "电子证照无法加载"]),
    ("network", &["政务网络中断无法办件", "自助终端网络故障"]),
    ("other_business", &["低保申请进度", "养老服务补贴咨询"]),
];

/// What the demo made.
#[derive(Debug, Default, Clone, Copy)]
pub struct DemoSummary {
    pub cases: usize,
    pub events: usize,
}

/// SplitMix64: deterministic, so two runs make the same city.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

pub const DEMO_PASSWORD: &str = "hotline-demo";
const SEATS: usize = 20;

/// Bureaus, users (password [`DEMO_PASSWORD`]) and `cases` cases received over the year before `now`.
pub async fn seed(
    pool: &PgPool,
    cases: usize,
    now: DateTime<Utc>,
    cal: &SlaCalendar,
    progress: &mut dyn FnMut(usize),
) -> Result<DemoSummary, AdminError> {
    demo_users(pool, now).await?;

    let history = crate::centre_policy::history(pool).await?;
    let centre = &history.current().policy;
    // A second run continues the city: other random ids, case numbers after the ones taken.
    let existing_cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(pool)
        .await?;
    let mut rng = Rng(20_261_126 ^ existing_cases as u64);
    let callers = (cases / 3).max(1) as u64;
    let mut summary = DemoSummary::default();
    let mut log = EventLog::load(pool).await?;
    let mut seat_day_seq = taken_numbers(pool, existing_cases).await?;
    let mut last_complaint = BTreeMap::new();
    const BATCH: usize = 1_000;
    let mut made = 0;
    // Each batch's device sequence numbers are given here, in memory, so batches may be
    // written side by side.
    let mut bulk = crate::bulk::BulkWriter::new(pool);
    while made < cases {
        let n = BATCH.min(cases - made);
        let mut events_rows = CopyText::with_capacity(n * 4 * 1500);
        let mut rows = SnapshotRows::default();
        let (mut in_batch, mut attempts) = (0, 0);
        while in_batch < n && attempts < n * 10 {
            attempts += 1;
            let at = random_moment(&mut rng, now);
            if at > now {
                continue;
            }
            let seat = 1 + rng.below(SEATS as u64) as usize;
            let seq = seat_day_seq.entry((seat, local_date(at))).or_insert(0);
            *seq += 1;
            let number = CaseNumber::new(local_date(at), &format!("D{seat:03}"), *seq)
                .expect("valid number");
            let mut draft = random_draft(&mut rng, number, callers);
            let category = draft.category.clone();
            repeat_caller(&mut rng, &mut draft, at, &mut last_complaint);
            let Ok(intake) = draft.resolve(centre) else {
                continue;
            };
            let case = CaseId(v7(at, &mut rng));
            let bureau = BUREAUS
                .iter()
                .find(|(_, _, cats)| cats.contains(&category.as_str()))
                .map_or("CIVIL", |(c, _, _)| *c);
            let events = story(&mut rng, case, at, now, seat, bureau, intake);
            let state = CaseState::fold(&events);
            summary.events += log.add(&events, &mut events_rows);
            rows.add(case.0, &state, cal);
            summary.cases += 1;
            in_batch += 1;
        }
        bulk.write(events_rows.into_bytes(), rows).await?;
        made += n;
        progress(made);
    }
    bulk.finish().await?;
    for (device, seq) in log.device_seq {
        sqlx::query(
            "INSERT INTO devices (device_id, last_seq) VALUES ($1, $2)
             ON CONFLICT (device_id) DO UPDATE SET last_seq = $2",
        )
        .bind(device)
        .bind(seq)
        .execute(pool)
        .await?;
    }
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(summary)
}

/// A working-hours-weighted moment of the past year: a live city, where a few percent of the
/// calls are today's and the rest spread over the year (it may lie after `now`: drawn again).
fn random_moment(rng: &mut Rng, now: DateTime<Utc>) -> DateTime<Utc> {
    let day = if rng.below(100) < 3 {
        0
    } else {
        rng.below(365) as i64
    };
    let minute = 8 * 60 + rng.below(11 * 60) as i64;
    let local_midnight = local_date(now - Duration::days(day))
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    hotline_domain::time::from_local(local_midnight) + Duration::minutes(minute)
}

/// The demo's events as the log holds them: each device numbers its events, each user by id.
struct EventLog {
    user_ids: std::collections::HashMap<String, i64>,
    device_seq: std::collections::HashMap<String, i64>,
}

impl EventLog {
    async fn load(pool: &PgPool) -> Result<Self, AdminError> {
        let user_ids: std::collections::HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
            "SELECT name, id FROM users WHERE name LIKE 'demo_%'",
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
        let device_seq: std::collections::HashMap<String, i64> =
            sqlx::query_as::<_, (String, i64)>(
                "SELECT device_id, last_seq FROM devices WHERE device_id LIKE 'demo-%'",
            )
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
        Ok(Self {
            user_ids,
            device_seq,
        })
    }

    /// Writes `events` as COPY rows of `events`; returns how many.
    fn add(&mut self, events: &[Event], rows: &mut CopyText) -> usize {
        for e in events {
            let device = &e.device.0;
            let seq = self.device_seq.entry(device.clone()).or_insert(0);
            *seq += 1;
            let user = self
                .user_ids
                .get(&e.actor.user)
                .copied()
                .unwrap_or_default();
            // A demonstration's steps reached the server as they happened.
            crate::bulk::event_row(rows, e, device, *seq, user, e.at);
        }
        events.len()
    }
}

/// A random call: its kind, category, caller (one of `callers`), district, address and words.
fn random_draft(rng: &mut Rng, number: CaseNumber, callers: u64) -> IntakeDraft {
    let (kind, category) = pick_kind(rng);
    let texts = TEXTS
        .iter()
        .find(|(c, _)| *c == category)
        .map_or(&["市民来电咨询"][..], |(_, t)| *t);
    let district = *rng.pick(DISTRICTS);
    let address = format!(
        "{}{}街{}号",
        district,
        rng.pick(&["中山", "解放", "东风", "环市", "江南", "新港"]),
        1 + rng.below(300)
    );
    let description = rng.pick(texts).to_string();
    let level = (kind == "fault").then(|| {
        *rng.pick(&[
            Level::FaultA,
            Level::FaultB,
            Level::FaultC,
            Level::FaultD,
            Level::Service3,
            Level::Service4,
        ])
    });
    IntakeDraft {
        number,
        kind: kind.into(),
        category: category.into(),
        caller: Caller {
            phone: format!("13{:09}", 100_000_000 + rng.below(callers)),
            name: None,
            id_number: None,
        },
        channel: *rng.pick(&[
            Channel::Phone,
            Channel::Phone,
            Channel::Phone,
            Channel::Web,
            Channel::App,
            Channel::MiniProgram,
        ]),
        district: district.into(),
        address,
        description,
        level,
    }
}

/// The demo's bureaus, seats, supervisor and bureau handlers (users once; bureaus refreshed).
async fn demo_users(pool: &PgPool, now: DateTime<Utc>) -> Result<(), AdminError> {
    let mut csv = String::from("code,name,parent,district,phone\n");
    for (code, name, _) in BUREAUS {
        let _ = writeln!(csv, "{code},{name},,,12345");
    }
    admin::import_bureaus(pool, &csv, now).await?;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE name LIKE 'demo_%'")
        .fetch_one(pool)
        .await?;
    if existing == 0 {
        for i in 1..=SEATS {
            let (name, code) = (format!("demo_seat{i:02}"), format!("D{i:03}"));
            admin::add_user(
                pool,
                admin::NewUser {
                    name: &name,
                    role: "seat",
                    bureau: None,
                    seat_code: Some(&code),
                    password: DEMO_PASSWORD,
                },
                now,
            )
            .await?;
        }
        admin::add_user(
            pool,
            admin::NewUser {
                name: "demo_super",
                role: "supervisor",
                bureau: None,
                seat_code: Some("D900"),
                password: DEMO_PASSWORD,
            },
            now,
        )
        .await?;
        for (code, _, _) in BUREAUS {
            let name = format!("demo_{}", code.to_ascii_lowercase());
            admin::add_user(
                pool,
                admin::NewUser {
                    name: &name,
                    role: "bureau",
                    bureau: Some(code),
                    seat_code: None,
                    password: DEMO_PASSWORD,
                },
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// The last number each demo seat gave each day, so a second run numbers after them.
async fn taken_numbers(
    pool: &PgPool,
    existing_cases: i64,
) -> Result<std::collections::HashMap<(usize, chrono::NaiveDate), u32>, AdminError> {
    let mut seat_day_seq = std::collections::HashMap::new();
    if existing_cases > 0 {
        let taken: Vec<(String, String, i32)> = sqlx::query_as(
            "SELECT split_part(number, '-', 1), split_part(number, '-', 2), max(split_part(number, '-', 3)::int)
             FROM cases WHERE number LIKE '%-D0%' GROUP BY 1, 2",
        )
        .fetch_all(pool)
        .await?;
        for (day, seat, max) in taken {
            let (Ok(date), Ok(seat)) = (
                chrono::NaiveDate::parse_from_str(&format!("20{day}"), "%Y%m%d"),
                seat.trim_start_matches('D').parse::<usize>(),
            ) else {
                continue;
            };
            seat_day_seq.insert((seat, date), max as u32);
        }
    }
    Ok(seat_day_seq)
}

/// Who takes a step: user, role, bureau, device.
type Who = (String, Role, Option<BureauCode>, String);

/// A case's story as it is told: its events so far, up to `now`.
struct Tale {
    case: CaseId,
    now: DateTime<Utc>,
    events: Vec<Event>,
}

impl Tale {
    /// Records a step; one dated after `now` has not happened yet, and the story stops there.
    fn push(&mut self, rng: &mut Rng, when: DateTime<Utc>, actor: &Who, body: EventBody) -> bool {
        if when > self.now {
            return false;
        }
        let seen = u32::try_from(self.events.len()).unwrap_or(u32::MAX);
        self.events.push(Event {
            id: EventId(v7(when, rng)),
            case: self.case,
            at: when,
            actor: Actor {
                user: actor.0.clone(),
                role: actor.1,
                bureau: actor.2.clone(),
            },
            device: DeviceId(actor.3.clone()),
            seen,
            body,
        });
        true
    }
}

/// What happened to the case: a realistic prefix of the closed loop for its kind. Cases older
/// than ten days went the whole way (but for a handful left late); recent ones are on their way.
/// Bureaus mostly reply in time, some late or after an approved extension; complaints get their
/// progress fed back; closed faults and complaints get their response report; a dissatisfied
/// caller reopens the case and the bureau replies again.
fn story(
    rng: &mut Rng,
    case: CaseId,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    seat: usize,
    bureau: &str,
    intake: hotline_domain::case::Intake,
) -> Vec<Event> {
    let seat_actor: Who = (
        format!("demo_seat{seat:02}"),
        Role::Seat,
        None,
        format!("demo-seat{seat:02}"),
    );
    let bureau_actor = bureau_who(bureau);
    let boss: Who = (
        "demo_super".into(),
        Role::Supervisor,
        None,
        "demo-super".into(),
    );
    let mut b = BureauCode::from(bureau);
    let mut bureau_actor = bureau_actor;
    let on_spot =
        intake.answerable_on_spot && intake.domain == hotline_domain::case::Domain::Technical;
    let needs_acceptance = intake.needs_acceptance;
    let (complaint, fault) = (intake.kind == "complaint", intake.kind == "fault");
    // A level-A or service-level-1 fault is responded to at once and fixed within the hour or
    // two (004 §2.3, 003 §5.3.6 a)), and a level-A outage is reported on the same day.
    let urgent = matches!(
        intake.level,
        Some(hotline_domain::case::Level::FaultA | hotline_domain::case::Level::Service1)
    );
    let outage = intake.level == Some(hotline_domain::case::Level::FaultA);
    // Only business cases run the bureau's own reply clock an extension moves.
    let business = intake.domain == hotline_domain::case::Domain::Business;
    let mut tale = Tale {
        case,
        now,
        events: Vec::new(),
    };
    let mut t = at;
    tale.push(rng, t, &seat_actor, EventBody::Received(Box::new(intake)));
    let age_days = (now - at).num_days();
    // How far the story goes. A centre's queue holds a handful of late cases, not months of
    // abandoned ones: 1 in 2,000 older cases was left where it stood; of the last days' cases
    // 3 in 100 still wait for their bureau, the rest are answered or being called back.
    let depth = if age_days >= 10 {
        if rng.below(2000) < 1 {
            1 + rng.below(3) as usize
        } else {
            6
        }
    } else if age_days >= 2 {
        if rng.below(100) < 3 {
            2 + rng.below(2) as usize
        } else {
            4 + rng.below(3) as usize
        }
    } else if (now - at).num_minutes() < 20 {
        rng.below(2) as usize // just recorded, perhaps dispatched already
    } else {
        1 + rng.below(6) as usize
    };
    let after = |rng: &mut Rng, t: &mut DateTime<Utc>, max_minutes: u64| {
        *t += Duration::minutes(1 + rng.below(max_minutes) as i64);
        *t
    };
    if on_spot && rng.below(3) > 0 {
        let when = after(rng, &mut t, 10);
        tale.push(
            rng,
            when,
            &seat_actor,
            EventBody::AnsweredOnSpot {
                answer: "已按知识库答复".into(),
                article: None,
            },
        );
        return tale.events;
    }
    if depth == 0 {
        return tale.events;
    }
    // The centre's own matters (a technical consultation, help request or complaint) stay with
    // the centre (001 §5.2, §5.3): no bureau, no bureau clock.
    if !business && !fault {
        in_house(rng, &mut tale, t, depth, complaint, &seat_actor);
        return tale.events;
    }
    // Complaints are dispatched within the 15 minutes; faults within the 30.
    let when = after(rng, &mut t, if complaint || urgent { 12 } else { 25 });
    if !tale.push(
        rng,
        when,
        &seat_actor,
        EventBody::Dispatched {
            bureau: b.clone(),
            note: String::new(),
        },
    ) {
        return tale.events;
    }
    // One in forty is sent back by the bureau (退单): a supervisor re-dispatches two of three
    // (the case was not theirs) and denies the third.
    if depth >= 2 && !urgent && rng.below(40) == 0 {
        match returned(rng, &mut tale, &mut t, &b, &boss) {
            Some(Some(to)) => {
                bureau_actor = bureau_who(&to.0);
                b = to;
            }
            Some(None) => {}
            None => return tale.events,
        }
    }
    if depth >= 2 {
        let when = after(
            rng,
            &mut t,
            if fault {
                if urgent {
                    2
                } else {
                    25
                }
            } else {
                300
            },
        );
        tale.push(
            rng,
            when,
            &bureau_actor,
            EventBody::SignedFor { bureau: b.clone() },
        );
    }
    if depth >= 3 && needs_acceptance {
        let when = after(rng, &mut t, 1_440);
        // One complaint in twenty-five is not the bureau's to accept (不予受理): its decision is
        // its answer, and the story ends there.
        if rng.below(25) == 0 {
            tale.push(
                rng,
                when,
                &bureau_actor,
                EventBody::Declined {
                    bureau: b.clone(),
                    reason: "不属于本单位受理范围，已告知来电人".into(),
                },
            );
            return tale.events;
        }
        tale.push(
            rng,
            when,
            &bureau_actor,
            EventBody::Accepted { bureau: b.clone() },
        );
    }
    if depth < 4 {
        return tale.events;
    }
    // The reply: mostly within a few days; one in twenty asks for more time first (and gets
    // it), one in twenty is simply late.
    let roll = rng.below(100);
    if roll < 5 && business && !fault {
        let clock = hotline_domain::case::ClockRef {
            key: "reply".into(),
            bureau: Some(b.clone()),
        };
        let ask = after(rng, &mut t, 1_440);
        tale.push(
            rng,
            ask,
            &bureau_actor,
            EventBody::ExtensionRequested {
                clock: clock.clone(),
                amount: hotline_domain::sla::SlaAmount::WorkingDays(5),
                reason: "需协调相关部门联合核查".into(),
            },
        );
        let yes = after(rng, &mut t, 240);
        tale.push(
            rng,
            yes,
            &boss,
            EventBody::ExtensionApproved {
                clock,
                amount: None,
                note: "同意延期".into(),
            },
        );
    }
    // The late ones are urged after a week, and one in two escalated by the ladder.
    if roll >= 95 && !fault {
        urged(rng, &mut tale, &mut t, &b, &boss);
    }
    let reply_in = if urgent {
        30
    } else if fault {
        180
    } else if roll >= 95 {
        8 * 1_440 + rng.below(4 * 1_440)
    } else {
        3 * 1_440
    };
    let when = after(rng, &mut t, reply_in);
    if !tale.push(
        rng,
        when,
        &bureau_actor,
        EventBody::Replied {
            bureau: Some(b.clone()),
            text: "已核实处理，结果已告知来电人".into(),
        },
    ) {
        return tale.events;
    }
    if outage {
        let when = t + Duration::minutes(60 + rng.below(600) as i64);
        let report = filed_report(hotline_domain::sla::ReportKind::Incident);
        tale.push(rng, when, &seat_actor, report);
    }
    if depth < 5 {
        return tale.events;
    }
    let satisfaction = *rng.pick(&[
        Satisfaction::Satisfied,
        Satisfaction::Satisfied,
        Satisfaction::Satisfied,
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Dissatisfied,
    ]);
    let when = t.max(local_next_morning(t)) + Duration::minutes(rng.below(480) as i64);
    t = when;
    if !tale.push(
        rng,
        when,
        &seat_actor,
        EventBody::CalledBack {
            satisfaction,
            comment: String::new(),
        },
    ) {
        return tale.events;
    }
    if satisfaction == Satisfaction::Dissatisfied {
        // Reopened: back to the bureau, which replies again; the caller is then satisfied.
        tale.push(
            rng,
            t + Duration::minutes(1),
            &seat_actor,
            EventBody::Reopened {
                reason: "回访不满意：问题未解决".into(),
            },
        );
        let when = after(rng, &mut t, 120);
        tale.push(
            rng,
            when,
            &bureau_actor,
            EventBody::SignedFor { bureau: b.clone() },
        );
        if needs_acceptance {
            let when = after(rng, &mut t, 60);
            tale.push(
                rng,
                when,
                &bureau_actor,
                EventBody::Accepted { bureau: b.clone() },
            );
        }
        let when = after(rng, &mut t, 2 * 1_440);
        if !tale.push(
            rng,
            when,
            &bureau_actor,
            EventBody::Replied {
                bureau: Some(b.clone()),
                text: "已再次核查并督促整改到位".into(),
            },
        ) {
            return tale.events;
        }
        let when = t.max(local_next_morning(t)) + Duration::minutes(rng.below(480) as i64);
        t = when;
        if !tale.push(
            rng,
            when,
            &seat_actor,
            EventBody::CalledBack {
                satisfaction: Satisfaction::BasicallySatisfied,
                comment: String::new(),
            },
        ) {
            return tale.events;
        }
    }
    if depth < 6 {
        return tale.events;
    }
    let when = after(rng, &mut t, 60);
    if tale.push(
        rng,
        when,
        &seat_actor,
        EventBody::Closed {
            note: String::new(),
        },
    ) && (complaint || fault)
        && rng.below(100) < 92
    {
        let when = after(rng, &mut t, 600);
        tale.push(
            rng,
            when,
            &seat_actor,
            filed_report(hotline_domain::sla::ReportKind::Response),
        );
    }
    tale.events
}

/// One complaint in four is a caller complaining again about the same matter (重复投诉): the
/// caller of the last complaint of its category, when that one was received within 20 days.
fn repeat_caller(
    rng: &mut Rng,
    draft: &mut IntakeDraft,
    at: DateTime<Utc>,
    last: &mut BTreeMap<String, (String, DateTime<Utc>)>,
) {
    if draft.kind != "complaint" {
        return;
    }
    if let Some((phone, when)) = last.get(&draft.category) {
        if at.signed_duration_since(*when).num_days().abs() <= 20 && rng.below(4) == 0 {
            draft.caller.phone = phone.clone();
        }
    }
    last.insert(draft.category.clone(), (draft.caller.phone.clone(), at));
}

/// A bureau handler of the demo.
fn bureau_who(bureau: &str) -> Who {
    (
        format!("demo_{}", bureau.to_ascii_lowercase()),
        Role::Bureau,
        Some(BureauCode::from(bureau)),
        format!("demo-{}", bureau.to_ascii_lowercase()),
    )
}

/// The bureau `b` sends the case back; the supervisor re-dispatches it (to another bureau:
/// `Some(Some(to))`) or denies the return (`Some(None)`). None: the story stops (not yet).
fn returned(
    rng: &mut Rng,
    tale: &mut Tale,
    t: &mut DateTime<Utc>,
    b: &BureauCode,
    boss: &Who,
) -> Option<Option<BureauCode>> {
    *t += Duration::minutes(30 + rng.below(600) as i64);
    let body = EventBody::Returned {
        bureau: b.clone(),
        reason: "非本单位职责，建议改派".into(),
    };
    if !tale.push(rng, *t, &bureau_who(&b.0), body) {
        return None;
    }
    *t += Duration::minutes(10 + rng.below(120) as i64);
    if rng.below(3) < 2 {
        let others: Vec<&str> = BUREAUS
            .iter()
            .map(|(c, _, _)| *c)
            .filter(|c| *c != b.0)
            .collect();
        let to = BureauCode::from(*rng.pick(&others));
        let body = EventBody::Redispatched {
            from: b.clone(),
            to: to.clone(),
            note: "误派，改派".into(),
        };
        tale.push(rng, *t, boss, body).then_some(Some(to))
    } else {
        let body = EventBody::ReturnDenied {
            bureau: b.clone(),
            reason: "属本单位职责，请按时办理".into(),
        };
        tale.push(rng, *t, boss, body).then_some(None)
    }
}

/// A late bureau urged by the supervisor (催办) a week on; one in two also escalated over its
/// reply clock (升级督办) and taken by the supervisor.
fn urged(rng: &mut Rng, tale: &mut Tale, t: &mut DateTime<Utc>, b: &BureauCode, boss: &Who) {
    *t += Duration::days(7) + Duration::minutes(rng.below(600) as i64);
    let body = EventBody::Urged {
        bureau: b.clone(),
        note: "已超期，请尽快答复".into(),
    };
    if !tale.push(rng, *t, boss, body) || rng.below(2) == 0 {
        return;
    }
    *t += Duration::minutes(1 + rng.below(60) as i64);
    let clock = hotline_domain::case::ClockRef {
        key: "reply".into(),
        bureau: Some(b.clone()),
    };
    let body = EventBody::Escalated {
        note: "超期未答复，升级督办".into(),
        clock: Some(clock),
        to: vec![boss.0.clone()],
    };
    if tale.push(rng, *t, boss, body) {
        *t += Duration::minutes(5 + rng.below(60) as i64);
        let body = EventBody::EscalationTaken {
            note: "已接手督办".into(),
        };
        tale.push(rng, *t, boss, body);
    }
}

/// A case the centre handles itself: taken on within minutes, a complaint fed back every hour
/// of service while open (003 §5.3.2 e) 3)), answered by the operator within the day or the
/// next, called back the next morning, closed and, for a complaint, reported on.
fn in_house(
    rng: &mut Rng,
    tale: &mut Tale,
    at: DateTime<Utc>,
    depth: usize,
    complaint: bool,
    seat: &Who,
) {
    let taken = at + Duration::minutes(1 + rng.below(10) as i64);
    if !tale.push(
        rng,
        taken,
        seat,
        EventBody::TakenOn {
            note: String::new(),
        },
    ) {
        return;
    }
    let replied = taken + Duration::minutes(60 + rng.below(20 * 60) as i64);
    let answers = depth >= 4;
    if complaint {
        let until = if answers { replied } else { tale.now };
        let mut fed = taken + Duration::minutes(40 + rng.below(15) as i64);
        while fed < until {
            if in_service_hours(fed) {
                tale.push(
                    rng,
                    fed,
                    seat,
                    EventBody::ProgressFedBack {
                        bureau: None,
                        note: "已向来电人反馈处理进展".into(),
                    },
                );
            }
            fed += Duration::minutes(45 + rng.below(10) as i64);
        }
    }
    let reply = EventBody::Replied {
        bureau: None,
        text: "已核实处理，结果已告知来电人".into(),
    };
    if !answers || !tale.push(rng, replied, seat, reply) {
        return;
    }
    let called = local_next_morning(replied) + Duration::minutes(rng.below(480) as i64);
    let callback = EventBody::CalledBack {
        satisfaction: *rng.pick(&[Satisfaction::Satisfied, Satisfaction::BasicallySatisfied]),
        comment: String::new(),
    };
    if depth < 5 || !tale.push(rng, called, seat, callback) {
        return;
    }
    let closed = called + Duration::minutes(1 + rng.below(60) as i64);
    let close = EventBody::Closed {
        note: String::new(),
    };
    if depth >= 6 && tale.push(rng, closed, seat, close) && complaint {
        let report = filed_report(hotline_domain::sla::ReportKind::Response);
        let when = closed + Duration::minutes(30 + rng.below(600) as i64);
        tale.push(rng, when, seat, report);
    }
}

/// A report with every section its kind needs (003 §5.3.7 c), 004 §2.3 (3)).
fn filed_report(report: hotline_domain::sla::ReportKind) -> EventBody {
    use hotline_domain::sla::ReportKind;
    let content = match report {
        ReportKind::Response => hotline_domain::case::ReportContent {
            happened: "来电人反映的问题已受理并转办".into(),
            done: "承办单位核实后处理，坐席跟进反馈".into(),
            result: "问题已解决，来电人已获告知".into(),
            ..Default::default()
        },
        ReportKind::Incident => hotline_domain::case::ReportContent {
            fault_type: "系统瘫痪，业务系统不能运转".into(),
            cause: "数据库主节点磁盘故障".into(),
            done: "切换至备用节点，恢复业务后更换磁盘".into(),
            loss: "业务中断约40分钟，无数据丢失".into(),
            prevention: "增加磁盘健康监测告警，每季度演练切换".into(),
            ..Default::default()
        },
    };
    EventBody::ReportFiled { report, content }
}

/// 08:30–17:30 China time: when the demo's seats call complainants back.
fn in_service_hours(t: DateTime<Utc>) -> bool {
    use chrono::Timelike;
    let local = t.with_timezone(&hotline_domain::time::china()).time();
    (8 * 60 + 30..17 * 60 + 30).contains(&(local.hour() * 60 + local.minute()))
}

/// 09:00 (China time) of the day after `t`: when callbacks start.
fn local_next_morning(t: DateTime<Utc>) -> DateTime<Utc> {
    let next = local_date(t) + chrono::Days::new(1);
    hotline_domain::time::from_local(next.and_hms_opt(9, 0, 0).expect("09:00"))
}

fn pick_kind(rng: &mut Rng) -> (&'static str, &'static str) {
    let roll = rng.below(100);
    let kind = match roll {
        0..=44 => "consultation",
        45..=69 => "complaint",
        70..=79 => "fault",
        80..=91 => "help",
        _ => "suggestion",
    };
    let categories: &[&str] = match kind {
        "fault" => &["app_fault", "network"],
        _ => &[
            "social_security",
            "social_security",
            "labour",
            "housing",
            "market_regulation",
            "urban_management",
            "transport",
            "education",
            "environment",
            "household_registration",
            "platform_usage",
            "account_login",
            "other_business",
        ],
    };
    (kind, *rng.pick(categories))
}

/// A UUIDv7 stamped with `at`, random bits from the demo's own generator (deterministic).
fn v7(at: DateTime<Utc>, rng: &mut Rng) -> Uuid {
    let mut bytes = *Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        at.timestamp() as u64,
        at.timestamp_subsec_nanos(),
    ))
    .as_bytes();
    let (a, b) = (rng.next().to_le_bytes(), rng.next().to_le_bytes());
    bytes[6] = 0x70 | (a[0] & 0x0F); // version 7
    bytes[7] = a[1];
    bytes[8..16].copy_from_slice(&b);
    bytes[8] = (bytes[8] & 0x3F) | 0x80; // the RFC 4122 variant
    Uuid::from_bytes(bytes)
}
