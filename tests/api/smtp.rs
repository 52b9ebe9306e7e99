//! A real SMTP server for the tests and the benchmark: `mailin-embedded` on a free local port,
//! keeping every message it accepts (recipients and raw RFC 5322 text) in memory. It can be
//! made to stall at a step of the SMTP transaction, so that a test can kill a sender there.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{Handler, Response, Server, response};

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: String,
}

/// A step of the SMTP transaction where the server can stop and wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // each test binary (tests, benchmark) uses some of them
pub enum Stall {
    /// On RCPT TO, before answering: the client has sent no message data.
    Rcpt,
    /// After the whole message arrived (it is kept), before answering 250: the client cannot
    /// know that the server has it.
    DataEnd,
}

#[derive(Default)]
struct StallState {
    at: Option<Stall>,
    /// Stall only once this many messages were received.
    after: usize,
    /// Connections waiting at the stall.
    waiting: usize,
}

type Stalls = Arc<(Mutex<StallState>, Condvar)>;

#[derive(Clone)]
struct Inbox {
    messages: Arc<Mutex<Vec<Received>>>,
    /// How many of the next messages to refuse with a transient 451.
    refuse_next: Arc<AtomicUsize>,
    to: Vec<String>,
    data: Vec<u8>,
    stalls: Stalls,
    /// Addresses refused for good at RCPT TO (550), as a mailbox that does not exist.
    unknown: Arc<Mutex<Vec<String>>>,
}

impl Inbox {
    /// Waits here while the server is set to stall at `step`, then goes on.
    fn pass(&self, step: Stall) {
        let (state, changed) = &*self.stalls;
        let mut state = state.lock().unwrap();
        let received = self.messages.lock().unwrap().len();
        if state.at != Some(step) || received < state.after {
            return;
        }
        state.waiting += 1;
        changed.notify_all();
        while state.at == Some(step) {
            state = changed.wait(state).unwrap();
        }
        state.waiting -= 1;
    }
}

impl Handler for Inbox {
    fn rcpt(&mut self, to: &str) -> Response {
        self.pass(Stall::Rcpt);
        if self.unknown.lock().unwrap().iter().any(|u| u == to) {
            return response::NO_MAILBOX;
        }
        // Refused at RCPT: mailin stays in its DATA state after an error at the end of DATA.
        let refuse = self
            .refuse_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if refuse {
            response::INTERNAL_ERROR
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let received = Received {
            to: std::mem::take(&mut self.to),
            raw: String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned(),
        };
        // Counted before a stall here: the server has the message, only its answer waits.
        let stall = {
            let state = self.stalls.0.lock().unwrap();
            state.at == Some(Stall::DataEnd) && self.messages.lock().unwrap().len() >= state.after
        };
        self.messages.lock().unwrap().push(received);
        if stall {
            let (state, changed) = &*self.stalls;
            let mut state = state.lock().unwrap();
            state.waiting += 1;
            changed.notify_all();
            while state.at == Some(Stall::DataEnd) {
                state = changed.wait(state).unwrap();
            }
            state.waiting -= 1;
        }
        response::OK
    }
}

/// The running server. It lives until the process exits.
pub struct SmtpServer {
    /// `smtp://127.0.0.1:PORT` (plain SMTP, as `SMTP_URL`).
    pub url: String,
    messages: Arc<Mutex<Vec<Received>>>,
    refuse_next: Arc<AtomicUsize>,
    stalls: Stalls,
    unknown: Arc<Mutex<Vec<String>>>,
}

impl SmtpServer {
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let refuse_next = Arc::new(AtomicUsize::new(0));
        let stalls = Stalls::default();
        let unknown = Arc::new(Mutex::new(Vec::new()));
        let inbox = Inbox {
            unknown: unknown.clone(),
            messages: messages.clone(),
            refuse_next: refuse_next.clone(),
            to: Vec::new(),
            data: Vec::new(),
            stalls: stalls.clone(),
        };
        std::thread::spawn(move || {
            let mut server = Server::new(inbox);
            // One thread per open connection: enough for several pooled senders at once.
            server
                .with_name("smtp.test")
                .with_num_threads(64)
                .with_tcp_listener(listener);
            server.serve().expect("the test SMTP server runs");
        });
        Self {
            url: format!("smtp://127.0.0.1:{port}"),
            messages,
            refuse_next,
            stalls,
            unknown,
        }
    }

    /// Refuse `address` for good at RCPT TO (550 Mailbox unavailable).
    #[allow(dead_code)]
    pub fn refuse_address(&self, address: &str) {
        self.unknown.lock().unwrap().push(address.to_string());
    }

    /// Every message accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.messages.lock().unwrap().len()
    }

    /// Refuse the next `n` messages with a transient error (451).
    pub fn refuse_next(&self, n: usize) {
        self.refuse_next.store(n, Ordering::SeqCst);
    }

    /// From now on, every connection that reaches `step` once `after` messages were received
    /// stops there until [`SmtpServer::release`].
    #[allow(dead_code)]
    pub fn stall_at(&self, step: Stall, after: usize) {
        let mut state = self.stalls.0.lock().unwrap();
        state.at = Some(step);
        state.after = after;
    }

    /// Blocks until `n` connections wait at the stall (panics after a minute: a sender that
    /// never gets there is a failure, not a reason to wait for ever).
    #[allow(dead_code)]
    pub fn wait_for_stalled(&self, n: usize) {
        let (state, changed) = &*self.stalls;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut state = state.lock().unwrap();
        while state.waiting < n {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "{} of {n} connections stalled",
                state.waiting
            );
            state = changed.wait_timeout(state, left).unwrap().0;
        }
    }

    /// Lets the stalled connections go on, and stalls no more.
    #[allow(dead_code)]
    pub fn release(&self) {
        let (state, changed) = &*self.stalls;
        state.lock().unwrap().at = None;
        changed.notify_all();
    }
}
