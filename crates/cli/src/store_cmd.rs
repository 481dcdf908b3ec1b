//! `hotline store`: the local store for the centre's IT. The store is encrypted (its key in the
//! OS credential store), so no plain SQLite tool reads it any more; this does, as the user whose
//! store it is.

use clap::Subcommand;
use hotline_client::store::LocalStore;

use crate::emit;

#[derive(Subcommand)]
pub enum StoreCommand {
    /// Run one SQL query on the local store and print its rows, columns separated by `|`
    /// (support only). Read-only unless --write.
    Query {
        sql: String,
        /// Let the statement change the store. For support only: the server re-derives what it
        /// takes from a seat, so a changed store fakes nothing, but it can lose unsent work.
        #[arg(long)]
        write: bool,
    },
}

pub async fn run(cmd: StoreCommand, store: &LocalStore) -> anyhow::Result<()> {
    let StoreCommand::Query { sql, write } = cmd;
    let mut out = String::new();
    for row in store.support_query(&sql, write).await? {
        out.push_str(&row.join("|"));
        out.push('\n');
    }
    emit(&out)?;
    Ok(())
}
