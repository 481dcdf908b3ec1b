//! Every API route against every role: the table is the specification.

mod support;

use hotline_domain::case::EventBody;
use support::*;

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Seat,
    Supervisor,
    Bureau,
    Admin,
    Management,
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says() {
    let (pool, _) = database().await;
    seed(&pool).await;
    let base = serve(&pool, TestClock::at(&chrono::Utc::now().to_rfc3339())).await;
    let http = reqwest::Client::new();
    let seat = login(&http, &base, "seat1").await;
    let sessions = [
        (Who::Seat, Some(seat)),
        (Who::Supervisor, Some(login(&http, &base, "super1").await)),
        (Who::Bureau, Some(login(&http, &base, "hrss1").await)),
        (Who::Admin, Some(login(&http, &base, "admin1").await)),
        (Who::Anonymous, None),
        (Who::Management, Some(login(&http, &base, "boss1").await)),
    ];
    // A case dispatched to HRSS, so that reads and unmask have something to find.
    let seat = sessions[0].1.as_ref().unwrap();
    let now = chrono::Utc::now();
    let c = seat.new_case(1, now, "consultation", "social_security", "社保");
    let d = seat.event(
        c.case,
        now,
        EventBody::Dispatched {
            bureau: "HRSS".into(),
            note: String::new(),
        },
    );
    assert!(seat
        .push(&http, &base, 1, &[c.clone(), d])
        .await
        .status()
        .is_success());

    // (method, path, expected status for anonymous, seat, supervisor, bureau, admin, management)
    let unmask = format!("/api/v1/cases/{}/unmask", c.case.0);
    let print = format!("/api/v1/cases/{}/pdf", c.case.0);
    let history = format!("/api/v1/cases/{}/history", c.case.0);
    let table: Vec<(&str, String, [u16; 6])> = vec![
        (
            "GET",
            "/api/v1/health".into(),
            [200, 200, 200, 200, 200, 200],
        ),
        ("GET", "/api/v1/me".into(), [401, 200, 200, 200, 200, 200]),
        // The centre's calendar: every desk counts on it.
        (
            "GET",
            "/api/v1/calendar".into(),
            [401, 200, 200, 200, 200, 200],
        ),
        ("GET", "/api/v1/pull".into(), [401, 200, 200, 200, 403, 200]),
        // A new desk's working set (its first sync), and a case's whole history for a desk
        // that let it go.
        (
            "GET",
            "/api/v1/working-set".into(),
            [401, 200, 200, 200, 403, 200],
        ),
        ("GET", history, [401, 200, 200, 200, 403, 200]),
        (
            "GET",
            "/api/v1/cases".into(),
            [401, 200, 200, 200, 403, 200],
        ),
        (
            "GET",
            "/api/v1/search?q=%E7%A4%BE%E4%BF%9D".into(),
            [401, 200, 200, 200, 403, 200],
        ),
        // Management reads cases but never a caller's details.
        ("POST", unmask, [401, 200, 200, 200, 403, 403]),
        // A case prints for whoever's scope holds it (HRSS has it).
        ("GET", print, [401, 200, 200, 200, 403, 200]),
        // The knowledge base is the seats' and supervisors'.
        ("GET", "/api/v1/kb".into(), [401, 200, 200, 403, 403, 403]),
        (
            "GET",
            "/api/v1/kb/published".into(),
            [401, 200, 200, 403, 403, 403],
        ),
        (
            "GET",
            "/api/v1/roster".into(),
            [401, 200, 200, 403, 403, 403],
        ),
        // Maintenance notices are shown on every desk.
        (
            "GET",
            "/api/v1/maintenance".into(),
            [401, 200, 200, 200, 200, 200],
        ),
        // Reports: the whole centre's for supervisors and management, a bureau's own for its
        // handlers (its own cases only: tests/assessment.rs), none for seats and administrators.
        (
            "GET",
            "/api/v1/reports?period=day&format=xlsx".into(),
            [401, 403, 200, 200, 403, 200],
        ),
        (
            "GET",
            "/api/v1/reports?period=quarter&format=json".into(),
            [401, 403, 200, 200, 403, 200],
        ),
        // 质检: a seat reads its own reviews, a supervisor every seat's and draws the sample.
        (
            "GET",
            "/api/v1/quality".into(),
            [401, 200, 200, 403, 403, 403],
        ),
        (
            "POST",
            "/api/v1/quality/draw".into(),
            [401, 403, 200, 403, 403, 403],
        ),
        // An empty push from one's own device is allowed for every role that may push at all.
        (
            "POST",
            "/api/v1/push".into(),
            [401, 200, 200, 200, 200, 200],
        ),
    ];
    for (method, path, expected) in &table {
        for (i, (who, session)) in [
            &sessions[4],
            &sessions[0],
            &sessions[1],
            &sessions[2],
            &sessions[3],
            &sessions[5],
        ]
        .into_iter()
        .enumerate()
        {
            let url = format!("{base}{path}");
            let mut req = match *method {
                "GET" => http.get(&url),
                _ => http.post(&url),
            };
            if let Some(s) = session {
                req = req.bearer_auth(&s.token);
            }
            if path.ends_with("/push") {
                let device = session
                    .as_ref()
                    .map_or("none".to_owned(), |s| s.device.clone());
                req = req.json(&serde_json::json!({ "device_id": device, "events": [] }));
            }
            let status = req.send().await.unwrap().status().as_u16();
            assert_eq!(status, expected[i], "{method} {path} as {who:?}");
        }
    }
    // The stream answers a logged-in user with an event stream and an anonymous one with 401.
    let r = http
        .get(format!("{base}/api/v1/stream"))
        .bearer_auth(&seat.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    drop(r);
    assert_eq!(
        http.get(format!("{base}/api/v1/stream"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    // Login with a wrong password and with an unknown user answer the same.
    for user in ["seat1", "nobody"] {
        let r = http.post(format!("{base}/api/v1/login")).json(&serde_json::json!({"user": user, "password": "wrong-password", "device_id": "device-0001"})).send().await.unwrap();
        assert_eq!(error_of(r).await, (401, "auth.login_failed".into()));
    }
}

#[tokio::test]
async fn live_notices_reach_clients_of_another_server_process_on_the_same_database() {
    use futures::StreamExt;
    let (pool_a, url) = database().await;
    seed(&pool_a).await;
    // Two independent servers, each with its own pool and its own LISTEN connection.
    let pool_b = sqlx::postgres::PgPoolOptions::new()
        .max_connections(5)
        .connect(&url)
        .await
        .unwrap();
    let clock = TestClock::at(&chrono::Utc::now().to_rfc3339());
    let a = serve(&pool_a, clock.clone()).await;
    let b = serve(&pool_b, clock).await;
    let http = reqwest::Client::new();
    let writer = login(&http, &a, "seat1").await;
    let reader = login(&http, &b, "super1").await;

    let stream = http
        .get(format!("{b}/api/v1/stream"))
        .bearer_auth(&reader.token)
        .send()
        .await
        .unwrap();
    let mut bytes = stream.bytes_stream();
    let hello = String::from_utf8(bytes.next().await.unwrap().unwrap().to_vec()).unwrap();
    assert!(hello.contains("event: hello"), "{hello}");

    let c = writer.new_case(1, chrono::Utc::now(), "complaint", "housing", "物业");
    assert!(writer
        .push(&http, &a, 1, std::slice::from_ref(&c))
        .await
        .status()
        .is_success());
    // A supervisor sees every case: the notice carries the page itself.
    let id = c.id.0.to_string();
    let mut received = String::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while !(received.contains("event: events") && received.contains(&id)) {
            received.push_str(std::str::from_utf8(&bytes.next().await.unwrap().unwrap()).unwrap());
        }
    })
    .await
    .expect("the new event from the other process within 5 s");
    let data = received
        .lines()
        .find(|l| l.starts_with("data: {"))
        .unwrap()
        .trim_start_matches("data: ");
    let page: hotline_domain::wire::LivePage = serde_json::from_str(data).unwrap();
    assert_eq!(page.page.events[0].event.id, c.id);
    let events = reader.pull_at_least(&http, &b, 1).await;
    assert_eq!(events[0]["event"]["id"], c.id.0.to_string());
}
