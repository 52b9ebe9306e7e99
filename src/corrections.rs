//! What editors' corrections teach: every corrected resolution written as gold data in the
//! shape of the test corpus (`extract.schema.json`, `corpus/gold/`), and which fields and
//! patterns are corrected most.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use sqlx::PgPool;

use crate::resolution::correction::{Fix, apply_corrections};
use crate::resolution::json::ResolutionJson;
use crate::store;

/// The gold JSON of one resolution: the fields of `corpus/gold/` only.
pub fn gold_json(res: &crate::resolution::Resolution) -> serde_json::Value {
    let full = serde_json::to_value(ResolutionJson::from(res)).unwrap_or_default();
    let keep = |v: &serde_json::Value, keys: &[&str]| -> serde_json::Value {
        serde_json::Value::Object(
            keys.iter()
                .filter_map(|k| v.get(*k).map(|x| (k.to_string(), x.clone())))
                .collect(),
        )
    };
    let mut out = keep(
        &full,
        &[
            "symbol",
            "body",
            "session",
            "adopted_on",
            "title",
            "agenda_items",
        ],
    );
    let operative: Vec<serde_json::Value> = full["operative"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let mut para = keep(p, &["number", "text"]);
            let clauses: Vec<serde_json::Value> = p["clauses"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    let mut clause = keep(c, &["verb", "action", "actors", "deliverables"]);
                    let deadlines: Vec<serde_json::Value> = c["deadlines"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|d| {
                            keep(
                                d,
                                &[
                                    "kind", "body", "session", "date", "year", "month", "amount",
                                    "unit", "text", "due_on",
                                ],
                            )
                        })
                        .collect();
                    clause["deadlines"] = deadlines.into();
                    clause
                })
                .collect();
            para["clauses"] = clauses.into();
            para
        })
        .collect();
    out["operative"] = operative.into();
    out
}

/// Writes `DIR/<symbol>.txt` (the stored text) and `DIR/gold/<symbol>.json` (the reading with
/// every correction applied) for each corrected resolution, the layout `score.py --corpus DIR`
/// reads. Returns how many resolutions it wrote.
pub async fn export_corrections(pool: &PgPool, dir: &Path) -> anyhow::Result<usize> {
    let gold = dir.join("gold");
    std::fs::create_dir_all(&gold).with_context(|| format!("cannot create {}", gold.display()))?;
    let calendar = store::load_session_calendar(pool).await?;
    let mut written = 0;
    for document_id in store::list_corrected_documents(pool).await? {
        let Some(source) = store::find_document_source(pool, document_id).await? else {
            continue;
        };
        let mut res = crate::resolution::read_resolution(&source.source_text, &calendar)
            .with_context(|| format!("cannot read the stored text of {}", source.symbol))?;
        let corrections = store::load_document_corrections(pool, document_id).await?;
        apply_corrections(&mut res, &corrections);
        let name = source.symbol.replace('/', "-");
        std::fs::write(dir.join(format!("{name}.txt")), &source.source_text)
            .with_context(|| format!("cannot write {name}.txt"))?;
        let json = serde_json::to_string_pretty(&gold_json(&res))?;
        std::fs::write(gold.join(format!("{name}.json")), json + "\n")
            .with_context(|| format!("cannot write gold/{name}.json"))?;
        written += 1;
    }
    Ok(written)
}

/// Which fields and which patterns editors correct most, as lines to print.
pub async fn correction_stats(pool: &PgPool) -> anyhow::Result<String> {
    let rows = store::list_all_corrections(pool).await?;
    let mut by_field: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_verb: BTreeMap<String, usize> = BTreeMap::new();
    let mut patterns: BTreeMap<String, usize> = BTreeMap::new();
    let mut needs_review = 0;
    let mut documents = std::collections::BTreeSet::new();
    for r in &rows {
        if r.field == "looks_right" {
            continue;
        }
        documents.insert(r.document_id);
        *by_field.entry(r.field.clone()).or_default() += 1;
        *by_verb.entry(r.verb.clone()).or_default() += 1;
        if r.state == "needs_review" {
            needs_review += 1;
        }
        let after = r.after.clone().unwrap_or_default();
        let pattern = match Fix::from_stored(&r.field, after) {
            Some(Fix::Action(a)) => Some(format!(
                "action {} -> {}",
                short(r.before.as_ref()),
                a.as_str()
            )),
            Some(Fix::Kind(k)) => Some(format!("kind {} -> {k}", short(r.before.as_ref()))),
            Some(Fix::Tracked(t)) => Some(format!("tracked {} -> {t}", short(r.before.as_ref()))),
            Some(Fix::Deadline(d)) => Some(format!(
                "deadline {} -> {}",
                r.before
                    .as_ref()
                    .and_then(|b| b.get("kind"))
                    .and_then(|k| k.as_str())
                    .unwrap_or("none"),
                d.map(|d| d.kind).unwrap_or_else(|| "none".into())
            )),
            Some(Fix::Actors(a)) => Some(format!(
                "actors {} -> {}",
                if short(r.before.as_ref()) == "[]" {
                    "none"
                } else {
                    "some"
                },
                if a.is_empty() { "none" } else { "some" }
            )),
            Some(Fix::Added(a)) => Some(format!("missed {} \"{}\"", a.as_str(), r.verb)),
            _ => None,
        };
        if let Some(p) = pattern {
            *patterns.entry(p).or_default() += 1;
        }
    }
    let total: usize = by_field.values().sum();
    let mut out = format!(
        "{total} corrections of {} resolutions ({needs_review} need review)\n",
        documents.len()
    );
    for (title, map) in [
        ("by field", &by_field),
        ("by verb", &by_verb),
        ("by pattern", &patterns),
    ] {
        out.push_str(&format!("\n{title}:\n"));
        let mut lines: Vec<(&String, &usize)> = map.iter().collect();
        lines.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (name, n) in lines.into_iter().take(15) {
            out.push_str(&format!("  {n:>5}  {name}\n"));
        }
    }
    Ok(out)
}

fn short(v: Option<&serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "none".into(),
    }
}
