use std::path::PathBuf;

use hotline_domain::calendar::CalendarError;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot {action} {path}: {source} / 无法访问文件")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is damaged: {reason} / 本地数据文件已损坏")]
    Corrupt { path: PathBuf, reason: String },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error(transparent)]
    Step(#[from] hotline_domain::case::StepError),
    #[error(transparent)]
    Intake(#[from] hotline_domain::case::IntakeError),
    #[error("no case {0:?} in the local store / 未找到该工单")]
    NotFound(String),
    #[error("local database: {0} / 本地数据库错误")]
    Db(#[from] sqlx::Error),
    #[error("local database migration: {0} / 本地数据库升级失败")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the server cannot be reached: {0} / 无法连接服务器（离线）")]
    Offline(String),
    /// A form with one or more fields to fix; nothing was recorded.
    #[error("{}", problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("；"))]
    Form {
        code: &'static str,
        problems: Vec<crate::workbench::FieldError>,
    },
    #[error("{message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
}

/// How an error crosses to the UI: a stable code to branch on, a message to show.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    /// For a form: each field to fix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<crate::workbench::FieldError>>", optional)]
    pub fields: Vec<crate::workbench::FieldError>,
}

impl From<ClientError> for ErrorPayload {
    fn from(e: ClientError) -> Self {
        let fields = match &e {
            ClientError::Form { problems, .. } => problems.clone(),
            _ => vec![],
        };
        Self {
            code: e.code().to_owned(),
            message: e.to_string(),
            fields,
        }
    }
}

impl ClientError {
    /// The user asked for something that cannot be done (as opposed to the machine failing).
    pub fn is_bad_input(&self) -> bool {
        let mistake = matches!(
            self,
            Self::Calendar(_)
                | Self::Invalid { .. }
                | Self::Step(_)
                | Self::Intake(_)
                | Self::NotFound(_)
                | Self::Form { .. }
        ) && self.code() != "local.corrupt";
        mistake
            || matches!(
                self,
                Self::Server {
                    status: 400..=499,
                    ..
                }
            )
    }

    /// Stable machine code for the UI and scripts.
    pub fn code(&self) -> &str {
        match self {
            Self::Io { .. } => "io",
            Self::Corrupt { .. } => "local.corrupt",
            Self::Calendar(e) => e.code(),
            Self::Invalid { code, .. } => code,
            Self::Step(e) => e.code(),
            Self::Intake(e) => e.code(),
            Self::NotFound(_) => "case.not_found",
            Self::Db(_) => "local.db",
            Self::Migrate(_) => "local.migrate",
            Self::Offline(_) => "sync.offline",
            Self::Server { code, .. } => code,
            Self::Form { code, .. } => code,
        }
    }
}
