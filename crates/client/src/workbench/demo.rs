//! Demonstration data for a desk with no server: a plausible day's queue (cases in every light,
//! repeat callers, likely duplicates), the demo knowledge base and the bureau directory. Stored
//! outside the outbox, so it can never reach a server.

use chrono::{DateTime, Duration, Timelike, Utc};
use hotline_domain::case::{
    Actor, BureauCode, Channel, EventBody, Level, ReportContent, Role, Satisfaction,
};
use hotline_domain::sla::{ReportKind, SlaCalendar};
use hotline_domain::time::china;

use crate::store::{LocalStore, NewCase};
use crate::ClientError;

const KNOWLEDGE: &str = include_str!("../../../../data/demo/knowledge.json");
const DIRECTORY: &str = include_str!("../../../../data/demo/directory.json");

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
const STREETS: &[&str] = &[
    "中山路",
    "解放路",
    "东风路",
    "环市路",
    "江南大道",
    "新港路",
    "天河路",
    "黄埔大道",
];

/// (kind, category, what callers say) — the same phrasings the demo knowledge base answers.
const CALLS: &[(&str, &str, &[&str])] = &[
    (
        "consultation",
        "social_security",
        &[
            "社保卡丢失了想问怎么补办",
            "医保异地就医备案怎么办理",
            "社保缴费基数调整咨询",
        ],
    ),
    (
        "consultation",
        "housing",
        &["公积金提取办理流程咨询", "公积金贷款额度咨询"],
    ),
    (
        "consultation",
        "household_registration",
        &[
            "户籍迁入条件咨询",
            "居住证办理需要什么材料",
            "身份证补办进度查询",
        ],
    ),
    ("consultation", "education", &["学位申请政策咨询"]),
    (
        "consultation",
        "platform_usage",
        &["粤省事登录后看不到证照", "如何在小程序预约办事"],
    ),
    (
        "complaint",
        "market_regulation",
        &["商家拒绝退款，要求处理", "网购商品质量问题投诉"],
    ),
    (
        "complaint",
        "urban_management",
        &[
            "夜间施工噪音扰民，影响休息",
            "占道经营影响通行",
            "垃圾清运不及时，气味很大",
        ],
    ),
    (
        "complaint",
        "labour",
        &["公司拖欠工资两个月", "加班费未足额发放"],
    ),
    ("complaint", "transport", &["出租车拒载投诉"]),
    // About the centre's own service: a technical complaint the centre handles itself.
    (
        "complaint",
        "platform_usage",
        &[
            "热线排队等待时间过长",
            "网上办事平台多次提交失败，客服未解决",
        ],
    ),
    (
        "complaint",
        "environment",
        &["工厂废气排放异味", "河涌水质发黑发臭"],
    ),
    (
        "fault",
        "app_fault",
        &["办事页面提交后白屏", "电子证照无法加载"],
    ),
    ("fault", "network", &["自助终端网络故障，无法办件"]),
    ("fault", "account_login", &["账号被锁定无法登录"]),
    (
        "help",
        "other_business",
        &["低保申请进度查询求助", "养老服务补贴咨询"],
    ),
    ("suggestion", "transport", &["建议增加公交夜班线路"]),
];

/// A small deterministic generator: the demo is the same on every machine (no `rand` needed
/// for a handful of picks).
struct Picks(u64);

