use hotline_domain::knowledge::{Article, ArticleText};
use std::time::Duration;

use futures::{Stream, StreamExt};
use hotline_domain::time::Clock;
use hotline_domain::wire::{
    ErrorBody, LivePage, LoginRequest, LoginResponse, PullPage, PushRequest, PushResponse,
    DEVICE_TIME_HEADER,
};
use serde::de::DeserializeOwned;
use std::sync::Arc;

use crate::secret::Secret;
use crate::ClientError;

/// The server's HTTP API, as a seat uses it.
#[derive(Clone)]
pub struct ServerApi {
    http: reqwest::Client,
    base: String,
    /// The clock the seat dates its events by: its reading goes with every push and pull, so the
    /// server knows how far off it is ([`DEVICE_TIME_HEADER`]).
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for ServerApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerApi")
            .field("base", &self.base)
            .finish()
    }
}

impl ServerApi {
    pub fn new(base: &str, clock: Arc<dyn Clock>) -> Result<Self, ClientError> {
        let base = base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::Invalid {
                code: "sync.server_url",
                message: format!("{base:?} is not an http(s) URL / 服务器地址无效"),
            });
        }
        let mut builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5));
        // An intranet server's own certificate authority, trusted besides the public ones.
        if let Some(path) = crate::centre::CentreSettings::of_this_machine().ca_cert {
            let pem = std::fs::read(&path).map_err(|source| ClientError::Io {
                action: "read",
                path: path.clone(),
                source,
            })?;
            let ca = reqwest::Certificate::from_pem(&pem).map_err(|e| ClientError::Invalid {
                code: "sync.ca_cert",
                message: format!("{}: not a PEM certificate: {e} / 证书无效", path.display()),
            })?;
            builder = builder.add_root_certificate(ca);
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::Offline(e.to_string()))?;
        Ok(Self { http, base, clock })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn login(&self, req: &LoginRequest) -> Result<LoginResponse, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/login", self.base))
            .json(req)
            .timeout(Duration::from_secs(30))
            .send()
            .await;
        answer(r).await
    }

    /// Ends the session of `token` on the server: the token stops working, its stream closes.
    pub async fn logout(&self, token: &Secret) -> Result<(), ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/logout", self.base))
            .bearer_auth(token.expose())
            .timeout(Duration::from_secs(30))
            .send()
            .await;
        check(r).await.map(drop)
    }

    pub async fn push(
        &self,
        token: &Secret,
        req: &PushRequest,
    ) -> Result<PushResponse, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/push", self.base))
            .bearer_auth(token.expose())
            .header(DEVICE_TIME_HEADER, self.clock.now().to_rfc3339())
            .json(req)
            .timeout(Duration::from_secs(60))
            .send()
            .await;
        answer(r).await
    }

    pub async fn pull(
        &self,
        token: &Secret,
        after: &str,
        limit: i64,
    ) -> Result<PullPage, ClientError> {
        let r = self
            .get(token, "/api/v1/pull")
            .header(DEVICE_TIME_HEADER, self.clock.now().to_rfc3339())
            .query(&[("after", after), ("limit", &limit.to_string())])
            .timeout(Duration::from_secs(60))
            .send()
            .await;
        answer(r).await
    }

    /// The server's search of every case in this user's scope (words, a number, a phone), the
    /// newest first.
    pub async fn search(
        &self,
        token: &Secret,
        q: &str,
        limit: i64,
    ) -> Result<Vec<hotline_domain::wire::CaseSummary>, ClientError> {
        let r = self
            .get(token, "/api/v1/search")
            .query(&[("q", q), ("limit", &limit.to_string())])
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        answer(r).await
    }

    /// A page of this desk's working set (a new desk's first sync).
    pub async fn working_set(
        &self,
        token: &Secret,
        start: Option<&str>,
        part: hotline_domain::wire::WorkingSetPart,
        after: Option<uuid::Uuid>,
        limit: i64,
    ) -> Result<hotline_domain::wire::WorkingSetPage, ClientError> {
        let part = match part {
            hotline_domain::wire::WorkingSetPart::OnTheDesk => "on_the_desk",
            hotline_domain::wire::WorkingSetPart::Touched => "touched",
        };
        let mut query = vec![("part", part.to_owned()), ("limit", limit.to_string())];
        if let Some(s) = start {
            query.push(("start", s.to_owned()));
        }
        if let Some(a) = after {
            query.push(("after", a.to_string()));
        }
        let r = self
            .get(token, "/api/v1/working-set")
            .query(&query)
            .timeout(Duration::from_secs(60))
            .send()
            .await;
        answer(r).await
    }

    /// A case's whole history as this user may see it (none outside their scope).
    pub async fn case_history(
        &self,
        token: &Secret,
        case: hotline_domain::case::CaseId,
    ) -> Result<hotline_domain::wire::CaseHistory, ClientError> {
        let r = self
            .get(token, &format!("/api/v1/cases/{}/history", case.0))
            .timeout(Duration::from_secs(60))
            .send()
            .await;
        answer(r).await
    }

    /// The centre's calendar: every import recorded on the server, oldest first.
    pub async fn calendar(
        &self,
        token: &Secret,
    ) -> Result<hotline_domain::wire::CalendarImports, ClientError> {
        let r = self
            .get(token, "/api/v1/calendar")
            .timeout(Duration::from_secs(60))
            .send()
            .await;
        answer(r).await
    }

    /// The centre's policy: every version, oldest first.
    pub async fn policy(
        &self,
        token: &Secret,
    ) -> Result<hotline_domain::centre::PolicyHistory, ClientError> {
        let r = self
            .get(token, "/api/v1/policy")
            .timeout(Duration::from_secs(60))
            .send()
            .await;
        answer(r).await
    }

    /// Sends the State Council's notice as pasted: previewed, or imported for the centre.
    pub async fn import_notice(
        &self,
        token: &Secret,
        proposal: &hotline_domain::wire::NoticeProposal,
    ) -> Result<hotline_domain::wire::NoticeOutcome, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/calendar/notice", self.base))
            .bearer_auth(token.expose())
            .json(proposal)
            .timeout(Duration::from_secs(300))
            .send()
            .await;
        answer(r).await
    }

    /// Proposes a new version of the centre's policy: previewed, or saved.
    pub async fn propose_policy(
        &self,
        token: &Secret,
        proposal: &hotline_domain::wire::PolicyProposal,
    ) -> Result<hotline_domain::wire::PolicyOutcome, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/policy", self.base))
            .bearer_auth(token.expose())
            .json(proposal)
            .timeout(Duration::from_secs(120))
            .send()
            .await;
        answer(r).await
    }

    /// The knowledge base's published set, or what changed in it since `since` (RFC 3339).
    pub async fn kb_published(
        &self,
        token: &Secret,
        since: Option<&str>,
    ) -> Result<Vec<hotline_domain::knowledge::PublishedArticle>, ClientError> {
        let mut req = self
            .get(token, "/api/v1/kb/published")
            .timeout(Duration::from_secs(60));
        if let Some(s) = since {
            req = req.query(&[("since", s)]);
        }
        answer(req.send().await).await
    }

    /// A report file computed by the server: `period` day, week or month holding `date`
    /// (YYYY-MM-DD), `format` xlsx or pdf. Returns the bytes and the server's file name.
    pub async fn report(
        &self,
        token: &Secret,
        period: &str,
        date: &str,
        format: &str,
    ) -> Result<(Vec<u8>, String), ClientError> {
        let r = self
            .get(token, "/api/v1/reports")
            .query(&[("period", period), ("date", date), ("format", format)])
            .timeout(Duration::from_secs(120))
            .send()
            .await;
        file(r, &format!("report.{format}")).await
    }

    /// The bureaus' ranking of a period, as the server's report computes it (its JSON export's
    /// `assessment`): the dashboard shows exactly what the report says.
    pub async fn assessment(
        &self,
        token: &Secret,
        period: &str,
        date: &str,
    ) -> Result<hotline_domain::case::assessment::Assessment, ClientError> {
        #[derive(serde::Deserialize)]
        struct Report {
            assessment: hotline_domain::case::assessment::Assessment,
        }
        let r = self
            .get(token, "/api/v1/reports")
            .query(&[("period", period), ("date", date), ("format", "json")])
            .timeout(Duration::from_secs(120))
            .send()
            .await;
        answer::<Report>(r).await.map(|r| r.assessment)
    }

    /// A case printed as PDF by the server (its steps and incident reports), and its file name.
    pub async fn case_pdf(
        &self,
        token: &Secret,
        case: &str,
    ) -> Result<(Vec<u8>, String), ClientError> {
        let r = self
            .get(token, &format!("/api/v1/cases/{case}/pdf"))
            .timeout(Duration::from_secs(120))
            .send()
            .await;
        file(r, "case.pdf").await
    }

    /// The knowledge base's articles (optionally of one status), the most cited first.
    pub async fn kb_list(&self, token: &Secret, status: &str) -> Result<Vec<Article>, ClientError> {
        let r = self
            .get(token, "/api/v1/kb")
            .query(&[("status", status)])
            .send()
            .await;
        answer(r).await
    }

    /// One article with every version and review.
    pub async fn kb_get(&self, token: &Secret, id: &str) -> Result<Article, ClientError> {
        let r = self.get(token, &format!("/api/v1/kb/{id}")).send().await;
        answer(r).await
    }

    /// A new article (`id` None) or a new version of one, as a draft.
    pub async fn kb_write(
        &self,
        token: &Secret,
        id: Option<&str>,
        text: &ArticleText,
    ) -> Result<Article, ClientError> {
        let url = match id {
            Some(id) => format!("{}/api/v1/kb/{id}/versions", self.base),
            None => format!("{}/api/v1/kb", self.base),
        };
        answer(
            self.http
                .post(url)
                .bearer_auth(token.expose())
                .json(text)
                .send()
                .await,
        )
        .await
    }

    /// submit, approve, reject or retire (the last two with a reason).
    pub async fn kb_decide(
        &self,
        token: &Secret,
        id: &str,
        action: &str,
        reason: &str,
    ) -> Result<Article, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/kb/{id}/{action}", self.base))
            .bearer_auth(token.expose())
            .json(&serde_json::json!({ "reason": reason }))
            .send()
            .await;
        answer(r).await
    }

    /// The maintenance notices shown now.
    pub async fn maintenance(
        &self,
        token: &Secret,
    ) -> Result<Vec<hotline_domain::maintenance::MaintenanceNotice>, ClientError> {
        answer(self.get(token, "/api/v1/maintenance").send().await).await
    }

    /// Announces planned maintenance (supervisors and administrators; the server checks the
    /// notice period at its own time).
    pub async fn announce_maintenance(
        &self,
        token: &Secret,
        draft: &hotline_domain::maintenance::MaintenanceDraft,
    ) -> Result<hotline_domain::maintenance::MaintenanceNotice, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/maintenance", self.base))
            .bearer_auth(token.expose())
            .json(draft)
            .send()
            .await;
        answer(r).await
    }

    /// The quality reviews of the month holding `date` (a seat's own; a supervisor's all).
    pub async fn quality(
        &self,
        token: &Secret,
        date: &str,
    ) -> Result<Vec<hotline_domain::quality::QualityReview>, ClientError> {
        let r = self
            .get(token, "/api/v1/quality")
            .query(&[("date", date)])
            .send()
            .await;
        answer(r).await
    }

    /// A quality action: `draw` (the month's sample), `{case}/score`, `{case}/contest`.
    pub async fn quality_post<T: serde::de::DeserializeOwned>(
        &self,
        token: &Secret,
        path: &str,
        date: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<T, ClientError> {
        let mut req = self
            .http
            .post(format!("{}/api/v1/quality/{path}", self.base))
            .bearer_auth(token.expose())
            .json(body);
        if let Some(d) = date {
            req = req.query(&[("date", d)]);
        }
        answer(req.send().await).await
    }

    /// The duty roster of `date` (YYYY-MM-DD), and who is on duty now.
    pub async fn roster(
        &self,
        token: &Secret,
        date: &str,
    ) -> Result<hotline_domain::roster::RosterDay, ClientError> {
        let r = self
            .get(token, "/api/v1/roster")
            .query(&[("date", date)])
            .send()
            .await;
        answer(r).await
    }

    /// A GET of `path` on the server with the session's token.
    fn get(&self, token: &Secret, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token.expose())
    }

    /// The seat's time now, by the clock it dates its events by.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Every device that syncs with its clock offset, the skewed first.
    pub async fn devices(
        &self,
        token: &Secret,
        only_skewed: bool,
    ) -> Result<Vec<hotline_domain::wire::DeviceClock>, ClientError> {
        let r = self
            .get(token, "/api/v1/devices")
            .query(&[("skewed", only_skewed)])
            .send()
            .await;
        answer(r).await
    }

    /// The live stream: a [`Notice`] whenever events committed on the server.
    pub async fn notices(&self, token: &Secret) -> Result<impl Stream<Item = Notice>, ClientError> {
        let r = self.get(token, "/api/v1/stream").send().await;
        let r = check(r).await?;
        let mut buffer = String::new();
        Ok(r.bytes_stream()
            .take_while(|chunk| futures::future::ready(chunk.is_ok()))
            .flat_map(move |chunk| {
                buffer.push_str(&String::from_utf8_lossy(&chunk.unwrap_or_default()));
                futures::stream::iter(take_messages(&mut buffer))
            }))
    }
}

