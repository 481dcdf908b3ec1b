//! The figures of a day's, week's or month's report, computed on the server over all cases from
//! the report facts (migrations/postgres/0002_report_facts.sql) in four grouped scans run at once.
//!
//! Definitions (each figure counts an event in the period it happened in):
//! - received: cases received in the period; on the spot: of those, answered at once;
//! - replied / closed: cases first replied to / closed in the period, with the mean time from
//!   receipt;
//! - on time: clock runs decided in the period — met when stopped in time, breached when the due
//!   passed first (at the due); a run not yet due is not counted; rate = met / decided; runs
//!   decided against a provisional due (no notice for its year yet) are counted apart too;
//! - satisfaction: callbacks made in the period; rate = (satisfied + basically satisfied) / all.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::case::assessment::BureauFigures;
use hotline_domain::case::{Channel, KindCatalog};
use serde::Serialize;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

use super::period::Period;

/// The centre's own clocks (dispatch, operator replies) are reported under this bureau code.
pub const CENTRE: &str = "";

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OnTime {
    pub decided: i64,
    pub met: i64,
    /// Of the decided runs, those decided against a provisional due (暂定: its year has no
    /// State Council notice imported yet); the figure may change when the notice arrives.
    pub provisional: i64,
}

impl OnTime {
    pub fn breached(&self) -> i64 {
        self.decided - self.met
    }

    pub fn rate(&self) -> Option<f64> {
        hotline_domain::case::facts::on_time_rate(self.decided, self.met)
    }
}

/// Callbacks by satisfaction: the domain's counts, as the dashboard keeps them.
pub use hotline_domain::case::facts::SatisfactionCounts as Satisfaction;

/// Count and mean duration (hours) of cases that reached a step in the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reached {
    pub count: i64,
    pub mean_hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindRow {
    pub kind: String,
    pub label: String,
    pub received: i64,
    pub on_spot: i64,
    pub replied: Reached,
    pub closed: Reached,
    pub on_time: OnTime,
    pub satisfaction: Satisfaction,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BureauRow {
    /// [`CENTRE`] for the hotline centre itself.
    pub bureau: String,
    pub name: String,
    /// Cases received in the period that went to this bureau.
    pub received: i64,
    pub on_time: OnTime,
    pub satisfaction: Satisfaction,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    pub code: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub period: Period,
    pub title: String,
    /// The bureau whose own report this is (its cases only); None: the whole centre's.
    pub bureau: Option<String>,
    pub generated_at: DateTime<Utc>,
    pub received: i64,
    pub on_spot: i64,
    pub replied: Reached,
    pub closed: Reached,
    pub on_time: OnTime,
    pub satisfaction: Satisfaction,
    pub by_kind: Vec<KindRow>,
    pub by_bureau: Vec<BureauRow>,
    pub by_channel: Vec<Count>,
    /// Cases received per hour of the day (China time), 0–23.
    pub by_hour: Vec<i64>,
    pub by_day: Vec<(NaiveDate, i64)>,
    /// The ten categories most received, most first.
    pub top_categories: Vec<Count>,
    /// Steps dated in the period that reached the server more than a day after their date.
    pub late_entries: LateEntries,
    /// The bureaus ranked (考核), against the period before.
    pub assessment: super::assessment::Assessment,
    /// The seats' quality reviews (质检) of the period's months, best first (the centre's
    /// report only: a bureau's has none).
    pub quality: Vec<hotline_domain::quality::SeatQuality>,
}

/// Steps recorded offline long before they were sent (事后补录): their claimed time (`at`) and
/// the server's (`stored_at`) differ by more than [`LATE_AFTER_HOURS`]. Offline work is allowed;
/// a supervisor sees where it is common and how late it came.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LateEntries {
    pub count: i64,
    /// The latest arrival, in hours after the step's date.
    pub max_hours: f64,
    /// Per bureau (code; the empty code is the centre's own seats), most first.
    pub by_bureau: Vec<Count>,
}

/// Later than this, a step counts as entered late (the partial index of migration 0013).
pub const LATE_AFTER_HOURS: i64 = 24;

