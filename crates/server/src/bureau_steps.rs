//! The `bureau_steps` rows of a batch of cases (migration 0016): every step the assessment
//! counts for a bureau, as the fold keeps them (`CaseState::bureau_steps`). Part of the snapshot
//! rows (`snapshot::SnapshotRows`), written by the same upsert or COPY.

use hotline_domain::case::CaseState;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::copy_text::CopyText;

#[derive(Default)]
pub(crate) struct StepColumns {
    case: Vec<Uuid>,
    seq: Vec<i32>,
    at: Vec<chrono::DateTime<chrono::Utc>>,
    bureau: Vec<String>,
    step: Vec<String>,
    kind: Vec<String>,
}

impl StepColumns {
    pub(crate) fn add(&mut self, id: Uuid, state: &CaseState, kind: &str) {
        for (i, s) in state.bureau_steps.iter().enumerate() {
            self.case.push(id);
            self.seq.push(i as i32);
            self.at.push(s.at);
            self.bureau.push(s.bureau.0.clone());
            self.step.push(s.step.code().to_owned());
            self.kind.push(kind.to_owned());
        }
    }

    /// Replaces the steps of `cases` with these.
    pub(crate) async fn upsert(
        self,
        tx: &mut Transaction<'_, Postgres>,
        cases: &[Uuid],
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM bureau_steps WHERE case_id = ANY($1)")
            .bind(cases)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO bureau_steps (case_id, seq, at, bureau, step, kind)
             SELECT * FROM UNNEST($1::uuid[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])",
        )
        .bind(&self.case)
        .bind(&self.seq)
        .bind(&self.at)
        .bind(&self.bureau)
        .bind(&self.step)
        .bind(&self.kind)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The COPY statement and rows of the steps of cases new to the database.
    pub(crate) fn copy_rows(self) -> (&'static str, Vec<u8>) {
        let mut out = CopyText::with_capacity(self.case.len() * 100);
        for i in 0..self.case.len() {
            out.plain(self.case[i])
                .plain(self.seq[i])
                .time(self.at[i])
                .text(&self.bureau[i])
                .text(&self.step[i])
                .text(&self.kind[i])
                .end_row();
        }
        (
            "COPY bureau_steps (case_id, seq, at, bureau, step, kind) FROM STDIN",
            out.into_bytes(),
        )
    }
}
