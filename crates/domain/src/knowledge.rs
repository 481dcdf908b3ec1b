//! The knowledge base's rules (seed 003 §8.4.2 e: add, classify by level, count citations,
//! approve before publishing, keep versions). An article moves draft → pending → published; a
//! reviewer may send it back with a reason. Every edit is a new version; the published version
//! stays what seats answer from until a newer one is approved.

use serde::{Deserialize, Serialize};

use crate::case::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum ArticleStatus {
    /// Being written; not visible to seats (unless an earlier version is published).
    Draft,
    /// Submitted for review.
    Pending,
    Published,
    /// Withdrawn: no longer offered to seats.
    Retired,
}

impl ArticleStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Pending => "pending",
            Self::Published => "published",
            Self::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Pending, Self::Published, Self::Retired]
            .into_iter()
            .find(|x| x.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Pending => "待审核",
            Self::Published => "已发布",
            Self::Retired => "已下线",
        }
    }
}

/// How an article may be used (分级): 1 answered to callers as it is; 2 answered after checking
/// the caller's circumstances; 3 internal reference only.
pub const LEVELS: [(u8, &str); 3] = [
    (1, "一级：可直接答复"),
    (2, "二级：核实后答复"),
    (3, "三级：内部参考"),
];

/// One version's content, as an author writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ArticleText {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub category: String,
    #[serde(default = "first_level")]
    pub level: u8,
    #[serde(default)]
    pub tags: Vec<String>,
}

fn first_level() -> u8 {
    1
}

/// What a seat receives of the published set: an article's approved text, or its withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedArticle {
    pub id: String,
    pub version: i32,
    /// None: withdrawn (retired) — the seat drops it.
    pub text: Option<ArticleText>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ArticleVersion")]
pub struct Version {
    pub version: i32,
    #[serde(flatten)]
    pub text: ArticleText,
    pub author: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ArticleReview")]
pub struct Review {
    pub version: i32,
    pub action: String,
    pub reviewer: String,
    pub reason: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// An article as the management list and its page show it: the latest version's text, and
/// which version seats answer from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "KbArticle")]
pub struct Article {
    pub id: String,
    pub status: ArticleStatus,
    pub latest_version: i32,
    pub published_version: Option<i32>,
    /// On-the-spot answers that named this article.
    pub citations: i64,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub latest: Version,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<Version>>", optional)]
    pub versions: Vec<Version>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<Review>>", optional)]
    pub reviews: Vec<Review>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum KbAction {
    /// Write a new article or a new version of one.
    Write,
    Submit,
    Approve,
    Reject,
    Retire,
}

/// Who may do what: seats and supervisors write and submit; only supervisors approve, reject and
/// retire; bureau handlers and administrators do neither.
pub fn kb_permits(role: Role, action: KbAction) -> bool {
    match role {
        Role::Seat => matches!(action, KbAction::Write | KbAction::Submit),
        Role::Supervisor => true,
        Role::Bureau | Role::Admin | Role::Management | Role::System => false,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KbRefusal {
    #[error("a {role} may not {action:?} articles / 无权执行该知识库操作")]
    NotPermitted {
        role: &'static str,
        action: KbAction,
    },
    #[error(
        "the article is {status:?}; {action:?} needs it {needs} / 知识条目当前状态不允许该操作"
    )]
    Status {
        status: ArticleStatus,
        action: KbAction,
        needs: &'static str,
    },
    #[error("a reason is required / 请填写理由")]
    ReasonRequired,
    #[error("title (1–100 characters), body (1–20000) and level 1–3 are required / 标题、正文与级别必填")]
    Invalid,
}

impl KbRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotPermitted { .. } => "kb.not_permitted",
            Self::Status { .. } => "kb.status",
            Self::ReasonRequired => "kb.reason_required",
            Self::Invalid => "kb.invalid",
        }
    }
}