/// Computes the report of `period` as of `now` (runs due after `now` are not decided yet).
pub async fn compute(
    pool: &PgPool,
    period: &Period,
    now: DateTime<Utc>,
) -> Result<Report, super::ReportError> {
    compute_for(pool, period, now, None).await
}

/// The report of `period` over the cases of one bureau (its own report: what went to it, its
/// clocks, the callbacks on its replies, its late entries), or of the whole centre (None). The
/// assessment ranking is the centre's either way: a centre publishes it to every bureau.
pub async fn compute_for(
    pool: &PgPool,
    period: &Period,
    now: DateTime<Utc>,
    bureau: Option<&str>,
) -> Result<Report, super::ReportError> {
    // The assessment ranks every bureau, whoever's report this is. The centre's report counts
    // the period's received cases, clock runs and callbacks per bureau in its own scans and
    // takes them from there; a bureau's report scans its own rows only, so they are counted
    // apart. The period before is always counted whole.
    let before = period.previous()?;
    let counted_apart = async {
        match bureau {
            Some(_) => super::assessment::counted(pool, period, now)
                .await
                .map(Some),
            None => Ok(None),
        }
    };
    let (scans, steps, last, apart, policies) = tokio::try_join!(
        scan(pool, period, now, bureau),
        super::assessment::steps(pool, period),
        super::assessment::figures(pool, &before, now),
        counted_apart,
        crate::centre_policy::history(pool),
    )?;
    // Labels of kinds, categories and clocks, and the assessment's weights, as the centre's
    // current policy has them.
    let policy = &policies.current().policy;
    let catalog = &policy.catalog;
    let names = &scans.names;
    let counted = apart.unwrap_or_else(|| scans.bureau_figures());
    let assessment = super::assessment::rank(
        &before,
        super::assessment::merge(counted, steps),
        &last,
        &policy.assessment,
        &policy.deadlines.clock_labels(),
        names,
    );
    let quality = match bureau {
        None => crate::quality::averages(pool, period.first, period.last).await?,
        Some(_) => Vec::new(),
    };
    let r = Report {
        period: period.clone(),
        title: match bureau {
            Some(b) => format!(
                "{}（{}）",
                period.title_zh(),
                names.get(b).map_or(b, String::as_str)
            ),
            None => period.title_zh(),
        },
        bureau: bureau.map(str::to_owned),
        generated_at: now,
        received: 0,
        on_spot: 0,
        replied: Reached::default(),
        closed: Reached::default(),
        on_time: OnTime::default(),
        satisfaction: Satisfaction::default(),
        by_kind: Vec::new(),
        by_bureau: Vec::new(),
        by_channel: Vec::new(),
        by_hour: vec![0; 24],
        by_day: period.days().map(|d| (d, 0)).collect(),
        top_categories: Vec::new(),
        late_entries: late_entries(&scans.late, names),
        assessment,
        quality,
    };
    let mut tally = Tally {
        kinds: catalog
            .kinds
            .iter()
            .map(|k| (k.code.clone(), KindRow::new(&k.code, &k.label)))
            .collect(),
        bureaus: BTreeMap::new(),
        categories: Vec::new(),
        catalog,
        names,
        r,
    };
    tally.received(&scans.received);
    tally.reached(&scans.reached);
    tally.on_time(&scans.on_time);
    tally.callbacks(&scans.callbacks);
    Ok(tally.finish())
}

/// The grouped scans a report is made of, run at once.
struct Scans {
    received: Vec<PgRow>,
    reached: Vec<PgRow>,
    on_time: Vec<PgRow>,
    callbacks: Vec<PgRow>,
    late: Vec<PgRow>,
    names: BTreeMap<String, String>,
}