impl Picks {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

pub async fn seed_if_empty(
    store: &LocalStore,
    cal: &SlaCalendar,
    now: DateTime<Utc>,
    cases: usize,
) -> Result<usize, ClientError> {
    let has_cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(store.pool())
        .await?;
    let has_server = store.sync_state().await?.server.is_some();
    seed_directory(store, now).await?;
    if has_cases > 0 || has_server {
        return Ok(0);
    }
    seed_cases(store, cal, now, cases, false).await
}

/// The demo bureau directory and knowledge base, where the store has none yet.
pub async fn seed_directory(store: &LocalStore, now: DateTime<Utc>) -> Result<(), ClientError> {
    if store.bureaus().await?.is_empty() {
        store.import_directory(DIRECTORY).await?;
    }
    let has_articles: i64 = sqlx::query_scalar("SELECT count(*) FROM kb_articles")
        .fetch_one(store.pool())
        .await?;
    if has_articles == 0 {
        store.import_articles(KNOWLEDGE, now).await?;
    }
    Ok(())
}

/// `n` cases received over the last ten days, most recent densest. Older cases have gone round
/// the loop (dispatched, signed for, replied, called back, closed); recent ones are still open,
/// so the queue shows every light; a few old ones are late.
pub async fn seed_cases(
    store: &LocalStore,
    cal: &SlaCalendar,
    now: DateTime<Utc>,
    n: usize,
    open_only: bool,
) -> Result<usize, ClientError> {
    seed_directory(store, now).await?;
    let mut p = Picks(0x1234_5678);
    let callers = (n as u64 / 3).max(5);
    let mut batch = Vec::with_capacity(1000);
    let mut made = 0;
    // One routing answer per category and district: the rules do not change while seeding.
    let mut routes: std::collections::HashMap<(&str, &str), String> =
        std::collections::HashMap::new();
    for i in 0..n {
        let (kind, category, texts) = *p.pick(CALLS);
        let back = Duration::minutes(5 + (p.below(14_400) * p.below(1000) / 1000) as i64);
        let at = now - back;
        let district = *p.pick(DISTRICTS);
        let input = NewCase {
            kind: kind.into(),
            category: category.into(),
            phone: format!("13{:09}", 800_000_000 + p.below(callers)),
            name: None,
            id_number: None,
            channel: *p.pick(&[
                Channel::Phone,
                Channel::Phone,
                Channel::Phone,
                Channel::Web,
                Channel::App,
            ]),
            district: district.into(),
            address: format!("{district}{}{}号", p.pick(STREETS), 1 + p.below(200)),
            description: p.pick(texts).to_string(),
            level: (kind == "fault")
                .then(|| *p.pick(&[Level::FaultB, Level::FaultC, Level::FaultD, Level::Service3])),
        };
        let bureau = match routes.get(&(category, district)) {
            Some(b) => b.clone(),
            None => {
                let b = route(store, category, district).await?;
                routes.insert((category, district), b.clone());
                b
            }
        };
        let mut steps = story(&mut p, kind, category, at, now, BureauCode(bureau));
        if open_only {
            // A queue to measure: every case still open, whatever its story would have been.
            steps.retain(|(b, _, _)| {
                !matches!(
                    b,
                    EventBody::AnsweredOnSpot { .. }
                        | EventBody::Replied { .. }
                        | EventBody::CalledBack { .. }
                        | EventBody::Closed { .. }
                        | EventBody::ReportFiled { .. }
                )
            });
        }
        batch.push((input, at, steps));
        if batch.len() == 1000 || i + 1 == n {
            made += store
                .record_local_only(std::mem::take(&mut batch), cal)
                .await?;
        }
    }
    Ok(made)
}

/// One step of a demonstration story: what, when, and by whom (none: the seat).
type Step = (EventBody, DateTime<Utc>, Option<Actor>);

/// What happened to a case received at `at`, up to `now`: the mix a centre sees — most cases
/// handled in time, a few at risk, a handful late.
fn story(
    p: &mut Picks,
    kind: &str,
    category: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    bureau: BureauCode,
) -> Vec<Step> {
    let technical = matches!(
        category,
        "platform_usage" | "account_login" | "app_fault" | "network"
    );
    let mut steps = Vec::new();
    if matches!(kind, "consultation" | "help" | "suggestion") && p.below(100) < 45 {
        steps.push((
            EventBody::AnsweredOnSpot {
                answer: "已按知识库答复".into(),
                article: None,
            },
            at + Duration::minutes(3),
            None,
        ));
        return steps;
    }
    if now - at < Duration::minutes(20) && p.below(100) < 50 {
        return steps; // just recorded, not yet assigned
    }
    // The centre's own matters stay with the centre (a technical consultation or complaint is
    // the operator's, 001 §5.2, §5.3); a third of technical faults its own staff fix.
    let in_house = technical && (kind != "fault" || p.below(100) < 33);
    let tail = if in_house {
        in_house_story(p, kind, at, now)
    } else {
        bureau_story(p, kind, at, now, bureau)
    };
    steps.extend(tail);
    steps
}

/// A case the centre handles itself: taken on, fed back every hour of service while it is open
/// (complaints, 003 §5.3.2 e) 3)), answered by the operator, then the callback and closing.
fn in_house_story(p: &mut Picks, kind: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Step> {
    let mut steps = vec![(
        EventBody::TakenOn {
            note: String::new(),
        },
        at + Duration::minutes(4),
        None,
    )];
    let reply_after = if kind == "fault" {
        Duration::minutes(40)
    } else {
        Duration::hours(2 + p.below(20) as i64)
    };
    let until = (at + reply_after).min(now);
    if kind == "complaint" {
        let mut fed = at + Duration::minutes(50);
        while fed < until {
            if in_service_hours(fed) {
                steps.push((
                    EventBody::ProgressFedBack {
                        bureau: None,
                        note: "已向来电人反馈处理进展".into(),
                    },
                    fed,
                    None,
                ));
            }
            fed += Duration::minutes(50);
        }
    }
    steps.retain(|(_, when, _)| *when < now);
    if at + reply_after >= now {
        return steps;
    }
    steps.push((
        EventBody::Replied {
            bureau: None,
            text: "已核实处理，结果已告知来电人".into(),
        },
        at + reply_after,
        None,
    ));
    steps.extend(after_reply(p, kind, at + reply_after, now));
    steps
}

/// A case dispatched to a bureau: signed for, accepted (complaints), replied, then the callback
/// and closing. A few are late: nobody replies.
fn bureau_story(
    p: &mut Picks,
    kind: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    bureau: BureauCode,
) -> Vec<Step> {
    let handler = Actor {
        user: format!("{}-handler", bureau.0.to_lowercase()),
        role: Role::Bureau,
        bureau: Some(bureau.clone()),
    };
    let b = || bureau.clone();
    let mut steps: Vec<Step> = vec![
        (
            EventBody::Dispatched {
                bureau: b(),
                note: String::new(),
            },
            at + Duration::minutes(6),
            None,
        ),
        (
            EventBody::SignedFor { bureau: b() },
            at + Duration::minutes(25),
            Some(handler.clone()),
        ),
    ];
    if kind == "complaint" {
        steps.push((
            EventBody::Accepted { bureau: b() },
            at + Duration::hours(3),
            Some(handler.clone()),
        ));
    }
    steps.retain(|(_, when, _)| *when < now);
    if p.below(100) < 8 {
        return steps;
    }
    let reply_after = if kind == "fault" {
        Duration::hours(3)
    } else {
        Duration::hours(30 + p.below(40) as i64)
    };
    if at + reply_after >= now {
        return steps;
    }
    steps.push((
        EventBody::Replied {
            bureau: Some(b()),
            text: "已核实处理，结果已告知来电人".into(),
        },
        at + reply_after,
        Some(handler),
    ));
    steps.extend(after_reply(p, kind, at + reply_after, now));
    steps
}

/// The callback the next day, the closing, and for complaints and faults the response report
/// the morning after (003 §5.3.7 c)).
fn after_reply(p: &mut Picks, kind: &str, replied: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Step> {
    let satisfaction = if p.below(100) < 85 {
        Satisfaction::Satisfied
    } else {
        Satisfaction::BasicallySatisfied
    };
    let callback = replied + Duration::hours(20);
    let mut steps = vec![
        (
            EventBody::CalledBack {
                satisfaction,
                comment: String::new(),
            },
            callback,
            None,
        ),
        (
            EventBody::Closed {
                note: String::new(),
            },
            callback + Duration::minutes(2),
            None,
        ),
    ];
    if matches!(kind, "complaint" | "fault") {
        steps.push((
            EventBody::ReportFiled {
                report: ReportKind::Response,
                content: ReportContent {
                    happened: "来电人反映的问题已受理".into(),
                    done: "已核实处理并跟进反馈".into(),
                    result: "问题已解决，来电人已获告知".into(),
                    ..Default::default()
                },
            },
            callback + Duration::hours(18),
            None,
        ));
    }
    steps.retain(|(_, when, _)| *when < now);
    steps
}

/// 08:30–17:30 China time: when the demo's operators call complainants back.
fn in_service_hours(t: DateTime<Utc>) -> bool {
    let local = t.with_timezone(&china()).time();
    let minutes = local.hour() * 60 + local.minute();
    (8 * 60 + 30..17 * 60 + 30).contains(&minutes)
}

async fn route(store: &LocalStore, category: &str, district: &str) -> Result<String, ClientError> {
    Ok(store
        .suggest_routes(category, district)
        .await?
        .first()
        .map_or_else(|| "CIVIL".to_owned(), |r| r.bureau.clone()))
}
