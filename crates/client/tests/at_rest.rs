//! What a seat leaves on its disk: the store encrypted with a key kept in the OS credential
//! store (here the kernel keyring of the test run's session: `scripts/test` gives it one), no
//! backup once a migration succeeded, a plain store of an earlier build encrypted on opening, a
//! lost key costing a clean store rather than a crash, and nothing of one user for the next.

use std::path::Path;

use chrono::{DateTime, Utc};
use hotline_client::store::{LocalStore, NewCase};
use hotline_client::{CalendarStore, DataDir};
use hotline_domain::case::Channel;
use hotline_domain::sla::{SlaCalendar, SlaSettings};

const PHONE: &str = "13500135000";

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn at() -> DateTime<Utc> {
    t("2026-12-07T10:00:00+08:00")
}

async fn store_with_a_case(dir: &Path) -> LocalStore {
    let store = LocalStore::open(&DataDir::resolve(Some(dir.to_owned())), at())
        .await
        .unwrap();
    store
        .new_case(
            NewCase {
                kind: "complaint".into(),
                category: "market_regulation".into(),
                phone: PHONE.into(),
                name: Some("王小明".into()),
                id_number: None,
                channel: Channel::Phone,
                district: "天河区".into(),
                address: "天河路1号".into(),
                description: "商家拒绝退款".into(),
                level: None,
            },
            &SlaCalendar::new(CalendarStore::shipped(), SlaSettings::default()),
            at(),
        )
        .await
        .unwrap();
    store
}

async fn reopen(dir: &Path) -> LocalStore {
    LocalStore::open(&DataDir::resolve(Some(dir.to_owned())), at())
        .await
        .unwrap()
}

async fn cases(store: &LocalStore) -> usize {
    store
        .support_query("SELECT id FROM cases", false)
        .await
        .unwrap()
        .len()
}

/// Every file of `dir` (not below it), with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn holds(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

fn is_plain(bytes: &[u8]) -> bool {
    bytes.starts_with(b"SQLite format 3\0")
}

#[tokio::test]
async fn the_store_and_its_backups_are_encrypted_and_no_file_beside_them_reads() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_a_case(dir.path()).await;
    // A backup as the store writes one before a migration (VACUUM INTO): SQLCipher encrypts it
    // with the store's key.
    let backup = dir.path().join("copy-of-store.db");
    sqlx::query("VACUUM INTO ?")
        .bind(backup.to_string_lossy().into_owned())
        .execute(store.pool())
        .await
        .unwrap();
    store.pool().close().await;

    let on_disk = files(dir.path());
    assert!(on_disk.iter().any(|(n, _)| n == "hotline.db"));
    assert!(on_disk.iter().any(|(n, _)| n == "copy-of-store.db"));
    for (name, bytes) in &on_disk {
        assert!(!is_plain(bytes), "{name} is a plain SQLite file");
        assert!(
            !holds(bytes, PHONE.as_bytes()),
            "{name} holds the caller's phone"
        );
        assert!(
            !holds(bytes, "商家拒绝退款".as_bytes()),
            "{name} holds the caller's words"
        );
    }
    // SQLite without the key does not read it.
    let plain = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        dir.path().join("hotline.db").display()
    ))
    .await
    .unwrap();
    let read = sqlx::query("SELECT count(*) FROM cases")
        .fetch_one(&plain)
        .await;
    assert!(read.is_err(), "a plain reader read the store");

    // With its key (from the credential store) it opens as before.
    assert_eq!(cases(&reopen(dir.path()).await).await, 1);
}

