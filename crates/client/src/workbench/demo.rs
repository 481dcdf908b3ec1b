//! Demonstration data for a desk with no server: a plausible day's queue (cases in every light,
//! repeat callers, likely duplicates), the demo knowledge base and the bureau directory. Stored
//! outside the outbox, so it can never reach a server.

use chrono::{DateTime, Duration, Utc};
use hotline_domain::case::{Actor, BureauCode, Channel, EventBody, Level, Role, Satisfaction};
use hotline_domain::sla::SlaCalendar;

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
        let mut steps = story(&mut p, kind, at, now, BureauCode(bureau));
        if open_only {
            // A queue to measure: every case still open, whatever its story would have been.
            steps.retain(|(b, _, _)| {
                !matches!(
                    b,
                    EventBody::AnsweredOnSpot { .. }
                        | EventBody::Replied { .. }
                        | EventBody::CalledBack { .. }
                        | EventBody::Closed { .. }
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

/// What happened to a case received at `at`, up to `now`.
fn story(
    p: &mut Picks,
    kind: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    bureau: BureauCode,
) -> Vec<(EventBody, DateTime<Utc>, Option<Actor>)> {
    let handler = Actor {
        user: format!("{}-handler", bureau.0.to_lowercase()),
        role: Role::Bureau,
        bureau: Some(bureau.clone()),
    };
    let age = now - at;
    let mut steps = Vec::new();
    let mut push = |body, after: Duration, actor: Option<Actor>| {
        if at + after < now {
            steps.push((body, at + after, actor));
        }
    };
    if matches!(kind, "consultation" | "help" | "suggestion") && p.below(100) < 45 {
        push(
            EventBody::AnsweredOnSpot {
                answer: "已按知识库答复".into(),
                article: None,
            },
            Duration::minutes(3),
            None,
        );
        return steps;
    }
    if age < Duration::minutes(20) && p.below(100) < 50 {
        return steps; // just recorded, not yet dispatched
    }
    let b = || bureau.clone();
    push(
        EventBody::Dispatched {
            bureau: b(),
            note: String::new(),
        },
        Duration::minutes(6),
        None,
    );
    push(
        EventBody::SignedFor { bureau: b() },
        Duration::minutes(25),
        Some(handler.clone()),
    );
    if kind == "complaint" {
        push(
            EventBody::Accepted { bureau: b() },
            Duration::hours(3),
            Some(handler.clone()),
        );
    }
    // A few cases are late: nobody replies.
    if p.below(100) < 8 {
        return steps;
    }
    let reply_after = if kind == "fault" {
        Duration::hours(3)
    } else {
        Duration::hours(30 + p.below(40) as i64)
    };
    if at + reply_after > now {
        // Still with the bureau: the operator keeps the caller informed (hourly for complaints).
        if kind == "complaint" {
            let fed = now - Duration::minutes(p.below(70) as i64);
            if fed > at + Duration::hours(3) {
                steps.push((
                    EventBody::ProgressFedBack {
                        bureau: None,
                        note: "已向来电人反馈进展".into(),
                    },
                    fed,
                    None,
                ));
            }
        }
        return steps;
    }
    push(
        EventBody::Replied {
            bureau: Some(b()),
            text: "已核实处理，结果已告知来电人".into(),
        },
        reply_after,
        Some(handler),
    );
    let callback = reply_after + Duration::hours(20);
    let satisfaction = if p.below(100) < 85 {
        Satisfaction::Satisfied
    } else {
        Satisfaction::BasicallySatisfied
    };
    push(
        EventBody::CalledBack {
            satisfaction,
            comment: String::new(),
        },
        callback,
        None,
    );
    push(
        EventBody::Closed {
            note: String::new(),
        },
        callback + Duration::minutes(2),
        None,
    );
    steps
}

async fn route(store: &LocalStore, category: &str, district: &str) -> Result<String, ClientError> {
    Ok(store
        .suggest_routes(category, district)
        .await?
        .first()
        .map_or_else(|| "CIVIL".to_owned(), |r| r.bureau.clone()))
}
