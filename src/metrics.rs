//! What `/metrics` reports, in Prometheus' text format: counters and latency histograms kept
//! by this process (requests by route, imports, digests, cache hits), and gauges read when
//! scraped (the connection pool, the digest queue).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{LazyLock, Mutex};

/// Upper bounds of the latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Every metric family, in the order shown: name, type, help.
const FAMILIES: [(&str, &str, &str); 9] = [
    (
        HTTP_REQUESTS,
        "counter",
        "HTTP requests answered, by method, matched route pattern and status code.",
    ),
    (
        HTTP_DURATION,
        "histogram",
        "Time to answer an HTTP request, by method and matched route pattern.",
    ),
    (
        IMPORTS,
        "counter",
        "Documents imported, by outcome (imported, updated, unchanged, failed).",
    ),
    (
        DIGESTS,
        "counter",
        "Weekly digests by outcome (sent, failed, uncertain: handed over without an answer).",
    ),
    (
        CACHE,
        "counter",
        "Page results looked up in the result cache, by outcome (hit, miss).",
    ),
    (
        CACHE_DROPPED,
        "counter",
        "Page results dropped from the result cache because a change touched what they were read from.",
    ),
    (
        DIGEST_QUEUE,
        "gauge",
        "Digest jobs in the database, by status (pending, sending, sent, failed, uncertain).",
    ),
    (
        POOL_CONNECTIONS,
        "gauge",
        "Database connections held by the pool, by state (idle, in_use).",
    ),
    (
        POOL_MAX,
        "gauge",
        "The most database connections the pool may open.",
    ),
];

pub const HTTP_REQUESTS: &str = "mandates_http_requests_total";
pub const HTTP_DURATION: &str = "mandates_http_request_duration_seconds";
pub const IMPORTS: &str = "mandates_imports_total";
pub const DIGESTS: &str = "mandates_digests_total";
pub const CACHE: &str = "mandates_result_cache_lookups_total";
pub const CACHE_DROPPED: &str = "mandates_result_cache_dropped_total";
pub const DIGEST_QUEUE: &str = "mandates_digest_jobs";
pub const POOL_CONNECTIONS: &str = "mandates_db_pool_connections";
pub const POOL_MAX: &str = "mandates_db_pool_max_connections";

type Labels = Vec<(&'static str, String)>;

#[derive(Default)]
struct Histogram {
    /// Observations at or below each bound of [`LATENCY_BUCKETS`] (not cumulative here).
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Registry {
    counters: BTreeMap<(&'static str, Labels), u64>,
    histograms: BTreeMap<(&'static str, Labels), Histogram>,
}

/// One registry per process: imports, digests and pages count into it from wherever they run.
static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

fn labels(pairs: &[(&'static str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

/// Adds `by` to a counter.
pub fn count(name: &'static str, pairs: &[(&'static str, &str)], by: u64) {
    *registry()
        .counters
        .entry((name, labels(pairs)))
        .or_default() += by;
}

/// Records one observation, in seconds, in a histogram.
pub fn observe(name: &'static str, pairs: &[(&'static str, &str)], seconds: f64) {
    let mut registry = registry();
    let histogram = registry
        .histograms
        .entry((name, labels(pairs)))
        .or_default();
    if let Some(bucket) = LATENCY_BUCKETS.iter().position(|bound| seconds <= *bound) {
        histogram.buckets[bucket] += 1;
    }
    histogram.count += 1;
    histogram.sum += seconds;
}

/// Counts the outcome of importing one document.
pub fn count_import<T>(outcome: &Result<crate::store::ImportOutcome, T>) {
    use crate::store::ImportOutcome;
    let outcome = match outcome {
        Ok(ImportOutcome::Imported { .. }) => "imported",
        Ok(ImportOutcome::Updated { .. }) => "updated",
        Ok(ImportOutcome::Unchanged { .. }) => "unchanged",
        Err(_) => "failed",
    };
    count(IMPORTS, &[("outcome", outcome)], 1);
}

/// A value read at scrape time.
pub struct Gauge {
    pub name: &'static str,
    pub labels: Vec<(&'static str, String)>,
    pub value: f64,
}

/// `\`, `"` and line breaks escaped, as the text format wants label values.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn label_text(labels: &[(&'static str, String)], extra: Option<(&str, String)>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    if let Some((k, v)) = extra {
        parts.push(format!("{k}=\"{v}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

/// Everything in the text exposition format (version 0.0.4), with `gauges` read by the caller.
pub fn render(gauges: &[Gauge]) -> String {
    let registry = registry();
    let mut out = String::new();
    for (family, kind, help) in FAMILIES {
        let _ = writeln!(out, "# HELP {family} {help}");
        let _ = writeln!(out, "# TYPE {family} {kind}");
        for ((name, labels), value) in &registry.counters {
            if *name == family {
                let _ = writeln!(out, "{name}{} {value}", label_text(labels, None));
            }
        }
        for ((name, labels), histogram) in &registry.histograms {
            if *name != family {
                continue;
            }
            let mut cumulative = 0;
            for (bound, n) in LATENCY_BUCKETS.iter().zip(histogram.buckets) {
                cumulative += n;
                let le = label_text(labels, Some(("le", bound.to_string())));
                let _ = writeln!(out, "{name}_bucket{le} {cumulative}");
            }
            let inf = label_text(labels, Some(("le", "+Inf".into())));
            let _ = writeln!(out, "{name}_bucket{inf} {}", histogram.count);
            let plain = label_text(labels, None);
            let _ = writeln!(out, "{name}_sum{plain} {}", histogram.sum);
            let _ = writeln!(out, "{name}_count{plain} {}", histogram.count);
        }
        for gauge in gauges.iter().filter(|g| g.name == family) {
            let _ = writeln!(
                out,
                "{}{} {}",
                gauge.name,
                label_text(&gauge.labels, None),
                gauge.value
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn histograms_are_cumulative_and_end_with_inf() {
        observe(HTTP_DURATION, &[("route", "/unit-test")], 0.003);
        observe(HTTP_DURATION, &[("route", "/unit-test")], 20.0);
        let text = render(&[]);
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("/unit-test")).collect();
        assert!(lines.contains(
            &"mandates_http_request_duration_seconds_bucket{route=\"/unit-test\",le=\"0.0025\"} 0"
        ));
        assert!(lines.contains(
            &"mandates_http_request_duration_seconds_bucket{route=\"/unit-test\",le=\"0.005\"} 1"
        ));
        assert!(lines.contains(
            &"mandates_http_request_duration_seconds_bucket{route=\"/unit-test\",le=\"10\"} 1"
        ));
        assert!(lines.contains(
            &"mandates_http_request_duration_seconds_bucket{route=\"/unit-test\",le=\"+Inf\"} 2"
        ));
        assert!(
            lines.contains(&"mandates_http_request_duration_seconds_count{route=\"/unit-test\"} 2")
        );
    }
}
