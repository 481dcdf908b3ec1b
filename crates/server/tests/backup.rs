//! Backups: a full dump and an incremental, restored into a fresh database, give back the same
//! cases, events and clocks; the restored server carries on, and seats learn to pull again.

mod support;

use chrono::Duration;
use hotline_domain::case::{BureauCode, EventBody};
use hotline_server::backup;
use sqlx::PgPool;
use support::*;

/// Everything a restore must bring back, in a comparable form.
async fn contents(pool: &PgPool) -> Vec<Vec<String>> {
    let q = |sql: &'static str| async move {
        sqlx::query_scalar::<_, String>(sql)
            .fetch_all(pool)
            .await
            .unwrap()
    };
    vec![
        // The log in pull order (positions are renumbered by a restore; the order is not).
        q("SELECT id::text || ' ' || case_id::text || ' ' || device_id || ' ' || device_seq || ' ' || body::text FROM events ORDER BY tx_id, pos").await,
        q("SELECT id::text || status || coalesce(next_due::text, '-') || state::text || channel || coalesce(bureau, '-') || on_spot::text FROM cases ORDER BY id").await,
        q("SELECT case_id::text || clock || bureau || run || coalesce(due_at::text, '-') || coalesce(stopped_at::text, '-') || met::text FROM clock_runs ORDER BY 1").await,
        q("SELECT case_id::text || seq || satisfaction || at::text FROM callbacks ORDER BY 1").await,
        q("SELECT case_id::text || bureau || status FROM case_bureaus ORDER BY 1").await,
        q("SELECT name || role || coalesce(bureau, '-') || password_hash FROM users ORDER BY id").await,
        q("SELECT device_id || last_seq FROM devices ORDER BY 1").await,
        q("SELECT action || target || detail::text FROM audit ORDER BY id").await,
    ]
}

