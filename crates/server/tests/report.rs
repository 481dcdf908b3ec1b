//! Reports: the figures equal the fold of every case's stored events (computed here without the
//! report facts or their SQL), and the exports open in the tools the leadership uses.

mod support;

use std::collections::BTreeMap;
use std::process::Command;

use chrono::{DateTime, Utc};
use hotline_domain::case::{CaseState, Event, EventBody};
use hotline_domain::sla::ClockStatus;
use hotline_server::report::{self, Period, PeriodKind, Report};
use sqlx::Row;
use support::*;

/// The figures, counted case by case from the events.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    received: i64,
    received_by_kind: BTreeMap<String, i64>,
    received_by_channel: BTreeMap<String, i64>,
    replied: i64,
    closed: i64,
    decided: i64,
    met: i64,
    decided_by_bureau: BTreeMap<String, (i64, i64)>,
    callbacks: BTreeMap<String, i64>,
}

fn expected(
    histories: &BTreeMap<uuid::Uuid, Vec<Event>>,
    period: &Period,
    now: DateTime<Utc>,
) -> Expected {
    let cal = calendar();
    let (start, end) = (period.start(), period.end());
    let within = |t: DateTime<Utc>| t >= start && t < end;
    let mut x = Expected::default();
    for events in histories.values() {
        let state = CaseState::fold(events);
        let intake = state.intake.as_ref().unwrap();
        if within(state.received_at.unwrap()) {
            x.received += 1;
            *x.received_by_kind.entry(intake.kind.clone()).or_default() += 1;
            let channel = serde_json::to_value(intake.channel)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned();
            *x.received_by_channel.entry(channel).or_default() += 1;
        }
        let first_reply = events.iter().find(|e| {
            matches!(
                e.body,
                EventBody::Replied { .. } | EventBody::AnsweredOnSpot { .. }
            )
        });
        x.replied += i64::from(first_reply.is_some_and(|e| within(e.at)));
        x.closed += i64::from(state.closed_at.is_some_and(within));
        for c in &state.clocks {
            for run in &c.runs {
                let reading = run.read(&cal, now).unwrap();
                let decided_at = match reading.status {
                    ClockStatus::Met => run.stopped_at.unwrap(),
                    ClockStatus::Breached => reading.due,
                    _ => continue,
                };
                if decided_at >= start && decided_at < end.min(now) {
                    let met = i64::from(reading.status == ClockStatus::Met);
                    x.decided += 1;
                    x.met += met;
                    let b = x
                        .decided_by_bureau
                        .entry(c.bureau.as_ref().map(|b| b.0.clone()).unwrap_or_default())
                        .or_default();
                    b.0 += 1;
                    b.1 += met;
                }
            }
        }
        for e in events {
            if let EventBody::CalledBack { satisfaction, .. } = &e.body {
                if within(e.at) {
                    *x.callbacks
                        .entry(
                            serde_json::to_value(satisfaction)
                                .unwrap()
                                .as_str()
                                .unwrap()
                                .to_owned(),
                        )
                        .or_default() += 1;
                }
            }
        }
    }
    x
}

fn observed(r: &Report) -> Expected {
    let mut x = Expected {
        received: r.received,
        replied: r.replied.count,
        closed: r.closed.count,
        decided: r.on_time.decided,
        met: r.on_time.met,
        ..Default::default()
    };
    for k in &r.by_kind {
        if k.received > 0 {
            x.received_by_kind.insert(k.kind.clone(), k.received);
        }
    }
    for c in &r.by_channel {
        x.received_by_channel.insert(c.code.clone(), c.count);
    }
    for b in &r.by_bureau {
        if b.on_time.decided > 0 {
            x.decided_by_bureau
                .insert(b.bureau.clone(), (b.on_time.decided, b.on_time.met));
        }
    }
    for (name, n) in [
        ("satisfied", r.satisfaction.satisfied),
        ("basically_satisfied", r.satisfaction.basically),
        ("dissatisfied", r.satisfaction.dissatisfied),
    ] {
        if n > 0 {
            x.callbacks.insert(name.into(), n);
        }
    }
    x
}

async fn histories(pool: &sqlx::PgPool) -> BTreeMap<uuid::Uuid, Vec<Event>> {
    let mut h: BTreeMap<uuid::Uuid, Vec<Event>> = BTreeMap::new();
    for r in sqlx::query("SELECT case_id, whole_event(body, id, case_id, device_id) AS body FROM events ORDER BY case_id, tx_id, pos")
        .fetch_all(pool)
        .await
        .unwrap()
    {
        h.entry(r.get("case_id"))
            .or_default()
            .push(serde_json::from_value(r.get("body")).unwrap());
    }
    h
}

