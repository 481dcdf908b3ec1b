//! Fuzzing the trust boundary: mutated pushes against a real server on PostgreSQL, and mutated
//! calendar files, notices and policy documents against their readers. Nothing may panic: every
//! input gets an answer (a push: a status with a JSON `{code, message}` or the push's own
//! answer; a file: Ok or a refusal).
//!
//! Runs a few seconds in the normal suite. A long run (docs/SECURITY.md):
//! `HOTLINE_FUZZ_SECS=600 cargo nextest run -p hotline-server --test fuzz --no-capture`
//! (`HOTLINE_FUZZ_SEED` repeats one).

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use support::*;

fn budget() -> Duration {
    let secs = std::env::var("HOTLINE_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    Duration::from_secs(secs)
}

fn seeded() -> (u64, StdRng) {
    let seed = std::env::var("HOTLINE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random());
    eprintln!("fuzz seed {seed} (HOTLINE_FUZZ_SEED={seed} repeats it)");
    (seed, StdRng::seed_from_u64(seed))
}

/// Counts panics anywhere in the process (the server's handlers run on this runtime).
fn count_panics() -> Arc<AtomicUsize> {
    let n = Arc::new(AtomicUsize::new(0));
    let seen = n.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        seen.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
    n
}

fn odd_value(rng: &mut StdRng, depth: u32) -> Value {
    match rng.random_range(0..14) {
        0 => Value::Null,
        1 => json!(rng.random::<bool>()),
        2 => json!(rng.random::<i64>()),
        3 => json!(i64::MAX),
        4 => json!(-1),
        5 => json!(rng.random::<f64>() * 1e300),
        6 => json!("x".repeat(rng.random_range(0..70_000))),
        7 => json!("\u{0}\u{202e}工单\u{feff}"),
        8 => json!("+262142-12-31T23:59:59Z"),
        9 => json!("-262143-01-01T00:00:00Z"),
        10 => json!(uuid::Uuid::new_v4().to_string()),
        11 if depth < 40 => json!([odd_value(rng, depth + 1)]),
        12 if depth < 40 => json!({ "type": odd_value(rng, depth + 1) }),
        _ => json!(""),
    }
}

/// Replaces, removes or adds one node somewhere in `v`.
fn mutate(v: &mut Value, rng: &mut StdRng, depth: u32) {
    let descend = rng.random_range(0..3) > 0;
    match v {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.random_range(0..keys.len())];
            match rng.random_range(0..6) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    map.insert(
                        format!("extra{}", rng.random::<u8>()),
                        odd_value(rng, depth),
                    );
                }
                _ if descend => mutate(map.get_mut(key).unwrap(), rng, depth + 1),
                _ => {
                    map.insert(key.clone(), odd_value(rng, depth));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = rng.random_range(0..items.len());
            match rng.random_range(0..5) {
                0 => {
                    items.remove(i);
                }
                1 => items.push(items[i].clone()),
                _ if descend => mutate(&mut items[i], rng, depth + 1),
                _ => items[i] = odd_value(rng, depth),
            }
        }
        other => *other = odd_value(rng, depth),
    }
}

#[tokio::test]
async fn mutated_pushes_get_an_answer_and_never_a_panic() {
    let panics = count_panics();
    let (seed, mut rng) = seeded();
    let (_pool, base, http) = seeded_server().await;
    let seat = login(&http, &base, "seat1").await;
    let now = chrono::Utc::now();
    let valid: Vec<Value> = (1..=3)
        .map(|i| {
            let e = seat.new_case(i, now, "complaint", "housing", "物业不作为");
            json!({ "device_seq": i, "event": e })
        })
        .collect();
    let valid = json!({ "device_id": seat.device, "events": valid });
    let (started, mut tries) = (Instant::now(), 0u64);
    while started.elapsed() < budget() || tries < 50 {
        let mut push = valid.clone();
        for _ in 0..rng.random_range(1..4) {
            mutate(&mut push, &mut rng, 0);
        }
        let r = http
            .post(format!("{base}/api/v1/push"))
            .bearer_auth(&seat.token)
            .json(&push)
            .send()
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: no answer to {push}: {e}"));
        let status = r.status().as_u16();
        let body: Value = r
            .json()
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: {status} without JSON: {e}"));
        assert!(
            status < 500 || body["code"].is_string(),
            "seed {seed}: {status} {body}"
        );
        assert!(
            status == 200 || body["code"].is_string() && body["message"].is_string(),
            "seed {seed}: {status} {body}"
        );
        tries += 1;
    }
    eprintln!("{tries} mutated pushes in {:?}", started.elapsed());
    assert_eq!(
        panics.load(Ordering::SeqCst),
        0,
        "seed {seed}: a handler panicked"
    );
}