#[tokio::test]
async fn a_plain_store_of_an_earlier_build_is_encrypted_on_opening_and_its_backups_go() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_a_case(dir.path()).await;
    // Make the store an earlier build left: the same tables, unencrypted, with a plain backup.
    let plain = dir.path().join("plain.db");
    // One statement list: the three must run on one connection.
    let export = format!(
        "ATTACH DATABASE '{}' AS plain KEY ''; SELECT sqlcipher_export('plain'); DETACH DATABASE plain;",
        plain.to_string_lossy()
    );
    store.support_query(&export, true).await.unwrap();
    store.pool().close().await;
    for name in ["hotline.db", "hotline.db-wal", "hotline.db-shm", "store.id"] {
        let _ = std::fs::remove_file(dir.path().join(name));
    }
    std::fs::rename(&plain, dir.path().join("hotline.db")).unwrap();
    let old_backup = dir.path().join("hotline.db.bak-7-20261201090000");
    std::fs::copy(dir.path().join("hotline.db"), &old_backup).unwrap();
    assert!(is_plain(
        &std::fs::read(dir.path().join("hotline.db")).unwrap()
    ));

    let store = reopen(dir.path()).await;
    assert_eq!(cases(&store).await, 1, "the earlier build's case stays");
    assert_eq!(
        store
            .support_query("PRAGMA auto_vacuum", false)
            .await
            .unwrap(),
        [["2"]],
        "encrypted with incremental auto-vacuum"
    );
    store.pool().close().await;
    assert!(!old_backup.exists(), "the plain backup is removed");
    for (name, bytes) in files(dir.path()) {
        assert!(!is_plain(&bytes), "{name} is still plain");
        assert!(!holds(&bytes, PHONE.as_bytes()), "{name} holds the phone");
    }
}

#[tokio::test]
async fn a_lost_key_or_a_store_it_does_not_open_costs_a_clean_store_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_a_case(dir.path()).await;
    let device = store.identity().device_id.clone();
    store.pool().close().await;

    // The key is gone (another Windows profile, a wiped keyring): the id names no key.
    std::fs::write(
        dir.path().join("store.id"),
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap();
    let store = reopen(dir.path()).await;
    assert_eq!(cases(&store).await, 0, "a new, empty store");
    assert_ne!(
        store.identity().device_id,
        device,
        "a new device: it syncs afresh"
    );
    store.pool().close().await;

    // Another store's file copied in: its key is not this folder's.
    let other = tempfile::tempdir().unwrap();
    store_with_a_case(other.path()).await.pool().close().await;
    for name in ["hotline.db-wal", "hotline.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(name));
    }
    std::fs::copy(
        other.path().join("hotline.db"),
        dir.path().join("hotline.db"),
    )
    .unwrap();
    let store = reopen(dir.path()).await;
    assert_eq!(cases(&store).await, 0);
    // And it works: a case is taken and kept.
    store.pool().close().await;
    let store = store_with_a_case(dir.path()).await;
    store.pool().close().await;
    assert_eq!(cases(&reopen(dir.path()).await).await, 1);
}

#[tokio::test]
async fn another_user_on_the_desk_finds_nothing_of_the_last_one_once_their_work_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with_a_case(dir.path()).await;
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::write(reports.join("case-260101-A001-0001.pdf"), b"%PDF").unwrap();
    let device = store.identity().device_id.clone();

    // The case is not on the server yet: refused, nothing removed.
    let refused = store.hand_to_another_user(at()).await.unwrap_err();
    assert_eq!(refused.code(), "local.outbox_not_empty");
    assert_eq!(cases(&store).await, 1);
    // Sent (the server acknowledged it) but a draft is left: refused too.
    store.acknowledge(i64::MAX).await.unwrap();
    store
        .save_draft("intake", &serde_json::json!({"phone": PHONE}), at())
        .await
        .unwrap();
    assert_eq!(store.unfinished().await.unwrap().drafts, 1);
    assert!(store.hand_to_another_user(at()).await.is_err());
    store.discard_draft("intake").await.unwrap();

    let removed = store.hand_to_another_user(at()).await.unwrap();
    assert_eq!((removed.cases, removed.unsent), (1, 0));
    assert_ne!(store.identity().device_id, device);
    assert_eq!(cases(&store).await, 0);
    assert!(
        !reports.exists(),
        "downloaded case records go with the cases"
    );
    store.pool().close().await;
    for (name, bytes) in files(dir.path()) {
        assert!(!holds(&bytes, PHONE.as_bytes()), "{name} holds the phone");
    }
    // Nothing of the case in the reopened store either (events, search, clocks).
    let store = reopen(dir.path()).await;
    for table in ["events", "cases", "clock_runs", "case_states", "outbox"] {
        let rows = store
            .support_query(&format!("SELECT count(*) FROM {table}"), false)
            .await
            .unwrap();
        assert_eq!(rows, vec![vec!["0".to_owned()]], "{table}");
    }
}
