//! The desk's TypeScript types are generated from the Rust types its commands return and take,
//! into `ui/src/generated/types.ts`; this test fails when that file is stale. To regenerate:
//! `UPDATE_UI_TYPES=1 cargo test -p hotline-client --test ui_types`.
//!
//! ts-rs rather than tauri-specta: the types live in the domain and client crates, which know
//! nothing of Tauri (the domain does no I/O and the CLI shares the client), and ts-rs derives from
//! the serde attributes those types already carry; tauri-specta would tie the types to the shell's
//! command signatures and to a Tauri release of its own.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ts_rs::{Config, TypeVisitor, TS};

/// Every type reachable from `T`, declared once, by name (so the file's order is stable).
struct Declarations<'a> {
    cfg: &'a Config,
    found: BTreeMap<String, String>,
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only types with a declaration of their own (derived ones) have an output path;
        // strings, numbers, dates and containers are inlined by ts-rs.
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident(self.cfg);
        if self.found.contains_key(&name) {
            return;
        }
        self.found.insert(name, T::decl(self.cfg));
        T::visit_dependencies(self);
    }
}

fn generate() -> String {
    use hotline_client::calendar_view::{DueView, YearView};
    use hotline_client::store::{
        CallbackRow, CaseRow, Dashboard, DecisionRow, Draft, DueAlert, Figure, QueuePage,
        QueueQuery, RouteSuggestion, SetAside,
    };
    use hotline_client::workbench::{
        CallerLookup, CaseDetail, DeskStatus, FormOptions, IntakeForm, PolicyView,
    };
    use hotline_client::ErrorPayload;
    use hotline_domain::knowledge::{ArticleText, KbAction};
    use hotline_domain::roster::RosterDay;
    use hotline_domain::sla::Light;
    use hotline_domain::wire::{DeviceClock, NoticeOutcome, PolicyOutcome};

    // Large integers are counts and unix seconds well inside a double: `number`, as serde_json
    // writes them.
    let cfg = Config::new().with_large_int("number");
    let mut d = Declarations {
        cfg: &cfg,
        found: BTreeMap::new(),
    };
    d.visit::<ErrorPayload>();
    d.visit::<YearView>();
    d.visit::<DueView>();
    d.visit::<QueueQuery>();
    d.visit::<QueuePage>();
    d.visit::<CaseRow>();
    d.visit::<CaseDetail>();
    d.visit::<IntakeForm>();
    d.visit::<CallerLookup>();
    d.visit::<hotline_client::store::Article>();
    d.visit::<RouteSuggestion>();
    d.visit::<Draft>();
    d.visit::<DeskStatus>();
    d.visit::<hotline_client::workbench::Logout>();
    d.visit::<hotline_client::sync::Found>();
    d.visit::<SetAside>();
    d.visit::<DueAlert>();
    d.visit::<FormOptions>();
    d.visit::<PolicyView>();
    d.visit::<PolicyOutcome>();
    d.visit::<NoticeOutcome>();
    d.visit::<Dashboard>();
    d.visit::<Figure>();
    d.visit::<DecisionRow>();
    d.visit::<CallbackRow>();
    d.visit::<DeviceClock>();
    d.visit::<RosterDay>();
    d.visit::<hotline_client::workbench::ArticleOnDesk>();
    d.visit::<hotline_client::workbench::MaintenanceBanner>();
    d.visit::<hotline_domain::maintenance::MaintenanceDraft>();
    d.visit::<ArticleText>();
    d.visit::<KbAction>();
    d.visit::<Light>();
    d.visit::<hotline_domain::quality::QualityReview>();
    d.visit::<hotline_domain::case::assessment::Assessment>();
    let mut out = String::from(
        "// Generated from the Rust types by crates/client/tests/ui_types.rs: do not edit.\n\
         // Regenerate: UPDATE_UI_TYPES=1 cargo test -p hotline-client --test ui_types\n",
    );
    for decl in d.found.values() {
        out.push_str("\nexport ");
        out.push_str(decl.trim());
        out.push('\n');
    }
    out
}

#[test]
fn the_uis_types_are_generated_from_the_rust_types_and_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated/types.ts");
    let fresh = generate();
    if std::env::var_os("UPDATE_UI_TYPES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "{} is stale: a Rust type the desk uses changed. Regenerate it with \
         UPDATE_UI_TYPES=1 cargo test -p hotline-client --test ui_types",
        path.display()
    );
}
