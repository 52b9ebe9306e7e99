//! Importing resolution files into the store: walking the paths given, reading each file,
//! extracting it, saving it in its own transaction, and summing up what happened.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sqlx::PgPool;

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

/// Reads, extracts and saves one file.
pub async fn import_file(pool: &PgPool, calendar: &SessionCalendar, path: &Path) -> FileResult {
    let mut result = FileResult {
        path: path.to_path_buf(),
        symbol: None,
        outcome: Err(String::new()),
        warnings: Vec::new(),
    };
    result.outcome = async {
        let bytes = read_source_file(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        import_bytes(
            pool,
            calendar,
            &bytes,
            &name,
            &mut result.symbol,
            &mut result.warnings,
        )
        .await
    }
    .await;
    result
}

/// Extracts and saves one source given as bytes (a file's or an upload's).
pub async fn import_bytes(
    pool: &PgPool,
    calendar: &SessionCalendar,
    bytes: &[u8],
    name: &str,
    symbol_out: &mut Option<String>,
    warnings: &mut Vec<String>,
) -> Result<ImportOutcome, String> {
    let (source_type, text) = resolution::source_text(bytes).map_err(|e| e.to_string())?;
    let resolution = resolution::read_resolution(&text, calendar).map_err(|e| e.to_string())?;
    warnings.extend(resolution.warnings.iter().cloned());
    let symbol = resolution.symbol.clone().ok_or_else(|| {
        "no document symbol found (such as A/RES/75/58 or \"75/58.\" before the title): \
         is this the full text of a resolution?"
            .to_string()
    })?;
    *symbol_out = Some(symbol.clone());
    let content_hash = format!("{:x}", Sha256::digest(bytes));
    let doc = DocumentImport {
        resolution: &resolution,
        symbol: &symbol,
        source_text: &text,
        content_hash: &content_hash,
        source_name: name,
        source_type,
    };
    store::import_document(pool, &doc)
        .await
        .map_err(|e| format!("cannot save {symbol}: {e}"))
}

/// Imports every file under `paths`, each in its own transaction; a failure is recorded and
/// the rest go on. `progress(done, total, path)` is called before each file.
pub async fn import_paths(
    pool: &PgPool,
    paths: &[PathBuf],
    progress: &(dyn Fn(usize, usize, &Path) + Sync),
) -> Result<ImportSummary, sqlx::Error> {
    let calendar = store::load_session_calendar(pool).await?;
    let (files, missing) = collect_files(paths);
    let mut summary = ImportSummary { files: missing };
    for (i, path) in files.iter().enumerate() {
        progress(i, files.len(), path);
        summary.files.push(import_file(pool, &calendar, path).await);
    }
    progress(files.len(), files.len(), Path::new(""));
    Ok(summary)
}

/// Imports the bundled demo resolutions (see [`crate::demo`]).
pub async fn import_demo(pool: &PgPool) -> Result<ImportSummary, sqlx::Error> {
    let calendar = store::load_session_calendar(pool).await?;
    let mut summary = ImportSummary::default();
    for (name, bytes) in crate::demo::DEMO_RESOLUTIONS {
        let mut file = FileResult {
            path: PathBuf::from(name),
            symbol: None,
            outcome: Err(String::new()),
            warnings: Vec::new(),
        };
        file.outcome = import_bytes(
            pool,
            &calendar,
            bytes,
            name,
            &mut file.symbol,
            &mut file.warnings,
        )
        .await;
        summary.files.push(file);
    }
    Ok(summary)
}