/// What the live stream says.
#[derive(Debug, Clone)]
pub enum Notice {
    /// Events committed: pull them.
    Changed,
    /// Events committed, and here they are: what a pull from `from` would return.
    Page(LivePage),
}

/// Takes the complete server-sent-event messages (ended by a blank line) out of `buffer`.
fn take_messages(buffer: &mut String) -> Vec<Notice> {
    let mut out = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let message: String = buffer.drain(..end + 2).collect();
        let (mut event, mut data) = ("", String::new());
        for line in message.lines() {
            if let Some(e) = line.strip_prefix("event:") {
                event = e.trim();
            } else if let Some(d) = line.strip_prefix("data:") {
                data.push_str(d.strip_prefix(' ').unwrap_or(d));
            }
        }
        match event {
            "changed" => out.push(Notice::Changed),
            // A page that does not parse is still news: pull.
            "events" => out.push(serde_json::from_str(&data).map_or(Notice::Changed, Notice::Page)),
            _ => {} // hello, keep-alive comments
        }
    }
    out
}

async fn check(
    r: Result<reqwest::Response, reqwest::Error>,
) -> Result<reqwest::Response, ClientError> {
    let r = r.map_err(|e| ClientError::Offline(e.to_string()))?;
    if r.status().is_success() {
        return Ok(r);
    }
    let status = r.status().as_u16();
    let body: Option<ErrorBody> = r.json().await.ok();
    let (code, message) = body.map_or_else(
        || ("server.unknown".to_owned(), format!("HTTP {status}")),
        |b| (b.code, b.message),
    );
    Err(ClientError::Server {
        status,
        code,
        message,
    })
}

