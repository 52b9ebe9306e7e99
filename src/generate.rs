//! `mandates dev generate`: fill a database with synthetic resolutions made from the bundled
//! demo set, for benchmarks and load tests (see `store::generate`).

use std::time::{Duration, Instant};

use futures::StreamExt;
use sqlx::PgPool;

use crate::store;

/// Clones per transaction: big enough to amortise the statements, small enough for progress.
const CHUNK: i64 = 2_000;
/// Chunks in flight at once; the server's work, so about its cores.
const CONCURRENCY: usize = 2;

/// What a run added.
#[derive(Debug, Clone, Copy)]
pub struct GenerateSummary {
    pub documents: i64,
    pub obligations: u64,
    pub elapsed: Duration,
}

/// Adds at least `obligations` obligations (whole resolutions, so a few more), reporting
/// progress as obligations added so far.
pub async fn generate(
    pool: &PgPool,
    obligations: i64,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<GenerateSummary> {
    let started = Instant::now();
    // The templates: the demo resolutions, imported if they are not there yet.
    let demo = crate::import::import_demo(pool).await?;
    if demo.failed() > 0 {
        anyhow::bail!("cannot import the demo resolutions that the generator copies");
    }
    let symbols: Vec<String> = demo.files.iter().filter_map(|f| f.symbol.clone()).collect();
    let plan = store::plan_generation(pool, &symbols).await?;
    let clones = plan.clones_for(obligations);
    let chunks: Vec<(i64, i64)> = (0..clones)
        .step_by(CHUNK as usize)
        .map(|from| (from + 1, (from + CHUNK).min(clones)))
        .collect();
    let mut added = 0;
    let mut runs = futures::stream::iter(chunks)
        .map(|(first, last)| {
            let plan = &plan;
            async move { store::generate_clones(pool, plan, first, last).await }
        })
        .buffer_unordered(CONCURRENCY);
    while let Some(result) = runs.next().await {
        added += result?;
        progress(added);
    }
    drop(runs);
    store::finish_generation(pool).await?;
    Ok(GenerateSummary {
        documents: clones,
        obligations: added,
        elapsed: started.elapsed(),
    })
}