impl Scans {
    /// The assessment's counted figures per bureau (`assessment::counted`), from the rows of
    /// these scans that group by bureau: received cases, clock runs by clock, callbacks by
    /// satisfaction. Only a centre's report has every bureau's rows.
    fn bureau_figures(&self) -> BTreeMap<String, BureauFigures> {
        use super::assessment::{add_callbacks, add_on_time, add_received};
        let g = |row: &PgRow| row.get::<i32, _>("g");
        let mut out = BTreeMap::new();
        for row in self.received.iter().filter(|r| g(r) == RECEIVED_BY_BUREAU) {
            add_received(&mut out, row);
        }
        for row in self
            .on_time
            .iter()
            .filter(|r| g(r) == CLOCKS_BY_BUREAU_AND_CLOCK)
        {
            add_on_time(&mut out, row);
        }
        for row in self
            .callbacks
            .iter()
            .filter(|r| g(r) == CALLBACKS_BY_BUREAU)
        {
            add_callbacks(&mut out, row);
        }
        out
    }
}

/// The `grouping()` of the scans' rows per bureau that `Scans::bureau_figures` takes for the
/// assessment (each also read by `Tally`, which keeps them apart from its own).
const RECEIVED_BY_BUREAU: i32 = 0b111011;
const CLOCKS_BY_BUREAU_AND_CLOCK: i32 = 0b010;
const CALLBACKS_BY_BUREAU: i32 = 0b01;

async fn scan(
    pool: &PgPool,
    period: &Period,
    now: DateTime<Utc>,
    bureau: Option<&str>,
) -> Result<Scans, sqlx::Error> {
    let (start, end) = (period.start(), period.end());
    let decided_until = end.min(now);
    // A bureau's own report: the same scans over its rows only (the predicate appended, its
    // code bound as $3), so the centre's report keeps its index-only plans untouched.
    let only = |column: &str| match bureau {
        Some(_) => format!(" AND {column} = $3"),
        None => String::new(),
    };
    let run = |sql: String, from: DateTime<Utc>, to: DateTime<Utc>| {
        let owned = bureau.map(str::to_owned);
        async move {
            let q = sqlx::query(&sql).bind(from).bind(to);
            match owned {
                Some(b) => q.bind(b).fetch_all(pool).await,
                None => q.fetch_all(pool).await,
            }
        }
    };
    // China time as the domain counts it (`hotline_domain::time::china()`: UTC+8, no summer
    // time), as the seat's dashboard does (`store/dashboard.rs`, LOCAL_HOUR).
    let received = run(format!(
        "SELECT grouping(kind, channel, category, bureau, hour, day) AS g, kind, channel, category, bureau, hour, day,
                count(*) AS n, count(*) FILTER (WHERE on_spot) AS spot
         FROM (SELECT kind, channel, category, coalesce(bureau, '') AS bureau, on_spot,
                      extract(hour FROM received_at AT TIME ZONE 'UTC' + interval '8 hours')::int AS hour,
                      (received_at AT TIME ZONE 'UTC' + interval '8 hours')::date AS day
               FROM cases WHERE received_at >= $1 AND received_at < $2{}) c
         GROUP BY GROUPING SETS ((kind), (channel), (category), (bureau), (hour), (day), ())",
        only("bureau")
    ), start, end);
    let reached = run(format!(
        "SELECT 'replied' AS step, kind, count(*) AS n, avg(extract(epoch FROM first_replied_at - received_at))::float8 AS secs
         FROM cases WHERE first_replied_at >= $1 AND first_replied_at < $2{0} GROUP BY ROLLUP (kind)
         UNION ALL
         SELECT 'closed', kind, count(*), avg(extract(epoch FROM closed_at - received_at))::float8
         FROM cases WHERE closed_at >= $1 AND closed_at < $2{0} GROUP BY ROLLUP (kind)",
        only("bureau")
    ), start, end);
    let on_time = run(format!(
        "SELECT grouping(bureau, kind, clock) AS g, bureau, kind, clock, count(*) AS n,
                count(*) FILTER (WHERE met) AS met, count(*) FILTER (WHERE provisional) AS provisional
         FROM clock_runs WHERE decided_at >= $1 AND decided_at < $2{}
         GROUP BY GROUPING SETS ((bureau, clock), (bureau), (kind), ())",
        only("bureau")
    ), start, decided_until);
    let callbacks = run(
        format!(
            "SELECT grouping(bureau, kind) AS g, bureau, kind, satisfaction, count(*) AS n
         FROM callbacks WHERE at >= $1 AND at < $2{}
         GROUP BY GROUPING SETS ((bureau, satisfaction), (kind, satisfaction), (satisfaction))",
            only("bureau")
        ),
        start,
        end,
    );
    let late = run(
        format!(
            "SELECT coalesce(body->'actor'->>'bureau', '') AS bureau, count(*) AS n,
                max(extract(epoch FROM stored_at - at))::float8 / 3600 AS hours
         FROM events WHERE stored_at - at > interval '24 hours' AND at >= $1 AND at < $2{}
         GROUP BY ROLLUP (1)",
            only("body->'actor'->>'bureau'")
        ),
        start,
        end,
    );
    let names =
        sqlx::query_as::<_, (String, String)>("SELECT code, name FROM bureaus").fetch_all(pool);
    let (received, reached, on_time, callbacks, late, names) =
        tokio::try_join!(received, reached, on_time, callbacks, late, names)?;
    Ok(Scans {
        received,
        reached,
        on_time,
        callbacks,
        late,
        names: names.into_iter().collect(),
    })
}

