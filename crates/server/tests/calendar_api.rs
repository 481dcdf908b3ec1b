//! The State Council's notice pasted into a desk: read and previewed with the dues it moves
//! (nothing saved), imported for the centre, or refused with the line it could not read.

mod support;

use hotline_domain::wire::{CalendarImports, NoticeOutcome};
use hotline_server::report::{self, Period, PeriodKind};
use support::{error_of, login};

const NOTICE: &str = "国务院办公厅关于2027年部分节假日安排的通知（测试数据）\n\
一、元旦：1月1日（周五）至3日（周日）放假，共3天。1月9日（周六）上班。\n\
二、春节：2月5日（除夕）至11日放假调休，共7天。2月20日（周六）上班。\n\
三、国庆节：10月1日至7日放假调休，共7天。9月26日（周日）、10月9日（周六）上班。\n";

#[tokio::test]
async fn a_pasted_notice_is_previewed_then_imported_and_a_bad_one_refused() {
    let at = support::at("2026-12-15T10:00:00+08:00");
    let (pool, base, http) = support::seeded_server_at(at).await;
    let seat = login(&http, &base, "seat1").await;
    let what = ("complaint", "social_security", "社保待遇核定投诉");
    seat.push_dispatched(&http, &base, at, what, "HRSS").await;
    let send = |token: &str, text: &str, dry_run: bool| {
        http.post(format!("{base}/api/v1/calendar/notice"))
            .bearer_auth(token)
            .json(&serde_json::json!({"text": text, "dry_run": dry_run}))
            .send()
    };
    let imports = || async {
        seat.get(&http, &base, "/api/v1/calendar")
            .await
            .json::<CalendarImports>()
            .await
            .unwrap()
            .imports
            .len()
    };

    let (status, code) = error_of(send(&seat.token, NOTICE, true).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (403, "calendar.forbidden"));

    let boss = login(&http, &base, "super1").await;
    let cut = NOTICE.replace("共7天。9月26日", "共8天。9月26日");
    let r = send(&boss.token, &cut, true).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("国庆节"),
        "the line it could not read: {body}"
    );

    let preview: NoticeOutcome = send(&boss.token, NOTICE, true)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!preview.saved && preview.schedule.year == 2027);
    assert!(
        preview
            .moved
            .iter()
            .any(|m| m.clock == "reply"
                && m.after.unwrap().to_rfc3339() == "2027-01-12T15:59:59+00:00"),
        "{:?}",
        preview.moved
    );
    assert_eq!(imports().await, 0, "a preview imports nothing");
    // January's report, read after the reply's provisional due passed, says that figure is 暂定.
    let provisional_in_january = || async {
        let january = Period::holding(PeriodKind::Month, "2027-01-15".parse().unwrap()).unwrap();
        let now = "2027-01-20T00:00:00Z".parse().unwrap();
        let r = report::compute(&pool, &january, now).await.unwrap();
        let said = report::table::summary(&r)
            .rows
            .iter()
            .any(|row| row[0].display().contains("暂定"));
        assert_eq!(said, r.on_time.provisional > 0, "the summary says it");
        (r.on_time.decided, r.on_time.provisional)
    };
    let (decided, provisional) = provisional_in_january().await;
    assert!(decided >= 1 && provisional >= 1, "{decided} {provisional}");

    let saved: NoticeOutcome = send(&boss.token, NOTICE, false)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(saved.saved && saved.moved == preview.moved);
    assert_eq!(imports().await, 1);
    let (decided_after, provisional_after) = provisional_in_january().await;
    assert_eq!((decided_after, provisional_after), (decided, 0));
}
