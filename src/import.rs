//! Importing resolution files into the store: walking the paths given, reading each file,
//! extracting it, saving it in its own transaction, and summing up what happened.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::reader::DocumentReader;
use crate::resolution::{self, MAX_SOURCE_BYTES, SessionCalendar};
use crate::store::{self, DocumentImport, ImportOutcome};

/// File endings a directory walk picks up; a file named explicitly is always tried.
const SOURCE_EXTENSIONS: [&str; 5] = ["txt", "md", "text", "pdf", "docx"];

/// What became of one file.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    pub symbol: Option<String>,
    pub outcome: Result<ImportOutcome, String>,
    pub warnings: Vec<String>,
}

/// What an import run did, file by file.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub files: Vec<FileResult>,
}

impl ImportSummary {
    pub fn count(&self, pick: impl Fn(&Result<ImportOutcome, String>) -> bool) -> usize {
        self.files.iter().filter(|f| pick(&f.outcome)).count()
    }
    pub fn imported(&self) -> usize {
        self.count(|o| matches!(o, Ok(ImportOutcome::Imported { .. })))
    }
    pub fn updated(&self) -> usize {
        self.count(|o| matches!(o, Ok(ImportOutcome::Updated { .. })))
    }
    pub fn unchanged(&self) -> usize {
        self.count(|o| matches!(o, Ok(ImportOutcome::Unchanged { .. })))
    }
    pub fn failed(&self) -> usize {
        self.count(Result::is_err)
    }
}

/// Every file under `paths`: files as given, directories walked recursively for source
/// files, in a stable order. A path that does not exist is reported as a failure.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileResult>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .follow_links(true)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(walkdir::DirEntry::into_path)
                .filter(|p| has_source_extension(p))
                .collect();
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            missing.push(FileResult {
                path: path.clone(),
                symbol: None,
                outcome: Err("no such file or directory".into()),
                warnings: Vec::new(),
            });
        }
    }
    (files, missing)
}

