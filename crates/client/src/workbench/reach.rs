//! The desk beyond its working set (`sync::reach`): search and a caller's history reach the
//! server when it answers; a case found there opens with its history fetched whole.

use super::Workbench;
use crate::store::LocalStore;
use crate::sync::{merged, Found};
use crate::ClientError;

/// Rows a search or a caller's history shows at most.
const SHOWN: usize = 200;

impl Workbench {
    /// Cases matching `text` (words of any length, a number, a phone): this desk's at once, the
    /// server's merged in when it answers.
    pub async fn search(&self, text: &str) -> Result<Found, ClientError> {
        let store = self.store.read().await;
        let local = store.search(text, SHOWN as i64).await?;
        let session = self.session_of(&store).await;
        merged(&store, session.as_ref(), local, text, SHOWN).await
    }

    /// The caller's earlier cases everywhere (intake shows the desk's first, from
    /// `lookup_caller`, then these).
    pub async fn caller_history(&self, phone: &str) -> Result<Found, ClientError> {
        let store = self.store.read().await;
        let normal = hotline_domain::case::normalise_phone(phone).unwrap_or_default();
        if normal.is_empty() {
            return merged(&store, None, vec![], "", 0).await;
        }
        let local = store.caller_history(&normal, SHOWN as i64).await?;
        let session = self.session_of(&store).await;
        merged(&store, session.as_ref(), local, &normal, SHOWN).await
    }

    /// Brings a case the desk does not hold from the server (its id, or its number by the
    /// server's search); NotFound when the server has none in this user's scope.
    pub(super) async fn fetch_case(
        &self,
        store: &LocalStore,
        id_or_number: &str,
    ) -> Result<(), ClientError> {
        let missing = || ClientError::NotFound(id_or_number.to_owned());
        let (api, token) = self.session_of(store).await.ok_or_else(missing)?;
        let id = match id_or_number.trim().parse::<uuid::Uuid>() {
            Ok(id) => id,
            Err(_) => {
                api.search(&token, id_or_number.trim(), 1)
                    .await?
                    .into_iter()
                    .find(|c| c.number == id_or_number.trim())
                    .ok_or_else(missing)?
                    .id
            }
        };
        let case = hotline_domain::case::CaseId(id);
        let history = api.case_history(&token, case).await?;
        store.take_history(case, &history.events, &self.sla()).await
    }
}
