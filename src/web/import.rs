//! The import page: upload a file or paste text, see what would be extracted, then save it.

use std::path::PathBuf;
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use serde::Deserialize;

use super::auth::{CsrfForm, Editor, audit, check_csrf};
use super::{AppError, AppState};
use crate::import::{FileResult, extract_source, import_bytes};
use crate::resolution::{MAX_SOURCE_BYTES, Resolution};
use crate::store::{self, ImportOutcome};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/import", get(show_form))
        .route("/import/preview", post(preview))
        .route("/import/save", post(save))
        // A resolution's file may be up to the source limit; multipart framing adds a little.
        .layer(DefaultBodyLimit::max(MAX_SOURCE_BYTES as usize + 64 * 1024))
}

#[derive(Template, WebTemplate)]
#[template(path = "import/form.html")]
struct FormPage {
    csrf: String,
    error: Option<String>,
    text: String,
}

async fn show_form(Editor(user): Editor) -> FormPage {
    FormPage {
        csrf: user.csrf,
        error: None,
        text: String::new(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "import/preview.html")]
struct PreviewPage {
    csrf: String,
    resolution: Resolution,
    symbol: String,
    name: String,
    text: String,
    tracked: usize,
    exists: bool,
}

/// Reads the upload (a file, or pasted text) and shows its extraction without saving.
async fn preview(
    State(state): State<AppState>,
    Editor(user): Editor,
    mut multipart: Multipart,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut pasted = String::new();
    let mut csrf = String::new();
    while let Some(field) = multipart.next_field().await.map_err(upload_error)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(upload_error)?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            Some("text") => {
                pasted = field.text().await.map_err(|e| {
                    AppError::BadRequest(format!("The text could not be read: {e}"))
                })?;
            }
            Some("csrf") => {
                csrf = field.text().await.unwrap_or_default();
            }
            _ => {}
        }
    }
    // Nothing is read into the store before this check, and nothing is kept after a refusal.
    check_csrf(&user.csrf, &csrf)?;
    if let Some((name, _)) = &file
        && !ACCEPTED_EXTENSIONS
            .iter()
            .any(|ext| name.to_lowercase().ends_with(ext))
    {
        return Ok(refused(FormPage {
            csrf: user.csrf,
            error: Some(format!(
                "{name}: only text (.txt, .md), PDF (.pdf) and Word (.docx) files are read."
            )),
            text: pasted,
        }));
    }
    let (name, bytes) = match file {
        Some(f) => f,
        None if !pasted.trim().is_empty() => {
            ("pasted text".to_string(), pasted.clone().into_bytes())
        }
        None => {
            return Ok(refused(FormPage {
                csrf: user.csrf,
                error: Some("Choose a file or paste the text of a resolution.".into()),
                text: pasted,
            }));
        }
    };
    let calendar = store::load_session_calendar(&state.pool).await?;
    let reader = state.inner.reader.clone();
    let extracted = tokio::task::spawn_blocking(move || extract_source(&bytes, &calendar, &reader))
        .await
        .map_err(|_| AppError::BadRequest("The file could not be read.".into()))?;
    match extracted {
        Err((reason, _)) => Ok(refused(FormPage {
            csrf: user.csrf,
            error: Some(format!("{name}: {reason}")),
            text: pasted,
        })),
        Ok(source) => {
            let exists = store::find_document_id_by_symbol(&state.pool, &source.symbol)
                .await?
                .is_some();
            let tracked = source
                .resolution
                .operative
                .iter()
                .flat_map(|p| &p.clauses)
                .filter(|c| c.is_tracked())
                .count();
            Ok(PreviewPage {
                csrf: user.csrf,
                symbol: source.symbol,
                resolution: source.resolution,
                text: source.text,
                name,
                tracked,
                exists,
            }
            .into_response())
        }
    }
}

#[derive(Deserialize)]
struct SaveForm {
    text: String,
    name: String,
}

/// Saves the previewed text and shows the stored resolution.
async fn save(
    State(state): State<AppState>,
    Editor(user): Editor,
    CsrfForm(form): CsrfForm<SaveForm>,
) -> Result<Redirect, AppError> {
    let calendar = Arc::new(store::load_session_calendar(&state.pool).await?);
    let name = if form.name.trim().is_empty() {
        "upload".to_string()
    } else {
        form.name
    };
    let FileResult {
        outcome, symbol, ..
    } = import_bytes(
        &state.pool,
        &calendar,
        &state.inner.reader,
        form.text.into_bytes(),
        PathBuf::from(&name),
    )
    .await;
    let (document_id, what, obligations) = match outcome {
        Ok(ImportOutcome::Imported {
            document_id,
            obligations,
        }) => (document_id, "imported", obligations),
        Ok(ImportOutcome::Updated {
            document_id,
            obligations,
            ..
        }) => (document_id, "updated", obligations),
        Ok(ImportOutcome::Unchanged { document_id }) => {
            return Ok(Redirect::to(&format!(
                "/resolutions/{document_id}?imported=unchanged"
            )));
        }
        Err(reason) => return Err(AppError::BadRequest(reason)),
    };
    let link = format!("/resolutions/{document_id}");
    audit(
        &state.pool,
        &user,
        "resolution.import",
        symbol.as_deref().unwrap_or(&name),
        Some(&link),
        None,
        Some(serde_json::json!({ "outcome": what, "source": name, "obligations": obligations })),
    )
    .await?;
    // The resolution's page says it was saved (see `resolutions::ImportNotice`).
    Ok(Redirect::to(&format!("{link}?imported={what}")))
}

/// The form again with the reason it was refused; 422 so that a client sees the refusal.
fn refused(form: FormPage) -> axum::response::Response {
    use axum::response::IntoResponse;
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, form).into_response()
}

/// A refused upload: too large (413, with the limit), or unreadable.
fn upload_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(format!(
            "The upload is too large: a resolution's file may have {} MiB at most.",
            MAX_SOURCE_BYTES / (1024 * 1024)
        ))
    } else {
        AppError::BadRequest(format!("The upload could not be read: {e}"))
    }
}

/// What the upload accepts by name; the content is checked again when it is read.
const ACCEPTED_EXTENSIONS: [&str; 4] = [".txt", ".md", ".pdf", ".docx"];