async fn answer<T: DeserializeOwned>(
    r: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, ClientError> {
    check(r)
        .await?
        .json()
        .await
        .map_err(|e| ClientError::Offline(format!("the server's answer was cut off: {e}")))
}

/// A file the server sends: its bytes and the name it gives (`fallback` when it gives none).
async fn file(
    r: Result<reqwest::Response, reqwest::Error>,
    fallback: &str,
) -> Result<(Vec<u8>, String), ClientError> {
    let r = check(r).await?;
    let name = r
        .headers()
        .get(reqwest::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("filename=\"").nth(1))
        .map(|v| v.trim_end_matches('"').to_owned())
        .unwrap_or_else(|| fallback.to_owned());
    let bytes = r
        .bytes()
        .await
        .map_err(|e| ClientError::Offline(format!("the file was cut off: {e}")))?;
    Ok((bytes.to_vec(), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cut_at_blank_lines_and_partial_ones_wait() {
        let mut b = String::from("event: hello\ndata: \n\nevent: changed\ndata: \n\nevent: events\ndata: {\"from\":\"a\",\"page\":{\"events\":[],\"next\":\"b\",\"more\":false}}\n\nevent: chan");
        let got = take_messages(&mut b);
        assert_eq!(got.len(), 2);
        assert!(matches!(got[0], Notice::Changed));
        assert!(matches!(&got[1], Notice::Page(p) if p.from == "a" && p.page.next == "b"));
        assert_eq!(b, "event: chan");
        b.push_str("ged\ndata: \n\n");
        assert!(matches!(take_messages(&mut b)[..], [Notice::Changed]));
    }
}
