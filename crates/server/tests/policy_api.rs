//! The centre's policy over HTTP: any signed-in user reads every version; supervisors and
//! administrators propose a new one (previewed or saved); a bad document or a forbidden role is
//! refused with a code and changes nothing.

mod support;

use hotline_domain::centre::{CentrePolicy, PolicyHistory};
use hotline_domain::sla::SlaAmount;
use hotline_domain::wire::PolicyOutcome;
use support::{error_of, login, seeded_server};

fn three_days() -> CentrePolicy {
    let mut p = CentrePolicy::default();
    for r in &mut p.deadlines.rules {
        if r.clock.key == "reply"
            && r.when.kinds.first().is_some_and(|k| k == "consultation")
            && r.when.domain == Some(hotline_domain::case::Domain::Business)
        {
            r.clock.amount = SlaAmount::WorkingDays(3);
        }
    }
    p
}

#[tokio::test]
async fn supervisors_propose_versions_and_others_cannot() {
    let (_pool, base, http) = seeded_server().await;
    let history = |token: String| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            http.get(format!("{base}/api/v1/policy"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<PolicyHistory>()
                .await
                .unwrap()
        }
    };
    let propose = |token: &str, document: serde_json::Value, reason: &str, dry_run: bool| {
        http.post(format!("{base}/api/v1/policy"))
            .bearer_auth(token)
            .json(&serde_json::json!({"document": document, "reason": reason, "dry_run": dry_run}))
            .send()
    };
    let hrss = login(&http, &base, "hrss1").await;
    assert_eq!(
        history(hrss.token.clone()).await.versions.len(),
        1,
        "version 0 for everyone"
    );
    let doc = serde_json::to_value(three_days()).unwrap();

    for user in ["hrss1", "seat1"] {
        let s = login(&http, &base, user).await;
        let (status, code) =
            error_of(propose(&s.token, doc.clone(), "理由", false).await.unwrap()).await;
        assert_eq!((status, code.as_str()), (403, "policy.forbidden"), "{user}");
    }
    let boss = login(&http, &base, "super1").await;
    let mut zero = doc.clone();
    zero["deadlines"]["rules"][0]["clock"]["amount"]["value"] = 0.into();
    let (status, code) = error_of(propose(&boss.token, zero, "理由", false).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (422, "policy.rule"));
    let (status, code) = error_of(
        propose(&boss.token, doc.clone(), "  ", false)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "policy.no_reason"));
    let same = serde_json::to_value(CentrePolicy::default()).unwrap();
    let (status, code) = error_of(propose(&boss.token, same, "理由", false).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (422, "policy.unchanged"));

    let preview: PolicyOutcome = propose(&boss.token, doc.clone(), "地方法规", true)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !preview.saved && preview.version == 1 && preview.changes.clocks.len() == 3,
        "{preview:?}"
    );
    assert_eq!(
        history(hrss.token.clone()).await.versions.len(),
        1,
        "a preview saves nothing"
    );

    let admin = login(&http, &base, "admin1").await;
    let saved: PolicyOutcome = propose(&admin.token, doc, "地方法规", false)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(saved.saved && saved.version == 1);
    let after = history(hrss.token).await;
    assert_eq!(after.versions.len(), 2);
    assert_eq!(
        (
            after.current().changed_by.as_str(),
            after.current().reason.as_str()
        ),
        ("admin1", "地方法规")
    );
    assert_eq!(after.current().policy, three_days());
}

