//! Search in a seat's local store holding 2,000,000 cases: FTS5 over bigram tokens, two-character
//! Chinese terms included. Goal (issue 3): p95 ≤ 50 ms. The cases are written straight into the
//! store's tables (snapshot rows and tokens) — what sync would leave there — because only the
//! search is measured. `cargo bench -p hotline-client --bench local_search` (HOTLINE_BENCH_CASES
//! to change the count). Results: docs/BENCHMARKS.md.

use std::time::Instant;

use chrono::Utc;
use hotline_client::store::LocalStore;
use hotline_client::DataDir;
use hotline_domain::text::index_tokens;

const TEXTS: &[&str] = &[
    "社保卡补办进度查询",
    "医保报销比例咨询",
    "养老保险转移接续",
    "失业金申领条件",
    "公司拖欠工资两个月",
    "公积金提取办理流程",
    "小区物业收费不合理",
    "商家拒绝退款",
    "网购商品质量问题",
    "夜间施工噪音扰民",
    "占道经营影响通行",
    "垃圾清运不及时",
    "公交线路调整建议",
    "出租车拒载投诉",
    "学位申请政策咨询",
    "工厂废气排放异味",
    "户籍迁入条件咨询",
    "身份证补办进度",
    "粤省事登录后看不到证照",
    "账号被锁定无法登录",
    "办事页面提交后白屏",
    "低保申请进度",
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
const TERMS: &[&str] = &[
    "社保",
    "医保",
    "噪音",
    "退款",
    "物业",
    "户籍",
    "公积金",
    "补办进度",
    "拖欠工资",
    "夜间施工噪音",
    "噪",
    "13100012",
    "越秀区",
];
const RUNS: usize = 30;

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("HOTLINE_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000_000);
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(&DataDir::resolve(Some(dir.path().to_owned())), Utc::now())
        .await
        .unwrap();
    let t0 = Instant::now();
    let mut x: u64 = 2026;
    let mut rand = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut conn = store.pool().acquire().await.unwrap();
    sqlx::query("PRAGMA synchronous = OFF")
        .execute(&mut *conn)
        .await
        .unwrap();
    for chunk in 0..n.div_ceil(50_000) {
        let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
        for i in chunk * 50_000..((chunk + 1) * 50_000).min(n) {
            let phone = format!("13{:09}", 100_000_000 + rand() % (n as u64 / 3 + 1));
            let district = DISTRICTS[(rand() % DISTRICTS.len() as u64) as usize];
            let text = format!(
                "{}，地址：{}中山路{}号",
                TEXTS[(rand() % TEXTS.len() as u64) as usize],
                district,
                rand() % 300
            );
            let number = format!("260101-D{:03}-{:04}", i % 20, i % 10_000);
            let rid: i64 = sqlx::query_scalar(
                "INSERT INTO cases (id, number, kind, status, phone, district, category, received_at)
                 VALUES (?, ?, 'consultation', 'received', ?, ?, 'social_security', ?) RETURNING rid",
            )
            .bind(format!("bench-{i}"))
            .bind(&number)
            .bind(&phone)
            .bind(district)
            .bind(Utc::now().to_rfc3339())
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            let tokens =
                index_tokens(&[number.as_str(), phone.as_str(), district, text.as_str()].join(" "))
                    .join(" ");
            sqlx::query("INSERT INTO case_search (rowid, tokens) VALUES (?, ?)")
                .bind(rid)
                .bind(tokens)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    drop(conn);
    println!(
        "{n} cases written in {:.1} s; {RUNS} runs per term, first 50 hits",
        t0.elapsed().as_secs_f64()
    );
    let mut all = Vec::new();
    for term in TERMS {
        let mut times = Vec::with_capacity(RUNS);
        let mut hits = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            hits = store.search(term, 50).await.unwrap().len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{term:<10} hits {hits:>3}  p50 {:>7.2} ms  p95 {:>7.2} ms",
            times[RUNS / 2],
            times[RUNS * 95 / 100]
        );
        all.extend(times);
    }
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "all terms: p50 {:.2} ms, p95 {:.2} ms",
        all[all.len() / 2],
        all[all.len() * 95 / 100]
    );
}