/// Steps recorded more than a day after they were taken (a seat long offline), per bureau.
fn late_entries(late: &[PgRow], names: &BTreeMap<String, String>) -> LateEntries {
    let mut out = LateEntries::default();
    for row in late {
        let bureau: Option<String> = row.get("bureau");
        let (count, hours): (i64, Option<f64>) = (row.get("n"), row.get("hours"));
        match bureau {
            None => {
                out.count = count;
                out.max_hours = hours.unwrap_or(0.0);
            }
            Some(code) => out.by_bureau.push(Count {
                label: names.get(&code).cloned().unwrap_or_else(|| {
                    if code.is_empty() {
                        "热线中心".into()
                    } else {
                        code.clone()
                    }
                }),
                code,
                count,
            }),
        }
    }
    out.by_bureau.sort_by_key(|c| std::cmp::Reverse(c.count));
    out
}

/// The report as its scans' rows are added up.
struct Tally<'a> {
    r: Report,
    kinds: BTreeMap<String, KindRow>,
    bureaus: BTreeMap<String, BureauRow>,
    categories: Vec<Count>,
    catalog: &'a KindCatalog,
    names: &'a BTreeMap<String, String>,
}

impl Tally<'_> {
    fn received(&mut self, rows: &[PgRow]) {
        for row in rows {
            let g: i32 = row.get("g");
            let (n, spot): (i64, i64) = (row.get("n"), row.get("spot"));
            match g {
                0b011111 => {
                    let k = kind_entry(&mut self.kinds, self.catalog, row.get("kind"));
                    k.received = n;
                    k.on_spot = spot;
                }
                0b101111 => {
                    let code: String = row.get("channel");
                    self.r.by_channel.push(Count {
                        label: channel_label(&code),
                        code,
                        count: n,
                    });
                }
                0b110111 => {
                    let code: String = row.get("category");
                    let label = self
                        .catalog
                        .category(&code)
                        .map_or_else(|| code.clone(), |c| c.label.clone());
                    self.categories.push(Count {
                        code,
                        label,
                        count: n,
                    });
                }
                RECEIVED_BY_BUREAU => {
                    let b: String = row.get("bureau");
                    if b != CENTRE {
                        bureau_entry(&mut self.bureaus, self.names, &b).received = n;
                    }
                }
                0b111101 => {
                    let h: i32 = row.get("hour");
                    self.r.by_hour[h.clamp(0, 23) as usize] = n;
                }
                0b111110 => {
                    let d: NaiveDate = row.get("day");
                    if let Some(slot) = self.r.by_day.iter_mut().find(|(day, _)| *day == d) {
                        slot.1 = n;
                    }
                }
                _ => {
                    self.r.received = n;
                    self.r.on_spot = spot;
                }
            }
        }
    }

    fn reached(&mut self, rows: &[PgRow]) {
        for row in rows {
            let kind: Option<String> = row.get("kind");
            let secs: Option<f64> = row.get("secs");
            let step = Reached {
                count: row.get("n"),
                mean_hours: secs.map(|s| s / 3600.0),
            };
            let closed = row.get::<String, _>("step") == "closed";
            let slot = match kind {
                Some(k) => {
                    let k = kind_entry(&mut self.kinds, self.catalog, &k);
                    if closed {
                        &mut k.closed
                    } else {
                        &mut k.replied
                    }
                }
                None if closed => &mut self.r.closed,
                None => &mut self.r.replied,
            };
            *slot = step;
        }
    }

    fn on_time(&mut self, rows: &[PgRow]) {
        for row in rows {
            let g: i32 = row.get("g");
            let o = OnTime {
                decided: row.get("n"),
                met: row.get("met"),
                provisional: row.get("provisional"),
            };
            match g {
                // The assessment's, taken by `Scans::bureau_figures`.
                CLOCKS_BY_BUREAU_AND_CLOCK => {}
                0b011 => bureau_entry(&mut self.bureaus, self.names, row.get("bureau")).on_time = o,
                0b101 => kind_entry(&mut self.kinds, self.catalog, row.get("kind")).on_time = o,
                _ => self.r.on_time = o,
            }
        }
    }

    fn callbacks(&mut self, rows: &[PgRow]) {
        for row in rows {
            let g: i32 = row.get("g");
            let (s, n): (String, i64) = (row.get("satisfaction"), row.get("n"));
            match g {
                CALLBACKS_BY_BUREAU => {
                    bureau_entry(&mut self.bureaus, self.names, row.get("bureau"))
                        .satisfaction
                        .add(&s, n)
                }
                0b10 => kind_entry(&mut self.kinds, self.catalog, row.get("kind"))
                    .satisfaction
                    .add(&s, n),
                _ => self.r.satisfaction.add(&s, n),
            }
        }
    }

    fn finish(self) -> Report {
        let Tally {
            mut r,
            kinds,
            bureaus,
            mut categories,
            catalog,
            ..
        } = self;
        categories.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        categories.truncate(10);
        r.top_categories = categories;
        r.by_channel
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        r.by_kind = kinds.into_values().collect();
        r.by_kind.sort_by_key(|k| {
            catalog
                .kinds
                .iter()
                .position(|d| d.code == k.kind)
                .unwrap_or(usize::MAX)
        });
        // The centre first, then bureaus by name.
        r.by_bureau = bureaus.into_values().collect();
        r.by_bureau.sort_by(|a, b| {
            (a.bureau != CENTRE)
                .cmp(&(b.bureau != CENTRE))
                .then_with(|| a.name.cmp(&b.name))
        });
        r
    }
}