/// The server's case listing says when a case's nearest due rests on a provisional year: a
/// business consultation dispatched on 2026-12-28 is due 5 working days later, across a New
/// Year for which no notice was imported.
#[tokio::test]
async fn the_case_listing_marks_a_provisional_due() {
    let at = support::at("2026-12-28T10:00:00+08:00");
    let (_pool, base, http) = support::seeded_server_at(at).await;
    let seat = login(&http, &base, "seat1").await;
    let what = ("consultation", "housing", "公积金提取");
    seat.push_dispatched(&http, &base, at, what, "HRSS").await;
    let list: Vec<serde_json::Value> = seat
        .get(&http, &base, "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["next_due"], "2027-01-05T15:59:59Z", "{list:?}");
    assert_eq!(list[0]["due_provisional"], true, "{list:?}");
}

/// One document holds the policy and the calendar years: exported together; a year added to it
/// is imported as a calendar import would be (the dues it moves listed) while the policy, left
/// as it was, keeps its version; a broken year is refused with the year and nothing changes.
#[tokio::test]
async fn the_policy_document_carries_the_calendar_years() {
    use hotline_domain::calendar::{parse_notice, YearSchedule};
    use hotline_domain::centre::CentreDocument;
    use hotline_server::centre_policy;

    let at = support::at("2026-12-15T10:00:00+08:00");
    let (pool, base, http) = support::seeded_server_at(at).await;
    let seat = login(&http, &base, "seat1").await;
    let what = ("complaint", "social_security", "社保待遇核定投诉");
    seat.push_dispatched(&http, &base, at, what, "HRSS").await;

    let (version, doc) = centre_policy::export(&pool, None).await.unwrap().unwrap();
    assert_eq!(version, 0);
    let years: Vec<i32> = doc.calendar.iter().map(|y| y.year).collect();
    assert_eq!((years[0], *years.last().unwrap()), (2004, 2026));
    assert_eq!(CentreDocument::parse(&doc.to_json()).unwrap(), doc);
    let import = |doc: &CentreDocument, dry_run: bool| {
        let text = doc.to_json();
        let pool = pool.clone();
        async move { centre_policy::import(&pool, &text, "admin", "2027年通知", dry_run, at).await }
    };
    let e = import(&doc, false).await.unwrap_err();
    assert_eq!(e.code(), "policy.unchanged");

    let notice = "一、元旦：1月1日至3日放假，共3天。1月9日（周六）上班。\n\
                  二、春节：2月5日至11日放假调休，共7天。2月20日（周六）上班。\n\
                  三、国庆节：10月1日至7日放假调休，共7天。9月26日（周日）、10月9日（周六）上班。\n";
    let y2027: YearSchedule = parse_notice(notice, Some(2027)).unwrap();
    let mut broken = doc.clone();
    let mut bad_year = y2027.clone();
    bad_year.festivals[0]
        .work
        .push("2027-01-08".parse().unwrap()); // a Friday
    broken.calendar.push(bad_year);
    let e = CentreDocument::parse(&broken.to_json()).unwrap_err();
    assert!(
        e.code() == "policy.calendar" && e.to_string().contains("2027"),
        "{e}"
    );
    assert_eq!(
        import(&broken, false).await.unwrap_err().code(),
        "policy.calendar"
    );

    let mut next = doc.clone();
    next.calendar.push(y2027);
    let o: PolicyOutcome = import(&next, false).await.unwrap();
    assert!(o.saved && o.changes.is_empty() && o.version == 0, "{o:?}");
    assert_eq!(o.calendar_years, vec![2027]);
    assert!(
        o.moved
            .iter()
            .any(|m| m.clock == "reply"
                && m.after.unwrap().to_rfc3339() == "2027-01-12T15:59:59+00:00"),
        "{:?}",
        o.moved
    );
    assert_eq!(
        centre_policy::history(&pool).await.unwrap().versions.len(),
        1
    );
    let (_, again) = centre_policy::export(&pool, None).await.unwrap().unwrap();
    assert_eq!(again.calendar.last().unwrap().year, 2027);
    assert_eq!(
        import(&again, false).await.unwrap_err().code(),
        "policy.unchanged"
    );
}

/// Version 0 is pinned at the first start: a later build with other built-in figures does not
/// change the deadlines of a centre that never saved a version, and says so.
#[tokio::test]
async fn version_0_is_stored_once_and_a_later_build_does_not_rewrite_it() {
    use hotline_server::centre_policy;
    let (pool, _base, _http) = seeded_server().await;
    assert!(!centre_policy::keep_builtin(&pool).await.unwrap());
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM policy_versions WHERE version = 0")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    // As if an older build had stored it: its consultations had 3 working days.
    sqlx::query("UPDATE policy_versions SET document = $1 WHERE version = 0")
        .bind(sqlx::types::Json(three_days()))
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        centre_policy::keep_builtin(&pool).await.unwrap(),
        "this build differs"
    );
    let history = centre_policy::history(&pool).await.unwrap();
    assert_eq!(history.versions.len(), 1);
    assert_eq!(
        history.current().policy,
        three_days(),
        "the centre's version 0 stays"
    );
}
