//! The digest worker: creates the week's jobs that are due, claims them one at a time with
//! `FOR UPDATE SKIP LOCKED`, composes and sends each, and records the outcome.
//!
//! # Exactly once, and its window
//!
//! A digest is a row in `digest_jobs`, unique per (subscriber, ISO week in their time zone), so
//! however many schedulers run, a week has one job. A job moves:
//!
//! 1. `pending` -> `sending`: one auto-committed `UPDATE ... WHERE id = (SELECT ... FOR UPDATE
//!    SKIP LOCKED)` that also sets the lease (`claimed_by`, `claimed_until`). Concurrent senders
//!    take different jobs and never wait on each other.
//! 2. The message is composed (before the claim's effects matter) and handed to SMTP.
//! 3. On the server's 250: one transaction inserts `sent_digests` (with the Message-ID) and
//!    sets the job `sent`. On an SMTP failure: the job goes back to `pending` with an
//!    exponential backoff and the error recorded, or to `failed` when the error is permanent or
//!    the attempts are spent.
//!
//! Step 2 is split in two at DATA. SMTP delivers nothing before the end of the message data,
//! so MAIL FROM and RCPT TO are sent first; then the job is marked `data_started_at` (one
//! auto-committed `UPDATE`, which also checks that the job is still this sender's); only then
//! are DATA and the message sent.
//!
//! A process that dies leaves its `pending` jobs untouched (they are claimed one at a time, so
//! nothing is reserved and lost) and at most `concurrency` jobs in `sending`. When their lease
//! has run out, the next run settles them: one without the DATA mark delivered nothing and is
//! retried at once; one with it is the only kind that may have been delivered. SMTP gives no
//! way to ask, so such a job is never resent blindly: it is marked `uncertain`, reported by
//! `mandates digest status` and on the dashboard's digest page, and left for a person to
//! decide. The same holds for a live sender whose connection breaks or times out after DATA
//! without the server's answer. The window is small: composing and reading the database happen
//! before the SMTP transaction, and the recording commit follows the 250 at once, so only a
//! death between the DATA mark and that commit (one SMTP exchange plus one commit,
//! milliseconds) can cause it. A graceful shutdown (SIGTERM, Ctrl-C) finishes the job in hand
//! and never opens the window. The Message-ID is stable per job (`<digest.JOB.WEEK@domain>`),
//! so should a person resend, receiving systems can recognise the duplicate.
//!
//! Nothing a subscriber row holds can panic a sender: names and addresses are checked when
//! they are added and again when a message is built (rows may predate the check), and building
//! a message runs under `catch_unwind`, so that what slips through fails its job with the
//! reason instead of killing the sender with jobs in hand.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use sqlx::PgPool;
use tokio::sync::watch;
use tracing::instrument;

use super::DigestConfig;
use super::compose::{DigestInput, DigestItem, NewText, compose_digest, shorten};
use super::mail::{
    MailError, Mailer, SmtpSession, build_message, digest_message_id, recipient_mailbox,
};
use super::schedule::{Clock, due_digest, parse_time_zone};
use crate::store::ListQuery;
use crate::store::{self, ClaimedJob, ObligationFilter, ObligationRow, ObligationSort};

/// How long a claimed job may stay in `sending` before it counts as abandoned: far longer
/// than one SMTP transaction can take with [`super::mail::SMTP_TIMEOUT`] per reply, so a live
/// sender always finishes first.
pub const LEASE_SECONDS: i32 = 300;
/// Attempts before a job is `failed` for good.
pub const MAX_ATTEMPTS: i32 = 5;
/// The most items a group lists; the rest are counted with a link to the full list.
pub const MAX_ITEMS: i64 = 100;

