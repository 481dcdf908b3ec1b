//! Every error a client sees: an HTTP status, a machine code, and a message in Chinese and English.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        crate::log::error(&format!("database: {e}"));
        // 57014 query_canceled: the serving pool's statement timeout (`state::PoolLimits`).
        if matches!(&e, sqlx::Error::Database(d) if d.code().as_deref() == Some("57014")) {
            return Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "server.timeout",
                "the request took too long and was stopped; narrow it or try again / 请求超时，请缩小范围或稍后重试",
            );
        }
        if matches!(e, sqlx::Error::PoolTimedOut) {
            return Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "server.busy",
                "the server is busy, try again / 服务器繁忙，请稍后重试",
            );
        }
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "server.database",
            "the database is unavailable, try again / 数据库暂不可用，请稍后重试",
        )
    }
}

impl From<crate::calendar::CalendarImportError> for ApiError {
    fn from(e: crate::calendar::CalendarImportError) -> Self {
        match e {
            crate::calendar::CalendarImportError::Db(e) => e.into(),
            crate::calendar::CalendarImportError::Calendar(e) => {
                // The stored imports no longer build a calendar: the operator must look.
                crate::log::error(&format!("calendar: {e}"));
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, e.code(), e.to_string())
            }
        }
    }
}

#[derive(serde::Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(Body {
                code: self.code,
                message: &self.message,
            }),
        )
            .into_response()
    }
}

/// The answer to a handler that panicked (the `CatchPanicLayer`'s last resort): logged, and a
/// 500 with a code instead of a dropped connection. Every panic reaching here is a bug to fix.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    crate::log::error(&format!("a request handler panicked: {what}"));
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server.internal",
        "the server could not answer this request; it was logged / 服务器内部错误，已记录",
    )
    .into_response()
}

/// Rewrites axum's own refusals (a query or body that does not parse, a body too large: plain
/// text) into the `{code, message}` every other error has, so a desk shows a reason and a
/// script reads a code. Answers that are already JSON, and successes, pass untouched.
pub async fn json_refusals(response: Response) -> Response {
    let status = response.status();
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
    if !status.is_client_error() || !plain {
        return response;
    }
    // axum's rejection texts are short; a larger body is not one of them.
    let text = match axum::body::to_bytes(response.into_body(), 64 * 1024).await {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(_) => String::new(),
    };
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "request.too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "request.not_json",
        _ => "request.invalid",
    };
    ApiError::new(status, code, format!("{text} / 请求格式有误")).into_response()
}
