//! The knowledge base on a real server: who may write, submit, approve, reject and retire; every
//! version kept; seats answer from the approved version only; citations counted from the log;
//! import and export.

mod support;

use hotline_domain::case::EventBody;
use serde_json::{json, Value};
use support::*;

async fn call(
    http: &reqwest::Client,
    s: &Session,
    method: &str,
    url: String,
    body: Value,
) -> (u16, Value) {
    let req = if method == "GET" {
        http.get(url)
    } else {
        http.post(url).json(&body)
    };
    let r = req.bearer_auth(&s.token).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn articles_are_written_reviewed_versioned_cited_and_withdrawn_by_the_right_roles() {
    let (pool, base, http) = seeded_server().await;
    let (seat, boss, hrss, admin) = (
        login(&http, &base, "seat1").await,
        login(&http, &base, "super1").await,
        login(&http, &base, "hrss1").await,
        login(&http, &base, "admin1").await,
    );
    let kb = format!("{base}/api/v1/kb");
    let v1 = json!({"title": "社保卡补办流程", "body": "携带身份证到任一社保网点办理，当场制卡。", "category": "social_security", "level": 1, "tags": ["社保卡", "补办"]});

    for s in [&hrss, &admin] {
        let (status, e) = call(&http, s, "POST", kb.clone(), v1.clone()).await;
        assert_eq!(
            (status, e["code"].as_str()),
            (403, Some("kb.not_permitted")),
            "{e}"
        );
    }
    let (status, e) = call(
        &http,
        &seat,
        "POST",
        kb.clone(),
        json!({"title": " ", "body": "x", "level": 1}),
    )
    .await;
    assert_eq!((status, e["code"].as_str()), (422, Some("kb.invalid")));
    let (status, a) = call(&http, &seat, "POST", kb.clone(), v1.clone()).await;
    assert_eq!(status, 200, "{a}");
    let id = a["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            a["status"].as_str(),
            a["latest_version"].as_i64(),
            a["published_version"].as_i64()
        ),
        (Some("draft"), Some(1), None)
    );

    // Submitted by the seat; only a supervisor decides, and a rejection says why.
    assert_eq!(
        call(&http, &seat, "POST", format!("{kb}/{id}/submit"), json!({}))
            .await
            .1["status"],
        "pending"
    );
    let (status, e) = call(
        &http,
        &seat,
        "POST",
        format!("{kb}/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (403, Some("kb.not_permitted"))
    );
    let (status, e) = call(
        &http,
        &boss,
        "POST",
        format!("{kb}/{id}/reject"),
        json!({"reason": " "}),
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (422, Some("kb.reason_required"))
    );
    assert_eq!(
        call(
            &http,
            &boss,
            "POST",
            format!("{kb}/{id}/reject"),
            json!({"reason": "请补充异地补办的办法"})
        )
        .await
        .1["status"],
        "draft"
    );
    let (status, e) = call(
        &http,
        &boss,
        "POST",
        format!("{kb}/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (422, Some("kb.status")),
        "a draft is not approved before it is submitted"
    );
    let v2 = json!({"title": "社保卡补办流程", "body": "携带身份证到任一社保网点办理，当场制卡；异地参保人可在粤省事申请邮寄。", "category": "social_security", "level": 1});
    assert_eq!(
        call(&http, &seat, "POST", format!("{kb}/{id}/versions"), v2)
            .await
            .1["latest_version"],
        2
    );
    call(&http, &seat, "POST", format!("{kb}/{id}/submit"), json!({})).await;
    let (_, a) = call(
        &http,
        &boss,
        "POST",
        format!("{kb}/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(
        (a["status"].as_str(), a["published_version"].as_i64()),
        (Some("published"), Some(2))
    );

    // A new draft does not change what seats answer from until it is approved.
    let v3 = json!({"title": "社保卡补办流程（修订中）", "body": "草稿", "category": "social_security", "level": 2});
    call(&http, &seat, "POST", format!("{kb}/{id}/versions"), v3).await;
    let (_, published) = call(&http, &seat, "GET", format!("{kb}/published"), Value::Null).await;
    let mine = published
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id.as_str())
        .unwrap();
    assert_eq!(mine["version"], 2);
    assert!(mine["text"]["body"].as_str().unwrap().contains("邮寄"));
    let (_, page) = call(&http, &boss, "GET", format!("{kb}/{id}"), Value::Null).await;
    assert_eq!(
        page["versions"].as_array().unwrap().len(),
        3,
        "every version kept"
    );
    let actions: Vec<&str> = page["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["submit", "reject", "submit", "approve"]);
    assert_eq!(page["reviews"][1]["reason"], "请补充异地补办的办法");

    // Citations: an on-the-spot answer that names the article.
    let c = seat.new_case(
        1,
        chrono::Utc::now(),
        "consultation",
        "platform_usage",
        "社保卡怎么补办",
    );
    let answer = seat.event(
        c.case,
        chrono::Utc::now(),
        EventBody::AnsweredOnSpot {
            answer: "按知识库答复".into(),
            article: Some(id.clone()),
        },
    );
    assert!(seat
        .push(&http, &base, 1, &[c, answer])
        .await
        .status()
        .is_success());
    let (_, list) = call(
        &http,
        &boss,
        "GET",
        format!("{kb}?status=draft"),
        Value::Null,
    )
    .await;
    assert_eq!(list[0]["citations"], 1, "{list}");

    // Withdrawn with a reason: seats are told to drop it.
    let (status, _) = call(&http, &boss, "POST", format!("{kb}/{id}/retire"), json!({})).await;
    assert_eq!(status, 422, "a draft is not retired");
    call(&http, &seat, "POST", format!("{kb}/{id}/submit"), json!({})).await;
    call(
        &http,
        &boss,
        "POST",
        format!("{kb}/{id}/approve"),
        json!({}),
    )
    .await;
    let (status, e) = call(&http, &boss, "POST", format!("{kb}/{id}/retire"), json!({})).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (422, Some("kb.reason_required"))
    );
    assert_eq!(
        call(
            &http,
            &boss,
            "POST",
            format!("{kb}/{id}/retire"),
            json!({"reason": "政策调整"})
        )
        .await
        .1["status"],
        "retired"
    );
    let (_, published) = call(&http, &seat, "GET", format!("{kb}/published"), Value::Null).await;
    assert!(published
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == id.as_str() && p["text"].is_null()));
    // Before: writing a new version of a retired article sent its retired text back to every
    // seat. It stays withdrawn until a new version is approved.
    let v4 = json!({"title": "社保卡补办流程（新政策）", "body": "新政策草稿", "category": "social_security", "level": 1});
    call(&http, &seat, "POST", format!("{kb}/{id}/versions"), v4).await;
    let (_, published) = call(&http, &seat, "GET", format!("{kb}/published"), Value::Null).await;
    let offered: Vec<&Value> = published
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["id"] == id.as_str())
        .collect();
    assert!(
        offered.iter().all(|p| p["text"].is_null()),
        "a retired article returned: {offered:?}"
    );

    // Import (published as they are) and export (every version and review).
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/demo/knowledge.json"
    ))
    .unwrap();
    let n = hotline_server::knowledge::import(&pool, "admin1", &demo, chrono::Utc::now())
        .await
        .unwrap();
    assert!(n >= 10, "{n}");
    let bad = hotline_server::knowledge::import(
        &pool,
        "admin1",
        r#"{"articles": [{"id": "X", "title": "", "body": "b"}]}"#,
        chrono::Utc::now(),
    )
    .await;
    assert!(bad.is_err());
    let all = hotline_server::knowledge::export(&pool).await.unwrap();
    assert_eq!(
        all.articles.len(),
        n + 1,
        "nothing of a refused import was kept"
    );
    let exported = all.articles.iter().find(|a| a.id == id).unwrap();
    assert_eq!((exported.versions.len(), exported.reviews.len()), (4, 7));
}