/// The wait before attempt `attempts + 1`: 1, 4, 16, 64 minutes.
pub fn retry_backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::minutes(4_i64.pow(attempts.clamp(1, 5) as u32 - 1))
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub scheduled: u64,
    pub sent: u64,
    pub skipped: u64,
    pub retrying: u64,
    pub failed: u64,
    /// Of the failed, those refused because of the subscriber's own address or name (email,
    /// reason): the subscriber's data to correct, not a fault of this run.
    pub refused: Vec<(String, String)>,
    /// Jobs a stopped sender left before DATA, runnable again (and sent by this run, if due).
    pub resumed: u64,
    /// Jobs marked uncertain by this run (email, week): abandoned after DATA by a stopped
    /// sender, or handed over by this run without an answer.
    pub uncertain: Vec<(String, NaiveDate)>,
}

impl std::fmt::Display for RunSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} scheduled, {} sent, {} with nothing to report, {} to retry, {} failed",
            self.scheduled, self.sent, self.skipped, self.retrying, self.failed
        )?;
        if self.resumed > 0 {
            write!(f, ", {} resumed after a stopped sender", self.resumed)?;
        }
        if !self.uncertain.is_empty() {
            write!(
                f,
                ", {} uncertain (see `mandates digest status`)",
                self.uncertain.len()
            )?;
        }
        Ok(())
    }
}

/// What happened to one claimed job.
enum Outcome {
    Sent,
    Skipped,
    Retrying,
    Failed,
    /// Failed for good because of the subscriber's address or name (the reason).
    Refused(String),
    /// Handed over without an answer: perhaps delivered.
    Uncertain,
    /// The job stopped being this sender's before DATA (its lease ran out); nothing was sent.
    Lost,
}

/// The digests' data, read once per distinct (filter, day, horizon) in a run.
#[derive(Clone)]
struct Items {
    overdue: Vec<DigestItem>,
    overdue_total: i64,
    due: Vec<DigestItem>,
    due_total: i64,
}

type ItemsCache = Arc<Mutex<HashMap<(String, NaiveDate, i32), Items>>>;

/// Sends digests: one per process, shared by its tasks.
#[derive(Clone)]
pub struct DigestWorker {
    pool: PgPool,
    mailer: Option<Mailer>,
    config: Arc<DigestConfig>,
    /// Names this process in `claimed_by`.
    worker_id: String,
    /// How many digests are in flight at once.
    pub concurrency: usize,
    /// A pause after each digest (for tests that stop a sender half-way).
    pub pause_after_each: Duration,
}

