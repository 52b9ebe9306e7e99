//! A real SMTP server for the tests and the benchmark: `mailin-embedded` on a free local port,
//! keeping every message it accepts (recipients and raw RFC 5322 text) in memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mailin_embedded::{Handler, Response, Server, response};

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: String,
}

#[derive(Clone)]
struct Inbox {
    messages: Arc<Mutex<Vec<Received>>>,
    /// How many of the next messages to refuse with a transient 451.
    refuse_next: Arc<AtomicUsize>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Inbox {
    fn rcpt(&mut self, _to: &str) -> Response {
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
        self.messages.lock().unwrap().push(Received {
            to: std::mem::take(&mut self.to),
            raw: String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned(),
        });
        response::OK
    }
}

/// The running server. It lives until the process exits.
pub struct SmtpServer {
    /// `smtp://127.0.0.1:PORT` (plain SMTP, as `SMTP_URL`).
    pub url: String,
    messages: Arc<Mutex<Vec<Received>>>,
    refuse_next: Arc<AtomicUsize>,
}

impl SmtpServer {
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let refuse_next = Arc::new(AtomicUsize::new(0));
        let inbox = Inbox {
            messages: messages.clone(),
            refuse_next: refuse_next.clone(),
            to: Vec::new(),
            data: Vec::new(),
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
        }
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
}