#[tokio::test]
async fn a_restored_backup_has_the_same_cases_events_and_clocks_and_carries_on() {
    let (pool, url) = database().await;
    seed(&pool).await;
    let now = at("2026-11-26T08:00:00Z");
    hotline_server::demo::seed(&pool, 400, now, &calendar(), &mut |_| {})
        .await
        .unwrap();
    let base = serve(&pool, TestClock::at("2026-11-26T08:00:00Z")).await;
    let http = reqwest::Client::new();
    let seat = login(&http, &base, "seat1").await;
    let first = seat.new_case(1, now, "complaint", "labour", "公司拖欠工资");
    let case = first.case;
    assert!(seat
        .push(&http, &base, 1, &[first])
        .await
        .status()
        .is_success());
    let dir = tempfile::tempdir().unwrap();
    // Encrypted to the operator's key (seed 003 §8.2.6); the secret half stays elsewhere.
    let keys_dir = tempfile::tempdir().unwrap();
    let (secret, public) = backup::new_key_pair("test");
    let key_file = keys_dir.path().join("operator.key");
    std::fs::write(&key_file, secret).unwrap();
    let sealing = backup::Sealing::recipients(&public).unwrap();
    let keys = backup::Unsealing::identity_file(&key_file).unwrap();
    let full = backup::full(&pool, &url, dir.path(), now, &sealing)
        .await
        .unwrap();
    assert!(full.events > 400);

    // The day goes on: a dispatch, a bureau signs, a new bureau and user, another case.
    let dispatch = seat.event(
        case,
        now + Duration::minutes(5),
        EventBody::Dispatched {
            bureau: BureauCode::from("HRSS"),
            note: String::new(),
        },
    );
    let second = seat.new_case(
        2,
        now + Duration::minutes(6),
        "consultation",
        "social_security",
        "医保报销",
    );
    assert!(seat
        .push(&http, &base, 2, &[dispatch, second])
        .await
        .status()
        .is_success());
    let hrss = login(&http, &base, "hrss1").await;
    assert!(hrss
        .push(
            &http,
            &base,
            1,
            &[hrss.event(
                case,
                now + Duration::minutes(30),
                EventBody::SignedFor {
                    bureau: BureauCode::from("HRSS")
                }
            )]
        )
        .await
        .status()
        .is_success());
    hotline_server::admin::import_bureaus(
        &pool,
        "code,name,parent,district,phone\nTAX,市税务局,,,12366\n",
        now,
    )
    .await
    .unwrap();
    let incr = backup::incremental(&pool, dir.path(), now + Duration::hours(24), &sealing)
        .await
        .unwrap();
    assert_eq!(incr.events, 3, "{incr:?}");
    let again = backup::incremental(&pool, dir.path(), now + Duration::hours(48), &sealing)
        .await
        .unwrap();
    assert_eq!(again.events, 0, "nothing new since the last backup");
    // Backups hold every caller's number: only the operator's account reads them.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(dir.path()), 0o700);
        for f in [&full.file, &incr.file, &"manifest.json".to_owned()] {
            assert_eq!(mode(&dir.path().join(f)), 0o600, "{f}");
        }
    }

    // Every file is age-encrypted: without the operator's secret key, or with another key, a
    // restore is refused before it writes anything.
    for f in [&full.file, &incr.file, &again.file] {
        let head = std::fs::read(dir.path().join(f)).unwrap();
        assert!(
            head.starts_with(b"age-encryption.org/v1\n"),
            "{f} is encrypted"
        );
    }
    let (restored, restored_url) = empty_database().await;
    let refused = |keys: backup::Unsealing| {
        let (restored, restored_url, dir) = (&restored, &restored_url, dir.path());
        async move {
            backup::restore(restored, restored_url, dir, &keys)
                .await
                .unwrap_err()
                .code()
        }
    };
    assert_eq!(refused(backup::Unsealing::none()).await, "backup.no_key");
    let other = keys_dir.path().join("other.key");
    std::fs::write(&other, backup::new_key_pair("other").0).unwrap();
    let other = backup::Unsealing::identity_file(&other).unwrap();
    assert_eq!(refused(other).await, "backup.wrong_key");
    let tables: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .fetch_one(&restored)
            .await
            .unwrap();
    assert_eq!(tables, 0, "a refused restore wrote nothing");
    let r = backup::restore(&restored, &restored_url, dir.path(), &keys)
        .await
        .unwrap();
    assert_eq!(r.incrementals, 2);
    assert_eq!(contents(&restored).await, contents(&pool).await);
    let (old_epoch, new_epoch): (String, String) = (
        sqlx::query_scalar("SELECT epoch::text FROM instance")
            .fetch_one(&pool)
            .await
            .unwrap(),
        sqlx::query_scalar("SELECT epoch::text FROM instance")
            .fetch_one(&restored)
            .await
            .unwrap(),
    );
    assert_ne!(old_epoch, new_epoch);

    // The restored server carries on: the seat's session came back; a new event follows the
    // restored ones in pull order, and a pull names the new epoch.
    let base2 = serve(&restored, TestClock::at("2026-11-26T12:00:00Z")).await;
    let reply = seat.event(
        case,
        now + Duration::hours(3),
        EventBody::ProgressFedBack {
            bureau: None,
            note: "已催促承办单位".into(),
        },
    );
    let pushed = seat
        .push(&http, &base2, 4, std::slice::from_ref(&reply))
        .await;
    assert!(
        pushed.status().is_success(),
        "{}",
        pushed.text().await.unwrap()
    );
    let page = seat.pull(&http, &base2, "").await;
    assert_eq!(page["epoch"].as_str(), Some(new_epoch.as_str()));
    let mut after = String::new();
    let mut last_id = String::new();
    let mut total = 0;
    loop {
        let page = seat.pull(&http, &base2, &after).await;
        let events = page["events"].as_array().unwrap();
        total += events.len();
        if let Some(e) = events.last() {
            last_id = e["event"]["id"].as_str().unwrap().to_owned();
        }
        after = page["next"].as_str().unwrap().to_owned();
        // Held: committed behind a transaction still running elsewhere in the cluster.
        if page["held"].as_bool() == Some(true) {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        }
        if !page["more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(
        last_id,
        reply.id.0.to_string(),
        "the new event comes after every restored one"
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&restored)
        .await
        .unwrap();
    assert_eq!(total as i64, stored);

    // A damaged file is refused by name, and a database with tables is never overwritten.
    let (empty, empty_url) = empty_database().await;
    std::fs::write(dir.path().join(&incr.file), b"damaged").unwrap();
    let e = backup::restore(&empty, &empty_url, dir.path(), &keys)
        .await
        .unwrap_err();
    assert!(e.to_string().contains(&incr.file), "{e}");
    let e = backup::restore(&restored, &restored_url, dir.path(), &keys)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "backup.manifest");
    let (migrated, migrated_url) = database().await;
    std::fs::remove_file(dir.path().join(&incr.file)).unwrap();
    let mut m = backup::Manifest::load(dir.path()).unwrap();
    m.backups.retain(|b| b.file != incr.file);
    std::fs::write(
        dir.path().join("manifest.json"),
        serde_json::to_vec(&m).unwrap(),
    )
    .unwrap();
    assert_eq!(
        backup::restore(&migrated, &migrated_url, dir.path(), &keys)
            .await
            .unwrap_err()
            .code(),
        "restore.not_empty"
    );

    // Retention: a full backup two years on; three years after that, the chain before it goes
    // (nothing within three years needs it) and the chain from it stays.
    let later = now + Duration::days(2 * 365);
    let newer = backup::full(&pool, &url, dir.path(), later, &sealing)
        .await
        .unwrap();
    assert!(
        backup::prune(dir.path(), later + Duration::days(365), 3)
            .unwrap()
            .is_empty(),
        "within three years nothing goes"
    );
    let removed = backup::prune(dir.path(), later + Duration::days(3 * 365 + 2), 3).unwrap();
    assert_eq!(removed, [full.file.clone(), again.file.clone()]);
    let left: Vec<String> = backup::Manifest::load(dir.path())
        .unwrap()
        .backups
        .into_iter()
        .map(|b| b.file)
        .collect();
    assert_eq!(left, std::slice::from_ref(&newer.file));
    assert!(!dir.path().join(&full.file).exists() && dir.path().join(&newer.file).exists());
}