impl DigestWorker {
    pub fn new(pool: PgPool, mailer: Option<Mailer>, config: DigestConfig) -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "localhost".into());
        Self {
            pool,
            mailer,
            config: Arc::new(config),
            worker_id: format!("{host}:{}:{:x}", std::process::id(), rand_suffix()),
            concurrency: 4,
            pause_after_each: Duration::ZERO,
        }
    }

    /// True when an SMTP server is configured.
    pub fn can_send(&self) -> bool {
        self.mailer.is_some()
    }

    pub fn config(&self) -> &DigestConfig {
        &self.config
    }

    /// Creates the jobs of every digest due at `clock` that has none yet this week.
    #[instrument(skip_all)]
    pub async fn schedule_due_digests(&self, clock: Clock) -> Result<u64, sqlx::Error> {
        let subscribers = store::list_active_subscribers(&self.pool).await?;
        let (mut ids, mut weeks, mut days) = (Vec::new(), Vec::new(), Vec::new());
        for s in subscribers {
            let Ok(tz) = parse_time_zone(&s.time_zone) else {
                tracing::warn!(subscriber = s.id, zone = %s.time_zone, "unknown time zone; skipped");
                continue;
            };
            if let Some(due) = due_digest(clock.local(tz), s.send_weekday, s.send_hour) {
                ids.push(s.id);
                weeks.push(due.week_start);
                days.push(due.as_of);
            }
        }
        store::insert_digest_jobs(&self.pool, &ids, &weeks, &days).await
    }

    /// One full run: mark abandoned jobs uncertain, schedule what is due at `clock`, then send
    /// until no job is runnable or `stop` turns true.
    pub async fn run_once(
        &self,
        clock: Clock,
        stop: Option<watch::Receiver<bool>>,
    ) -> anyhow::Result<RunSummary> {
        let recovered = {
            let mut tx = self.pool.begin().await?;
            let recovered = store::recover_abandoned_digest_jobs(&mut tx, MAX_ATTEMPTS).await?;
            tx.commit().await?;
            recovered
        };
        if recovered.retried + recovered.failed > 0 {
            tracing::warn!(
                retried = recovered.retried,
                failed = recovered.failed,
                "a sender stopped before handing these digests over: nothing was delivered, so they are retried"
            );
        }
        for job in &recovered.uncertain {
            tracing::warn!(
                job = job.id,
                email = %job.email,
                week = %job.week_start,
                "a sender stopped while handing this digest over: marked uncertain, not resent"
            );
        }
        let scheduled = self.schedule_due_digests(clock).await?;
        let mut summary = self.send_pending(stop).await?;
        summary.scheduled = scheduled;
        summary.resumed = recovered.retried;
        summary.failed += recovered.failed;
        summary.uncertain.splice(
            0..0,
            recovered
                .uncertain
                .into_iter()
                .map(|j| (j.email, j.week_start)),
        );
        for (outcome, n) in [
            ("sent", summary.sent),
            ("failed", summary.failed),
            ("uncertain", summary.uncertain.len() as u64),
        ] {
            crate::metrics::count(crate::metrics::DIGESTS, &[("outcome", outcome)], n);
        }
        Ok(summary)
    }

    /// Claims and sends runnable jobs with `concurrency` tasks until none is left.
    pub async fn send_pending(
        &self,
        stop: Option<watch::Receiver<bool>>,
    ) -> anyhow::Result<RunSummary> {
        let mailer = self.mailer.clone().ok_or_else(|| {
            anyhow::anyhow!(
                "SMTP_URL is not set: say which SMTP server sends the digests, e.g. SMTP_URL=smtp://localhost:25"
            )
        })?;
        let cache: ItemsCache = Arc::default();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..self.concurrency.max(1) {
            let worker = self.clone();
            let mailer = mailer.clone();
            let cache = cache.clone();
            let stop = stop.clone();
            tasks.spawn(async move {
                let mut summary = RunSummary::default();
                // This task's connection, kept open from one digest to the next.
                let mut session = None;
                let result = async {
                    loop {
                        if stop.as_ref().is_some_and(|s| *s.borrow()) {
                            break;
                        }
                        let Some(job) = store::claim_next_digest_job(
                            &worker.pool,
                            &worker.worker_id,
                            LEASE_SECONDS,
                        )
                        .await?
                        else {
                            break;
                        };
                        let (email, week) = (job.email.clone(), job.week_start);
                        match worker.process(&mailer, &mut session, &cache, job).await? {
                            Outcome::Sent => summary.sent += 1,
                            Outcome::Skipped => summary.skipped += 1,
                            Outcome::Retrying => summary.retrying += 1,
                            Outcome::Failed => summary.failed += 1,
                            Outcome::Refused(reason) => {
                                summary.failed += 1;
                                summary.refused.push((email, reason));
                            }
                            Outcome::Uncertain => summary.uncertain.push((email, week)),
                            Outcome::Lost => {}
                        }
                        if !worker.pause_after_each.is_zero() {
                            tokio::time::sleep(worker.pause_after_each).await;
                        }
                    }
                    Ok::<_, anyhow::Error>(())
                }
                .await;
                if let Some(session) = session.take() {
                    SmtpSession::close(session).await;
                }
                result.map(|()| summary)
            });
        }
        // Every task is awaited, even after one fails: dropping the set would abort the others
        // in the middle of a send and leave their jobs uncertain.
        let mut total = RunSummary::default();
        let mut first_error = None;
        while let Some(done) = tasks.join_next().await {
            match done.map_err(anyhow::Error::from).and_then(|r| r) {
                Ok(s) => {
                    total.sent += s.sent;
                    total.skipped += s.skipped;
                    total.retrying += s.retrying;
                    total.failed += s.failed;
                    total.refused.extend(s.refused);
                    total.uncertain.extend(s.uncertain);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e.context(format!("stopped sending digests after {total}"))),
            None => Ok(total),
        }
    }

    /// Composes, sends and records one claimed job, over `session` (opened or reopened here).
    #[instrument(skip_all, fields(job = job.id, email = %job.email))]
    async fn process(
        &self,
        mailer: &Mailer,
        session: &mut Option<SmtpSession>,
        cache: &ItemsCache,
        job: ClaimedJob,
    ) -> anyhow::Result<Outcome> {
        let prepared = match self.prepare(cache, &job).await {
            Ok(p) => p,
            Err(PrepareError::Database(e)) => {
                // Not the message's fault: retry later.
                return self.fail(&job, &format!("database: {e}"), false).await;
            }
            Err(PrepareError::Invalid(reason)) => return self.fail(&job, &reason, true).await,
            Err(PrepareError::Recipient(reason)) => return self.refuse(&job, reason).await,
        };
        let Some((digest, message, message_id)) = prepared else {
            let mut tx = self.pool.begin().await?;
            store::complete_digest_job(&mut tx, job.id, &self.worker_id, "skipped").await?;
            tx.commit().await?;
            return Ok(Outcome::Skipped);
        };
        let body = message.formatted();

        // Before DATA: whatever fails here delivered nothing, so the job may simply be retried.
        let mut open = match announce(mailer, session.take(), &message, &body).await {
            Ok(open) => open,
            Err(e) if e.is_recipient_refused() => return self.refuse(&job, e.to_string()).await,
            Err(e) => return self.fail(&job, &e.to_string(), e.is_permanent()).await,
        };
        let marked = match store::mark_digest_data_started(
            &self.pool,
            job.id,
            &self.worker_id,
            LEASE_SECONDS,
        )
        .await
        {
            Ok(marked) => marked,
            Err(e) => {
                open.close().await;
                return Err(e.into());
            }
        };
        if !marked {
            tracing::error!("the job is no longer this sender's (its lease ran out); not sent");
            open.close().await;
            return Ok(Outcome::Lost);
        }

        // DATA: from here on the server may have the message.
        if let Err(e) = open.hand_over(&body).await {
            open.close().await;
            if e.is_reply() {
                // The server answered and refused the message: nothing was delivered.
                return self.fail(&job, &e.to_string(), e.is_permanent()).await;
            }
            store::record_digest_uncertain(&self.pool, job.id, &self.worker_id, &e.to_string())
                .await?;
            tracing::error!("no answer after the message was handed over, marked uncertain: {e}");
            return Ok(Outcome::Uncertain);
        }
        *session = Some(open);
        let mut tx = self.pool.begin().await?;
        let held = store::complete_digest_job(&mut tx, job.id, &self.worker_id, "sent").await?;
        if !held {
            tracing::error!(
                "the digest was sent but its job is no longer this sender's; not recorded"
            );
            return Ok(Outcome::Sent);
        }
        store::insert_sent_digest(
            &mut tx,
            &store::SentDigest {
                job_id: job.id,
                message_id: &message_id,
                subject: &digest.subject,
                overdue: digest.overdue as i32,
                due: digest.due as i32,
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(week = %job.week_start, "digest sent");
        Ok(Outcome::Sent)
    }

    /// Fails a job for good because of the subscriber's address or name.
    async fn refuse(&self, job: &ClaimedJob, reason: String) -> anyhow::Result<Outcome> {
        store::record_digest_failure(&self.pool, job.id, &self.worker_id, &reason, None).await?;
        tracing::error!("digest refused for good: {reason}");
        Ok(Outcome::Refused(reason))
    }

    async fn fail(
        &self,
        job: &ClaimedJob,
        error: &str,
        permanent: bool,
    ) -> anyhow::Result<Outcome> {
        let retry_at = (!permanent && job.attempts < MAX_ATTEMPTS)
            .then(|| Utc::now() + retry_backoff(job.attempts));
        store::record_digest_failure(&self.pool, job.id, &self.worker_id, error, retry_at).await?;
        match retry_at {
            Some(at) => {
                tracing::warn!(attempt = job.attempts, retry_at = %at, "digest not sent: {error}");
                Ok(Outcome::Retrying)
            }
            None => {
                tracing::error!(attempt = job.attempts, "digest failed for good: {error}");
                Ok(Outcome::Failed)
            }
        }
    }

    /// The digest and its message, or `None` when there is nothing to report and empty
    /// digests are not sent.
    async fn prepare(
        &self,
        cache: &ItemsCache,
        job: &ClaimedJob,
    ) -> Result<Option<(super::Digest, lettre::Message, String)>, PrepareError> {
        let input = self
            .digest_input(
                cache,
                job.subscriber_id,
                &job.name,
                &job.filter_query,
                job.as_of,
                job.weeks_ahead,
            )
            .await?;
        let message_id = digest_message_id(job.id, job.week_start, &self.config.from);
        let (digest, message) = compose_message(
            &self.config,
            &input,
            &job.name,
            &job.email,
            &message_id,
            self.config.send_empty,
        )?;
        // None when there is nothing to report and empty digests are not sent.
        Ok(message.map(|message| (digest, message, message_id)))
    }

    /// What a subscriber's digest says on `as_of`.
    async fn digest_input(
        &self,
        cache: &ItemsCache,
        subscriber_id: i64,
        name: &str,
        filter_query: &str,
        as_of: NaiveDate,
        weeks_ahead: i32,
    ) -> Result<DigestInput, PrepareError> {
        let key = (filter_query.to_string(), as_of, weeks_ahead);
        let cached = cache.lock().expect("cache lock").get(&key).cloned();
        let items = match cached {
            Some(items) => items,
            None => {
                let items = load_items(&self.pool, filter_query, as_of, weeks_ahead).await?;
                cache.lock().expect("cache lock").insert(key, items.clone());
                items
            }
        };
        Ok(DigestInput {
            recipient_name: if name.trim().is_empty() {
                "there".into()
            } else {
                name.to_string()
            },
            today: as_of,
            weeks_ahead: i64::from(weeks_ahead),
            overdue: items.overdue,
            overdue_total: items.overdue_total,
            due: items.due,
            due_total: items.due_total,
            base_url: self.config.base_url.clone(),
            filter_query: filter_query.to_string(),
            unsubscribe_url: self.config.unsubscribe_url(subscriber_id),
            new_texts: self.new_texts(filter_query, as_of).await?,
        })
    }

    /// The series the filter follows that have a new text imported in the seven days up to
    /// `as_of`, each against the text before it (issue 19: "new in this year's text"), as
    /// [`crate::new_texts`] finds them for the feeds too.
    async fn new_texts(
        &self,
        filter_query: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<NewText>, PrepareError> {
        let query: ListQuery = serde_urlencoded::from_str(filter_query.trim_start_matches('?'))
            .map_err(|e| PrepareError::Invalid(format!("the filter {filter_query:?}: {e}")))?;
        let filter = query
            .filter()
            .map_err(|e| PrepareError::Invalid(e.message))?;
        let found =
            crate::new_texts::find_new_texts(&self.pool, &filter, as_of, &self.config.base_url)
                .await?;
        Ok(found
            .into_iter()
            .map(|t| NewText {
                changes: t.change_lines(),
                symbol: t.symbol,
                previous_symbol: t.previous_symbol,
                url: t.series_url,
                verdict: t.verdict,
            })
            .collect())
    }

    /// The message a subscriber would receive on `as_of` (for `mandates digest preview`).
    pub async fn preview(
        &self,
        subscriber: &store::SubscriberRow,
        as_of: NaiveDate,
    ) -> Result<(super::Digest, lettre::Message), PrepareError> {
        let input = self
            .digest_input(
                &ItemsCache::default(),
                subscriber.id,
                &subscriber.name,
                &subscriber.filter_query,
                as_of,
                subscriber.weeks_ahead,
            )
            .await?;
        let week = super::schedule::week_start(as_of);
        let message_id = digest_message_id(0, week, &self.config.from);
        let (digest, message) = compose_message(
            &self.config,
            &input,
            &subscriber.name,
            &subscriber.email,
            &message_id,
            true,
        )?;
        // Asked to build even when empty, so a message is always there.
        let message =
            message.ok_or_else(|| PrepareError::Invalid("the digest was not built".into()))?;
        Ok((digest, message))
    }
}

/// The digest and its email. Composing and building are pure, but they run third-party
/// formatting code (templates, lettre's headers) over what a subscriber row holds; a panic
/// there is caught and becomes this digest's error, so that it cannot take down a sender with
/// other jobs in hand (or an admin's preview).
fn compose_message(
    config: &DigestConfig,
    input: &DigestInput,
    name: &str,
    email: &str,
    message_id: &str,
    build_if_empty: bool,
) -> Result<(super::Digest, Option<lettre::Message>), PrepareError> {
    let build = || -> Result<_, PrepareError> {
        let digest = compose_digest(input).map_err(|e| PrepareError::Invalid(e.to_string()))?;
        if digest.is_empty() && !build_if_empty {
            return Ok((digest, None));
        }
        let to = recipient_mailbox(name, email)?;
        let message = build_message(
            &digest,
            &config.from,
            &to,
            message_id,
            &input.unsubscribe_url,
        )?;
        Ok((digest, Some(message)))
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(email, "building the digest panicked: {what}");
        Err(PrepareError::Invalid(format!(
            "the digest to {email:?} could not be built ({what}); check the subscriber's name and address"
        )))
    })
}

/// MAIL FROM and RCPT TO for `message` over `session` when it can take another message, else
/// over a new connection. A kept connection that fails without a reply (the server closed it
/// while idle) is replaced once. Nothing is delivered yet whatever happens here.
async fn announce(
    mailer: &Mailer,
    session: Option<SmtpSession>,
    message: &lettre::Message,
    body: &[u8],
) -> Result<SmtpSession, MailError> {
    if let Some(mut kept) = session {
        if kept.is_idle() {
            match kept.announce(message, body).await {
                Ok(()) => return Ok(kept),
                Err(e) if e.is_reply() => {
                    kept.close().await;
                    return Err(e);
                }
                Err(_) => {}
            }
        }
        kept.close().await;
    }
    let mut open = mailer.connect().await?;
    match open.announce(message, body).await {
        Ok(()) => Ok(open),
        Err(e) => {
            open.close().await;
            Err(e)
        }
    }
}

/// Why a digest could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{0}")]
    Invalid(String),
    /// The subscriber's address or name cannot be sent to.
    #[error("{0}")]
    Recipient(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<MailError> for PrepareError {
    fn from(e: MailError) -> Self {
        match e {
            MailError::Recipient { .. } => PrepareError::Recipient(e.to_string()),
            e => PrepareError::Invalid(e.to_string()),
        }
    }
}

/// The store filter of a subscriber: their dashboard filter, limited to outstanding
/// obligations (open or in progress, or the one of the two they chose).
pub fn subscriber_filter(filter_query: &str) -> Result<ObligationFilter, String> {
    let query: ListQuery = serde_urlencoded::from_str(filter_query.trim_start_matches('?'))
        .map_err(|e| format!("the filter {filter_query:?} is not a query string: {e}"))?;
    let mut filter = query.filter().map_err(|e| e.to_string())?;
    if !matches!(filter.status.as_deref(), Some("open" | "in_progress")) {
        filter.status = Some("outstanding".into());
    }
    Ok(filter)
}

async fn load_items(
    pool: &PgPool,
    filter_query: &str,
    as_of: NaiveDate,
    weeks_ahead: i32,
) -> Result<Items, PrepareError> {
    let mut filter = subscriber_filter(filter_query).map_err(PrepareError::Invalid)?;
    // What was known on the digest's day: a preview of a past week says what it said then.
    filter.as_of = Some(as_of);
    let horizon = as_of + chrono::Duration::weeks(i64::from(weeks_ahead));
    let yesterday = as_of.pred_opt().unwrap_or(as_of);
    // Only kinds that can be late are overdue, of the subscriber's kinds if they chose some.
    let overdue_filter = ObligationFilter {
        due_to: Some(filter.due_to.map_or(yesterday, |d| d.min(yesterday))),
        ..filter.clone()
    }
    .late_kinds_only();
    let due_filter = ObligationFilter {
        due_from: Some(filter.due_from.map_or(as_of, |d| d.max(as_of))),
        due_to: Some(filter.due_to.map_or(horizon, |d| d.min(horizon))),
        ..filter.clone()
    };
    let sort = ObligationSort::DueSoonest;
    let overdue = store::list_obligations(pool, &overdue_filter, sort, MAX_ITEMS, 0).await?;
    let due = store::list_obligations(pool, &due_filter, sort, MAX_ITEMS, 0).await?;
    let items = |rows: Vec<ObligationRow>| -> Vec<DigestItem> {
        rows.into_iter()
            .filter_map(|r| {
                Some(DigestItem {
                    due_on: r.due_on?,
                    obligation_id: r.id,
                    symbol: r.symbol,
                    paragraph_number: r.paragraph_number,
                    actors: r.actors,
                    asks: shorten(&r.clause_text, 280),
                    estimated: r.estimated,
                    kind: r
                        .kind
                        .parse()
                        .unwrap_or(crate::resolution::ObligationKind::Other)
                        .label(),
                })
            })
            .collect()
    };
    let overdue_total = total(pool, &overdue, &overdue_filter).await?;
    let due_total = total(pool, &due, &due_filter).await?;
    Ok(Items {
        overdue: items(overdue),
        overdue_total,
        due: items(due),
        due_total,
    })
}

/// How many a list cut at MAX_ITEMS had in all: counted (up to store::COUNT_LIMIT) only when
/// it was cut.
async fn total(
    pool: &PgPool,
    rows: &[ObligationRow],
    filter: &ObligationFilter,
) -> Result<i64, sqlx::Error> {
    let shown = rows.len() as i64;
    if shown < MAX_ITEMS {
        Ok(shown)
    } else {
        Ok(store::count_obligations(pool, filter).await?.count)
    }
}

/// A few bits to tell two workers of one process id apart (after a restart in a container).
fn rand_suffix() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially() {
        let minutes: Vec<i64> = (1..=4).map(|a| retry_backoff(a).num_minutes()).collect();
        assert_eq!(minutes, [1, 4, 16, 64]);
    }

    #[test]
    fn a_subscribers_filter_is_the_dashboards_limited_to_outstanding() {
        let f = subscriber_filter("body=GA&actor=3&q=report&status=fulfilled").unwrap();
        assert_eq!(f.body.as_deref(), Some("GA"));
        assert_eq!(f.actor_id, Some(3));
        assert_eq!(f.text.as_deref(), Some("report"));
        assert_eq!(f.status.as_deref(), Some("outstanding"));
        assert_eq!(
            subscriber_filter("status=in_progress")
                .unwrap()
                .status
                .as_deref(),
            Some("in_progress")
        );
        assert!(subscriber_filter("body=XX").unwrap_err().contains("GA"));
        assert!(subscriber_filter("").is_ok());
    }
}
