//! The import page: upload a file or paste text, see what would be extracted, then save it.

use std::path::PathBuf;
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use serde::Deserialize;

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
    error: Option<String>,
    text: String,
}

async fn show_form() -> FormPage {
    FormPage {
        error: None,
        text: String::new(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "import/preview.html")]
struct PreviewPage {
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
    mut multipart: Multipart,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut pasted = String::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?
    {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    AppError::BadRequest(format!("The file could not be read: {e}"))
                })?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            Some("text") => {
                pasted = field.text().await.map_err(|e| {
                    AppError::BadRequest(format!("The text could not be read: {e}"))
                })?;
            }
            _ => {}
        }
    }
    let (name, bytes) = match file {
        Some(f) => f,
        None if !pasted.trim().is_empty() => {
            ("pasted text".to_string(), pasted.clone().into_bytes())
        }
        None => {
            return Ok(FormPage {
                error: Some("Choose a file or paste the text of a resolution.".into()),
                text: pasted,
            }
            .into_response());
        }
    };
    let calendar = store::load_session_calendar(&state.pool).await?;
    let extracted = tokio::task::spawn_blocking(move || extract_source(&bytes, &calendar))
        .await
        .map_err(|_| AppError::BadRequest("The file could not be read.".into()))?;
    match extracted {
        Err((reason, _)) => Ok(FormPage {
            error: Some(format!("{name}: {reason}")),
            text: pasted,
        }
        .into_response()),
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
    Form(form): Form<SaveForm>,
) -> Result<Redirect, AppError> {
    let calendar = Arc::new(store::load_session_calendar(&state.pool).await?);
    let name = if form.name.trim().is_empty() {
        "upload".to_string()
    } else {
        form.name
    };
    let FileResult { outcome, .. } = import_bytes(
        &state.pool,
        &calendar,
        form.text.into_bytes(),
        PathBuf::from(name),
    )
    .await;
    match outcome {
        Ok(
            ImportOutcome::Imported { document_id, .. }
            | ImportOutcome::Updated { document_id, .. }
            | ImportOutcome::Unchanged { document_id },
        ) => Ok(Redirect::to(&format!("/resolutions/{document_id}"))),
        Err(reason) => Err(AppError::BadRequest(reason)),
    }
}