/// The status an article moves to when `role` takes `action` on it in `status`, or why not.
pub fn kb_transition(
    role: Role,
    role_name: &'static str,
    status: Option<ArticleStatus>,
    action: KbAction,
    reason: &str,
) -> Result<ArticleStatus, KbRefusal> {
    use ArticleStatus as S;
    use KbAction as A;
    if !kb_permits(role, action) {
        return Err(KbRefusal::NotPermitted {
            role: role_name,
            action,
        });
    }
    let refuse = |needs| {
        Err(KbRefusal::Status {
            status: status.unwrap_or(S::Draft),
            action,
            needs,
        })
    };
    match (action, status) {
        // Writing makes a new draft version, whatever the article's state (a published article
        // stays published at its approved version meanwhile).
        (A::Write, _) => Ok(S::Draft),
        (A::Submit, Some(S::Draft)) => Ok(S::Pending),
        (A::Submit, _) => refuse("a draft"),
        (A::Approve, Some(S::Pending)) => Ok(S::Published),
        (A::Approve, _) => refuse("pending review"),
        (A::Reject, Some(S::Pending)) if reason.trim().is_empty() => Err(KbRefusal::ReasonRequired),
        (A::Reject, Some(S::Pending)) => Ok(S::Draft),
        (A::Reject, _) => refuse("pending review"),
        (A::Retire, Some(S::Published)) if reason.trim().is_empty() => {
            Err(KbRefusal::ReasonRequired)
        }
        (A::Retire, Some(S::Published)) => Ok(S::Retired),
        (A::Retire, _) => refuse("published"),
    }
}

/// The steps `role` may take on an article in `status` (what the desk offers), probed through
/// [`kb_transition`] so that what is offered and what is allowed never differ.
pub fn kb_offers(role: Role, status: ArticleStatus) -> Vec<KbAction> {
    use KbAction as A;
    [A::Write, A::Submit, A::Approve, A::Reject, A::Retire]
        .into_iter()
        .filter(|a| kb_transition(role, "", Some(status), *a, "·").is_ok())
        .collect()
}

/// The checks an article's text must pass before any version is stored.
pub fn check_article(title: &str, body: &str, level: u8) -> Result<(), KbRefusal> {
    let (t, b) = (title.trim().chars().count(), body.trim().chars().count());
    if (1..=100).contains(&t) && (1..=20_000).contains(&b) && (1..=3).contains(&level) {
        Ok(())
    } else {
        Err(KbRefusal::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_write_and_submit_only_supervisors_approve_bureaus_do_nothing() {
        use ArticleStatus as S;
        use KbAction as A;
        assert_eq!(
            kb_transition(Role::Seat, "seat", None, A::Write, ""),
            Ok(S::Draft)
        );
        assert_eq!(
            kb_transition(Role::Seat, "seat", Some(S::Draft), A::Submit, ""),
            Ok(S::Pending)
        );
        for action in [A::Approve, A::Reject, A::Retire] {
            assert!(matches!(
                kb_transition(Role::Seat, "seat", Some(S::Pending), action, "x"),
                Err(KbRefusal::NotPermitted { .. })
            ));
        }
        for action in [A::Write, A::Submit, A::Approve, A::Reject, A::Retire] {
            assert!(!kb_permits(Role::Bureau, action));
            assert!(!kb_permits(Role::Admin, action));
        }
        assert_eq!(
            kb_transition(
                Role::Supervisor,
                "supervisor",
                Some(S::Pending),
                A::Approve,
                ""
            ),
            Ok(S::Published)
        );
        assert_eq!(
            kb_transition(
                Role::Supervisor,
                "supervisor",
                Some(S::Pending),
                A::Reject,
                " "
            ),
            Err(KbRefusal::ReasonRequired)
        );
        assert_eq!(
            kb_transition(
                Role::Supervisor,
                "supervisor",
                Some(S::Pending),
                A::Reject,
                "口径不准确"
            ),
            Ok(S::Draft)
        );
        assert!(matches!(
            kb_transition(
                Role::Supervisor,
                "supervisor",
                Some(S::Draft),
                A::Approve,
                ""
            ),
            Err(KbRefusal::Status { .. })
        ));
        assert_eq!(
            kb_transition(
                Role::Supervisor,
                "supervisor",
                Some(S::Published),
                A::Write,
                ""
            ),
            Ok(S::Draft)
        );
        assert_eq!(
            kb_transition(
                Role::Supervisor,
                "supervisor",
                Some(S::Published),
                A::Retire,
                "政策已废止"
            ),
            Ok(S::Retired)
        );
        assert!(check_article("社保卡补办", "携带身份证到网点办理", 1).is_ok());
        assert_eq!(check_article(" ", "x", 1), Err(KbRefusal::Invalid));
        assert_eq!(check_article("t", "x", 4), Err(KbRefusal::Invalid));
    }
}
