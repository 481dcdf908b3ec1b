//! The centre's policy document: read whole or refused whole, with a clear error; versions in
//! force by receipt; the changes a new version makes.

use chrono::{DateTime, Utc};
use hotline_domain::case::Domain;
use hotline_domain::centre::{CentrePolicy, PolicyHistory, PolicyVersion};
use hotline_domain::sla::SlaAmount;

fn default_json() -> serde_json::Value {
    serde_json::to_value(CentrePolicy::default()).unwrap()
}

/// The default document with one edit made to its JSON.
fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v = default_json();
    edit(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

fn rule_index(v: &serde_json::Value, kind: &str, domain: &str, key: &str) -> usize {
    v["deadlines"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| {
            r["clock"]["key"] == key
                && r["when"]["kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k == kind)
                && r["when"]["domain"] == domain
        })
        .expect("the rule exists")
}

#[test]
fn the_default_document_round_trips_and_validates() {
    let text = serde_json::to_string_pretty(&CentrePolicy::default()).unwrap();
    assert_eq!(CentrePolicy::parse(&text).unwrap(), CentrePolicy::default());
}

#[test]
fn bad_documents_are_refused_with_a_code_and_where() {
    let unknown_unit =
        edited(|v| v["deadlines"]["rules"][0]["clock"]["amount"]["unit"] = "hours".into());
    let e = CentrePolicy::parse(&unknown_unit).unwrap_err();
    assert_eq!(e.code(), "policy.unreadable");
    assert!(
        e.to_string().contains("unknown variant `hours`") && e.to_string().contains("行"),
        "{e}"
    );

    let negative = edited(|v| v["deadlines"]["rules"][0]["clock"]["amount"]["value"] = (-3).into());
    let e = CentrePolicy::parse(&negative).unwrap_err();
    assert_eq!(e.code(), "policy.unreadable");
    assert!(e.to_string().contains("-3"), "{e}");

    let no_stop = edited(|v| v["deadlines"]["rules"][2]["clock"]["stop"] = serde_json::json!([]));
    let e = CentrePolicy::parse(&no_stop).unwrap_err();
    assert_eq!(e.code(), "policy.rule");
    assert!(
        e.to_string().contains("rule 3") && e.to_string().contains("停止条件"),
        "{e}"
    );

    let zero = edited(|v| v["deadlines"]["rules"][0]["clock"]["amount"]["value"] = 0.into());
    assert_eq!(
        CentrePolicy::parse(&zero).unwrap_err().code(),
        "policy.rule"
    );

    let huge = edited(|v| {
        v["deadlines"]["rules"][0]["clock"]["amount"] =
            serde_json::json!({"unit":"working_days","value":900})
    });
    assert_eq!(
        CentrePolicy::parse(&huge).unwrap_err().code(),
        "policy.rule"
    );

    let unknown_kind =
        edited(|v| v["deadlines"]["rules"][0]["when"]["kinds"] = serde_json::json!(["petition"]));
    let e = CentrePolicy::parse(&unknown_kind).unwrap_err();
    assert_eq!(e.code(), "policy.unknown_reference");
    assert!(e.to_string().contains("petition"), "{e}");

    let typo = edited(|v| v["deadline"] = v["deadlines"].clone());
    assert_eq!(
        CentrePolicy::parse(&typo).unwrap_err().code(),
        "policy.unreadable"
    );

    let calendar = r#"{"format":"hotline-calendar/1","years":[]}"#;
    assert!(CentrePolicy::parse(calendar).is_err());

    let percent = edited(|v| v["alerts"]["at_risk_percent"] = 150.into());
    assert_eq!(
        CentrePolicy::parse(&percent).unwrap_err().code(),
        "policy.settings"
    );

    let hours = edited(|v| {
        v["counting"]["business_hours"]["periods"] = serde_json::json!([["12:00:00", "08:00:00"]])
    });
    assert_eq!(
        CentrePolicy::parse(&hours).unwrap_err().code(),
        "policy.unreadable"
    );
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Business consultations answered in 3 working days instead of 5 (001 §5.2 lets a regulation
/// set its own limit).
fn three_days() -> CentrePolicy {
    let text = edited(|v| {
        let i = rule_index(v, "consultation", "business", "reply");
        v["deadlines"]["rules"][i]["clock"]["amount"]["value"] = 3.into();
    });
    CentrePolicy::parse(&text).unwrap()
}

#[test]
fn a_case_runs_the_clocks_of_the_version_in_force_at_its_receipt() {
    let mut history = PolicyHistory::default();
    history.versions.push(PolicyVersion {
        version: 1,
        in_force_from: at("2026-12-01T00:00:00Z"),
        changed_by: "admin".into(),
        reason: "local regulation".into(),
        policy: three_days(),
    });
    history.check().unwrap();
    let reply = |when: &str| {
        history
            .in_force(at(when))
            .policy
            .clocks_for("consultation", Domain::Business, "housing", None)
            .into_iter()
            .find(|c| c.key == "reply")
            .unwrap()
            .amount
    };
    assert_eq!(reply("2026-11-30T23:59:59Z"), SlaAmount::WorkingDays(5));
    assert_eq!(reply("2026-12-01T00:00:00Z"), SlaAmount::WorkingDays(3));
    assert_eq!(history.current().version, 1);

    let mut disordered = history.clone();
    disordered.versions[1].version = 5;
    assert_eq!(disordered.check().unwrap_err().code(), "policy.history");
}

#[test]
fn the_changes_name_the_kind_the_clock_and_the_categories() {
    let changes = CentrePolicy::default().changes_to(&three_days());
    // The rule covers consultations, help requests and suggestions alike (001 §5.2).
    let kinds: Vec<&str> = changes.clocks.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["consultation", "help", "suggestion"],
        "{changes:#?}"
    );
    let c = &changes.clocks[0];
    assert_eq!((c.kind.as_str(), c.key.as_str()), ("consultation", "reply"));
    assert_eq!(c.before.as_ref().unwrap().amount, SlaAmount::WorkingDays(5));
    assert_eq!(c.after.as_ref().unwrap().amount, SlaAmount::WorkingDays(3));
    assert!(
        c.applies_to.contains(&"住房公积金".to_string()),
        "{:?}",
        c.applies_to
    );
    assert!(
        !c.applies_to.contains(&"账号登录".to_string()),
        "technical ones keep 2 days"
    );
    assert!(!changes.counting_changed && !changes.alerts_changed);
    assert!(CentrePolicy::default()
        .changes_to(&CentrePolicy::default())
        .is_empty());
}

#[test]
fn the_document_holds_the_policy_and_the_calendar_years_and_refuses_a_stray_field() {
    use hotline_domain::centre::CentreDocument;
    let shipped = hotline_domain::calendar::shipped();
    let doc = CentreDocument::of(&CentrePolicy::default(), &shipped);
    assert_eq!(CentreDocument::parse(&doc.to_json()).unwrap(), doc);
    assert!(doc.changed_years(&shipped).is_empty());
    let plain = serde_json::to_string(&CentrePolicy::default()).unwrap();
    assert!(CentreDocument::parse(&plain).unwrap().calendar.is_empty());
    let stray = doc.to_json().replacen("\"calendar\"", "\"calendars\"", 1);
    assert_eq!(
        CentreDocument::parse(&stray).unwrap_err().code(),
        "policy.unreadable"
    );
}