fn mutate_text(text: &str, rng: &mut StdRng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..rng.random_range(1..6) {
        let n = chars.len().max(1);
        let at = rng.random_range(0..n).min(chars.len());
        match rng.random_range(0..6) {
            0 => chars.truncate(at),
            1 => {
                let end = (at + rng.random_range(0..40)).min(chars.len());
                chars.drain(at..end);
            }
            2 => {
                let end = (at + rng.random_range(0..40)).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, copy);
            }
            3 => {
                let pool = [
                    '0', '9', '月', '日', '至', '，', '。', '"', '{', ']', '\u{0}', '-', '、', '\n',
                ];
                chars.insert(at, pool[rng.random_range(0..pool.len())]);
            }
            4 => chars.insert(
                at,
                char::from_u32(rng.random_range(0..0x3_0000)).unwrap_or('?'),
            ),
            _ => {
                if at < chars.len() {
                    chars[at] = char::from_digit(rng.random_range(0..10), 10).unwrap();
                }
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mutated_calendars_notices_and_policies_are_read_or_refused_never_a_panic() {
    use hotline_domain::calendar::{parse_any, parse_notice, shipped, CalendarFile};
    use hotline_domain::centre::{CentreDocument, CentrePolicy};
    let (seed, mut rng) = seeded();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/calendar/");
    let notices: Vec<String> = (2004..=2026)
        .map(|y| std::fs::read_to_string(format!("{root}notices/{y}.txt")).unwrap())
        .collect();
    let calendar = std::fs::read_to_string(format!("{root}cn-legal-calendar.json")).unwrap();
    let mut last: Vec<_> = shipped().schedules().cloned().collect();
    let last = last.split_off(last.len() - 2);
    let small = serde_json::to_string(&CalendarFile::new(last)).unwrap();
    let csv = "date,kind,name\n2027-01-01,rest,元旦\n2027-01-09,work,元旦\n".to_owned();
    let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nSUMMARY:元旦 休\nEND:VEVENT\nEND:VCALENDAR\n".to_owned();
    let policy = CentreDocument::of(&CentrePolicy::default(), &shipped()).to_json();
    let (started, mut tries) = (Instant::now(), 0u64);
    while started.elapsed() < budget() || tries < 200 {
        let which = rng.random_range(0..6);
        let base: &str = match which {
            0 => &notices[rng.random_range(0..notices.len())],
            1 => &small,
            2 => &csv,
            3 => &ics,
            4 => &policy,
            _ => &calendar,
        };
        let text = mutate_text(base, &mut rng);
        let outcome = std::panic::catch_unwind(|| match which {
            0 => drop(parse_notice(&text, Some(2026))),
            1 | 5 => drop(parse_any("x.json", &text).map(|y| shipped().with_import(&y).is_ok())),
            2 => drop(parse_any("x.csv", &text).map(|y| shipped().with_import(&y).is_ok())),
            3 => drop(parse_any("x.ics", &text).map(|y| shipped().with_import(&y).is_ok())),
            _ => drop(CentreDocument::parse(&text)),
        });
        assert!(
            outcome.is_ok(),
            "seed {seed}: panicked on input {which}: {text:?}"
        );
        tries += 1;
    }
    eprintln!("{tries} mutated files in {:?}", started.elapsed());
}