#[tokio::test]
async fn report_figures_equal_the_fold_of_every_case() {
    let (pool, _) = database().await;
    let now = at("2026-11-26T08:00:00Z");
    seed(&pool).await;
    hotline_server::demo::seed(&pool, 3_000, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    let all = histories(&pool).await;
    for (kind, date) in [
        (PeriodKind::Month, "2026-10-15"),
        (PeriodKind::Week, "2026-11-18"),
        (PeriodKind::Day, "2026-11-25"),
        (PeriodKind::Month, "2026-11-26"),
    ] {
        let period = Period::holding(kind, date.parse().unwrap()).unwrap();
        let r = report::compute(&pool, &period, now).await.unwrap();
        let (want, got) = (expected(&all, &period, now), observed(&r));
        assert_eq!(got, want, "{}", r.title);
        assert!(
            want.received > 0 && want.decided > 0 && !want.callbacks.is_empty(),
            "{}: the demo must give every figure something to count: {want:?}",
            r.title
        );
        assert_eq!(r.by_day.iter().map(|(_, n)| n).sum::<i64>(), r.received);
        assert_eq!(r.by_hour.iter().sum::<i64>(), r.received);
    }

    // A case recorded through the API moves the facts like the seed's do.
    let base = serve(&pool, TestClock::at("2026-11-26T08:00:00Z")).await;
    let http = reqwest::Client::new();
    let seat = login(&http, &base, "seat1").await;
    let e = seat.new_case(
        1,
        at("2026-11-26T07:00:00Z"),
        "consultation",
        "social_security",
        "医保报销比例",
    );
    let case = e.case;
    let answer = seat.event(
        case,
        at("2026-11-26T07:02:00Z"),
        EventBody::AnsweredOnSpot {
            answer: "按政策答复".into(),
            article: None,
        },
    );
    assert!(seat
        .push(&http, &base, 1, &[e, answer])
        .await
        .status()
        .is_success());
    let day = Period::holding(PeriodKind::Day, "2026-11-26".parse().unwrap()).unwrap();
    let r = report::compute(&pool, &day, now).await.unwrap();
    assert_eq!(observed(&r), expected(&histories(&pool).await, &day, now));
    let spot: bool = sqlx::query_scalar("SELECT on_spot FROM cases WHERE id = $1")
        .bind(case.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(spot);
}

#[tokio::test]
async fn exports_open_in_libreoffice_and_poppler_with_chinese_text_and_charts() {
    let (pool, _) = database().await;
    let now = at("2026-11-26T08:00:00Z");
    hotline_server::demo::seed(&pool, 1_500, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    let r = report::compute(
        &pool,
        // A quarter (003 §5.3.7's optimisation report): everything a month has, and the ranking.
        &Period::holding(PeriodKind::Quarter, "2026-10-15".parse().unwrap()).unwrap(),
        now,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();

    // XLSX → LibreOffice headless → PDF → text: every sheet converts, charts with their titles.
    let xlsx = dir.path().join("report.xlsx");
    std::fs::write(&xlsx, report::xlsx::write(&r).unwrap()).unwrap();
    let soffice = which("soffice");
    let profile = format!(
        "-env:UserInstallation=file://{}/lo-profile",
        dir.path().display()
    );
    let out = Command::new(soffice)
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let converted = pdf_text(&dir.path().join("report.pdf"));
    for needle in [
        "2026年第4季度 季报",
        "受理量",
        "按时率",
        "市人力资源和社会保障局",
        "各承办单位按时率",
        "每日受理量",
        "热点分类",
        "上期排名",
        "退单被驳回",
        "承办单位考核得分",
        "决定是否受理",
    ] {
        assert!(
            converted.contains(needle),
            "LibreOffice's rendering lacks {needle:?}"
        );
    }
    assert!(converted.contains(&r.received.to_string()));

    // Our own PDF: Chinese text extractable (embedded font with its Unicode map) and charts drawn.
    let pdf = dir.path().join("own.pdf");
    std::fs::write(
        &pdf,
        report::pdf::write(&r, &report::pdf::ReportFont::find().unwrap()).unwrap(),
    )
    .unwrap();
    let text = pdf_text(&pdf);
    for needle in [
        "2026年第4季度 季报",
        "概览",
        "按时率",
        "满意率",
        "热线中心",
        "各承办单位按时率",
        "承办单位考核排名",
        "承办单位考核得分",
        "分时限按时率",
        &format!("{}", r.received),
    ] {
        assert!(text.contains(needle), "the PDF's text lacks {needle:?}");
    }
    let out = Command::new(which("pdftoppm"))
        .args(["-r", "50", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(out.status.success());
    // The daily volume line is drawn in the charts' blue (#2f6fb6).
    let blue = ppm_pixels(&out.stdout)
        .filter(|p| {
            p[0].abs_diff(0x2f) < 24 && p[1].abs_diff(0x6f) < 24 && p[2].abs_diff(0xb6) < 24
        })
        .count();
    assert!(blue > 200, "page 1 shows the chart's blue in {blue} pixels");
}

fn which(tool: &str) -> String {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .unwrap();
    assert!(
        found.status.success(),
        "{tool} is missing: scripts/test installs it (libreoffice-calc-nogui, poppler-utils)"
    );
    String::from_utf8(found.stdout).unwrap().trim().to_owned()
}

fn pdf_text(pdf: &std::path::Path) -> String {
    let out = Command::new(which("pdftotext"))
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The RGB pixels of a binary PPM (P6, maxval 255), as pdftoppm writes to standard output.
fn ppm_pixels(ppm: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 {
        while ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        while !ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    ppm[i + 1..].chunks_exact(3)
}

/// A quiet period (no case at all) gives a report of zeros in every format, and a date no report
/// can cover is refused with a code instead of panicking the handler (which dropped the
/// connection before: `Period::holding` overflowed at chrono's last date).
#[tokio::test]
async fn a_quiet_period_reports_zeros_and_an_extreme_date_is_refused_with_a_code() {
    let (pool, base, http) = seeded_server_at(at("2026-11-28T08:00:00Z")).await;
    let boss = login(&http, &base, "super1").await;
    for (period, format) in [
        ("day", "xlsx"),
        ("week", "xlsx"),
        ("day", "pdf"),
        ("month", "pdf"),
    ] {
        let r = boss
            .get(
                &http,
                &base,
                &format!("/api/v1/reports?period={period}&date=2026-11-28&format={format}"),
            )
            .await;
        assert_eq!(
            r.status().as_u16(),
            200,
            "{period} {format}: {:?}",
            r.text().await
        );
    }
    let quiet = Period::holding(PeriodKind::Day, "2026-11-28".parse().unwrap()).unwrap();
    let r = report::compute(&pool, &quiet, at("2026-11-28T08:00:00Z"))
        .await
        .unwrap();
    assert_eq!((r.received, r.on_time.decided), (0, 0));
    assert!(serde_json::to_string(&r).is_ok());

    for (period, date) in [
        ("day", "%2B262142-12-31"),
        ("week", "-262143-01-01"),
        ("month", "1066-10-14"),
    ] {
        let r = boss
            .get(
                &http,
                &base,
                &format!("/api/v1/reports?period={period}&date={date}&format=xlsx"),
            )
            .await;
        let (status, code) = error_of(r).await;
        assert_eq!(
            (status, code.as_str()),
            (422, "report.date_out_of_range"),
            "{date}"
        );
    }
}

#[tokio::test]
async fn a_case_prints_as_pdf_with_its_steps_and_its_incident_report() {
    let (pool, _) = database().await;
    let now = at("2026-11-26T08:00:00Z");
    let cal = calendar();
    hotline_server::demo::seed(&pool, 400, now, &cal, &mut |_| {})
        .await
        .unwrap();
    let row = sqlx::query(
        "SELECT c.number, whole_event(e.body, e.id, e.case_id, e.device_id) AS body FROM events e JOIN cases c ON c.id = e.case_id
         WHERE e.body->>'type' = 'report_filed' ORDER BY c.number LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("the demo files incident reports");
    let number: String = row.get("number");
    let filed: Event = serde_json::from_value(row.get("body")).unwrap();
    let EventBody::ReportFiled { report, content } = &filed.body else {
        unreachable!()
    };
    let record = hotline_server::record::case_record(&pool, &number, &cal, now)
        .await
        .unwrap()
        .unwrap();
    let font = report::pdf::ReportFont::find().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("case.pdf");
    std::fs::write(
        &pdf,
        report::case_pdf::write(
            &record,
            &hotline_domain::case::KindCatalog::default(),
            &font,
        )
        .unwrap(),
    )
    .unwrap();
    // pdftotext keeps the words, not our line breaks: compare without white space.
    let text: String = pdf_text(&pdf).split_whitespace().collect();
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let mut needles = vec![
        format!("工单{number}办理记录"),
        "办理过程".to_owned(),
        "受理".to_owned(),
    ];
    for s in report.sections() {
        needles.push(format!("{}：{}", s.zh, squeeze(content.get(s.field))));
    }
    for needle in needles {
        assert!(
            text.contains(&needle),
            "the printed case lacks {needle:?}: {text}"
        );
    }
}
