//! API errors: a 4xx or 5xx status with a JSON body saying what went wrong in both
//! languages (`message.zh`, `message.en`) and, when the library said more, `detail`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub zh: String,
    pub en: String,
    pub detail: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, zh: &str, en: &str) -> Self {
        Self {
            status,
            code,
            zh: zh.to_string(),
            en: en.to_string(),
            detail: None,
        }
    }

    pub fn bad_request(code: &'static str, zh: &str, en: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, zh, en)
    }

    pub fn with_detail(mut self, detail: impl std::fmt::Display) -> Self {
        self.detail = Some(format!("{detail:#}"));
        self
    }

    /// A library call failed on input the client sent (an invalid scenario, a plan
    /// target outside the scale).
    pub fn invalid(error: anyhow::Error) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "请求无法执行：请检查场景或目标",
            "the request cannot be run: check the scenario or targets",
        )
        .with_detail(error)
    }

    /// The project's files are invalid right now; the diagnostics are in `detail`.
    pub fn project_invalid(problem: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "project_invalid",
            "项目文件当前无效，请按诊断修正后保存",
            "the project's files are invalid right now: fix them as the diagnostics say and save",
        )
        .with_detail(problem)
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误",
            "internal server error",
        )
        .with_detail(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.code,
            "message": {"zh": self.zh, "en": self.en},
            "detail": self.detail,
        });
        (
            self.status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}