fn has_source_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SOURCE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Reads a source file, refusing one above the size limit before reading it whole.
pub fn read_source_file(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if metadata.len() > MAX_SOURCE_BYTES {
        return Err(resolution::SourceError::TooLarge {
            size: metadata.len(),
            limit: MAX_SOURCE_BYTES,
        }
        .to_string());
    }
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

/// A source read and extracted, ready to save.
#[derive(Debug)]
pub struct ExtractedSource {
    pub resolution: resolution::Resolution,
    pub symbol: String,
    pub text: String,
    pub content_hash: String,
    pub source_type: resolution::SourceType,
}

/// Decodes and reads one source (PDF and Word in `reader`'s limited child process; blocks).
/// The error says why it is not importable.
pub fn extract_source(
    bytes: &[u8],
    calendar: &SessionCalendar,
    reader: &DocumentReader,
) -> Result<ExtractedSource, (String, Vec<String>)> {
    let (source_type, text) = reader
        .read_source(bytes)
        .map_err(|e| (e.to_string(), Vec::new()))?;
    let resolution =
        resolution::read_resolution(&text, calendar).map_err(|e| (e.to_string(), Vec::new()))?;
    let Some(symbol) = resolution.symbol.clone() else {
        return Err((
            "no document symbol found (such as A/RES/75/58 or \"75/58.\" before the title): \
             is this the full text of a resolution?"
                .to_string(),
            resolution.warnings,
        ));
    };
    Ok(ExtractedSource {
        symbol,
        content_hash: format!("{:x}", Sha256::digest(bytes)),
        resolution,
        text,
        source_type,
    })
}

/// Extracts (on a blocking thread) and saves one source given as bytes.
pub async fn import_bytes(
    pool: &PgPool,
    calendar: &Arc<SessionCalendar>,
    reader: &DocumentReader,
    bytes: Vec<u8>,
    path: PathBuf,
) -> FileResult {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let calendar = Arc::clone(calendar);
    let reader = reader.clone();
    let extracted = tokio::task::spawn_blocking(move || extract_source(&bytes, &calendar, &reader))
        .await
        .unwrap_or_else(|e| Err((format!("the reader failed on this file: {e}"), Vec::new())));
    let source = match extracted {
        Ok(source) => source,
        Err((reason, warnings)) => {
            crate::metrics::count(crate::metrics::IMPORTS, &[("outcome", "failed")], 1);
            return FileResult {
                path,
                symbol: None,
                outcome: Err(reason),
                warnings,
            };
        }
    };
    let doc = DocumentImport {
        resolution: &source.resolution,
        symbol: &source.symbol,
        source_text: &source.text,
        content_hash: &source.content_hash,
        source_name: &name,
        source_type: source.source_type,
    };
    let outcome = store::import_document(pool, &doc)
        .await
        .map_err(|e| format!("cannot save {}: {e}", source.symbol));
    crate::metrics::count_import(&outcome);
    FileResult {
        path,
        symbol: Some(source.symbol),
        outcome,
        warnings: source.resolution.warnings,
    }
}

/// Reads, extracts and saves one file.
pub async fn import_file(
    pool: &PgPool,
    calendar: &Arc<SessionCalendar>,
    reader: &DocumentReader,
    path: &Path,
) -> FileResult {
    match read_source_file(path) {
        Ok(bytes) => import_bytes(pool, calendar, reader, bytes, path.to_path_buf()).await,
        Err(reason) => {
            crate::metrics::count(crate::metrics::IMPORTS, &[("outcome", "failed")], 1);
            FileResult {
                path: path.to_path_buf(),
                symbol: None,
                outcome: Err(reason),
                warnings: Vec::new(),
            }
        }
    }
}

/// How many documents are read and saved at once: enough to keep both the reader and the
/// database busy; each still has its own transaction.
const IMPORT_CONCURRENCY: usize = 4;

/// Imports every file under `paths`, each in its own transaction; a failure is recorded and
/// the rest go on. `progress(done, total, path)` is called as files finish. The summary lists
/// files in path order. PDF and Word files are read by `reader`, each in its own limited
/// child process, so that a hostile file fails alone.
pub async fn import_paths(
    pool: &PgPool,
    reader: &DocumentReader,
    paths: &[PathBuf],
    progress: &(dyn Fn(usize, usize, &Path) + Sync),
) -> Result<ImportSummary, sqlx::Error> {
    use futures::StreamExt;
    let calendar = Arc::new(store::load_session_calendar(pool).await?);
    let (files, missing) = collect_files(paths);
    let total = files.len();
    let mut done = 0;
    let mut results: Vec<(usize, FileResult)> = Vec::with_capacity(total);
    let mut stream = futures::stream::iter(files.iter().enumerate())
        .map(|(i, path)| {
            let calendar = &calendar;
            async move { (i, import_file(pool, calendar, reader, path).await) }
        })
        .buffer_unordered(IMPORT_CONCURRENCY);
    while let Some((i, result)) = stream.next().await {
        done += 1;
        progress(done, total, &result.path);
        results.push((i, result));
    }
    results.sort_by_key(|(i, _)| *i);
    let mut summary = ImportSummary { files: missing };
    summary.files.extend(results.into_iter().map(|(_, r)| r));
    Ok(summary)
}

/// Imports the bundled demo resolutions (see [`crate::demo`]), in their order.
pub async fn import_demo(pool: &PgPool) -> Result<ImportSummary, sqlx::Error> {
    let calendar = Arc::new(store::load_session_calendar(pool).await?);
    // The demo resolutions are plain text, read in this process: no reader child is started.
    let reader = DocumentReader::default();
    let mut summary = ImportSummary::default();
    for (name, bytes) in crate::demo::DEMO_RESOLUTIONS {
        summary.files.push(
            import_bytes(
                pool,
                &calendar,
                &reader,
                bytes.to_vec(),
                PathBuf::from(name),
            )
            .await,
        );
    }
    Ok(summary)
}