impl KindRow {
    fn new(kind: &str, label: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            label: label.to_owned(),
            received: 0,
            on_spot: 0,
            replied: Reached::default(),
            closed: Reached::default(),
            on_time: OnTime::default(),
            satisfaction: Satisfaction::default(),
        }
    }
}

fn kind_entry<'a>(
    kinds: &'a mut BTreeMap<String, KindRow>,
    catalog: &KindCatalog,
    k: &str,
) -> &'a mut KindRow {
    kinds.entry(k.to_owned()).or_insert_with(|| {
        KindRow::new(
            k,
            &catalog
                .kind(k)
                .map_or_else(|| k.to_owned(), |d| d.label.clone()),
        )
    })
}

fn bureau_entry<'a>(
    bureaus: &'a mut BTreeMap<String, BureauRow>,
    names: &BTreeMap<String, String>,
    b: &str,
) -> &'a mut BureauRow {
    bureaus.entry(b.to_owned()).or_insert_with(|| BureauRow {
        bureau: b.to_owned(),
        name: if b == CENTRE {
            "热线中心".to_owned()
        } else {
            names.get(b).cloned().unwrap_or_else(|| b.to_owned())
        },
        received: 0,
        on_time: OnTime::default(),
        satisfaction: Satisfaction::default(),
    })
}

/// The channel's Chinese name, read through the domain's own `Channel` (its serde name is the code).
pub fn channel_label(code: &str) -> String {
    serde_json::from_value::<Channel>(serde_json::Value::String(code.to_owned()))
        .map_or_else(|_| code.to_owned(), |c| c.label_zh().to_owned())
}
