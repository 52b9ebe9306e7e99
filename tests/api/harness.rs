//! What the tests stand on: one private PostgreSQL cluster per test run, a template database
//! with the migrations applied, a fresh database per test, and the app served in-process.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use mandates::store::{self, PrivateCluster, ServerBinaries};
use mandates::web::{self, AppConfig, AppState};
use sqlx::PgPool;

const TEMPLATE: &str = "mandates_template";

struct TestCluster {
    cluster: Mutex<Option<PrivateCluster>>,
    root: PathBuf,
    admin_url: String,
}

static CLUSTER: OnceLock<TestCluster> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// Stops the cluster and removes its directory when the test binary exits, whether tests
/// passed or failed (the harness exits through `exit`, which runs these handlers).
extern "C" fn stop_cluster_at_exit() {
    if let Some(test_cluster) = CLUSTER.get() {
        if let Ok(mut guard) = test_cluster.cluster.lock() {
            drop(guard.take());
        }
        let _ = std::fs::remove_dir_all(&test_cluster.root);
    }
    if let Some(dir) = EMPTY_DIR.get() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A directory that the unprivileged PostgreSQL user (when we are root) may enter.
pub fn shared_temp_dir(prefix: &str) -> tempfile::TempDir {
    // As root, under /tmp (mode 1777) rather than TMPDIR, which may be a 0700 folder of root's
    // own (pam_tmpdir): the cluster would then move to /var/lib/mandates and outlive the test.
    let parent = if nix::unistd::geteuid().is_root() {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    };
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(parent)
        .expect("create a temporary directory");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("open the temporary directory to the postgres user");
    dir
}

fn test_cluster() -> &'static TestCluster {
    CLUSTER.get_or_init(|| {
        let root = shared_temp_dir("mandates-test-").keep();
        let binaries =
            ServerBinaries::find(None).expect("PostgreSQL server binaries for the tests");
        let cluster =
            PrivateCluster::start(binaries, &root.join("pg")).expect("start the test cluster");
        let admin_url = cluster.url("postgres");
        // SAFETY: registering a plain extern "C" function with no captured state.
        unsafe { libc::atexit(stop_cluster_at_exit) };
        // The template gets the migrations once; each test copies it in milliseconds.
        std::thread::scope(|s| {
            s.spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let admin = store::connect(&admin_url)
                        .await
                        .expect("connect to the test cluster");
                    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {TEMPLATE}")))
                        .execute(&admin)
                        .await
                        .expect("create the template database");
                    admin.close().await;
                    let template = store::connect(&cluster.url(TEMPLATE)).await.unwrap();
                    store::MIGRATOR
                        .run(&template)
                        .await
                        .expect("migrate the template");
                    template.close().await;
                });
            });
        });
        TestCluster {
            cluster: Mutex::new(Some(cluster)),
            root,
            admin_url,
        }
    })
}

/// A fresh, migrated database of its own for one test.
pub struct TestDatabase {
    pub url: String,
    pub pool: PgPool,
}

pub async fn fresh_database() -> TestDatabase {
    let cluster = tokio::task::spawn_blocking(test_cluster).await.unwrap();
    let name = format!(
        "test_{}_{}",
        std::process::id(),
        NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
    );
    let admin = store::connect(&cluster.admin_url).await.unwrap();
    // Copying a template fails while another copy of it runs; retry briefly.
    let mut tries = 0;
    loop {
        let created = sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE {TEMPLATE}"
        )))
        .execute(&admin)
        .await;
        match created {
            Ok(_) => break,
            Err(e) if tries < 50 => {
                tries += 1;
                let _ = e;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(e) => panic!("create test database {name}: {e}"),
        }
    }
    admin.close().await;
    let url = cluster
        .admin_url
        .replacen("/postgres?", &format!("/{name}?"), 1);
    let pool = store::connect(&url).await.unwrap();
    TestDatabase { url, pool }
}

/// The app served in-process on a free port, over its own fresh database.
pub struct TestApp {
    pub address: String,
    pub db: TestDatabase,
    /// Signed in as an admin ("Test Admin").
    pub client: reqwest::Client,
    /// The form token of `client`'s session.
    pub csrf: String,
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The body of a GET, whatever its status.
pub async fn text_of(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("request reaches the app")
        .text()
        .await
        .expect("a text body")
}

/// The value of the first `name="csrf"` hidden field of a page.
pub fn csrf_field(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[at..at + html[at..].find('"')?].to_string())
}

/// Signs `client` in through the sign-in form; returns the session's form token.
pub async fn sign_in(
    client: &reqwest::Client,
    address: &str,
    email: &str,
    password: &str,
) -> String {
    let form = text_of(client, format!("{address}/sign-in")).await;
    let csrf = csrf_field(&form).expect("the sign-in form has a token");
    let response = client
        .post(format!("{address}/sign-in"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "signed in as {email}");
    let account = text_of(client, format!("{address}/account")).await;
    csrf_field(&account).expect("the account page has a form token")
}

pub const TEST_PASSWORD: &str = "a long test password";

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(AppConfig::default()).await
    }

    /// With these settings (the base URL is set to the app's address).
    pub async fn spawn_with(config: AppConfig) -> Self {
        let db = fresh_database().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let config = AppConfig {
            base_url: address.clone(),
            // The app runs inside this test binary: the reader child is the real `mandates`.
            reader: mandates::reader::DocumentReader {
                program: env!("CARGO_BIN_EXE_mandates").into(),
                ..config.reader
            },
            ..config
        };
        let app = web::router(AppState::new(db.pool.clone(), config));
        // With the connection's address, as `mandates serve` does (sign-in throttling).
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let mut app = Self {
            address,
            db,
            client: new_client(),
            csrf: String::new(),
        };
        let (client, csrf) = app.client_as("admin", "Test Admin").await;
        app.client = client;
        app.csrf = csrf;
        app
    }

    /// A new account with `role` and a client signed in as it, with its form token.
    pub async fn client_as(&self, role: &str, name: &str) -> (reqwest::Client, String) {
        let email = format!("{}@test.example", name.to_lowercase().replace(' ', "."));
        mandates::store::add_user(&self.db.pool, &email, name, role, password_hash())
            .await
            .unwrap();
        let client = new_client();
        let csrf = sign_in(&client, &self.address, &email, TEST_PASSWORD).await;
        (client, csrf)
    }

    /// A client with no account.
    pub fn anonymous(&self) -> reqwest::Client {
        new_client()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request reaches the app")
    }

    /// The `mandates` binary, pointed at this test's database.
    pub fn cli(&self) -> Command {
        let mut command = mandates_command();
        command.env("DATABASE_URL", &self.db.url);
        command
    }
}

/// The hash of TEST_PASSWORD, made once per test run (Argon2 is slow on purpose).
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| mandates::accounts::hash_password(TEST_PASSWORD))
}

/// The built `mandates` binary with a clean environment: no DATABASE_URL, quiet logs.
pub fn mandates_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mandates"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("MANDATES_DATA_DIR")
        .env_remove("MANDATES_PG_BIN_DIR")
        .env_remove("MANDATES_BIND")
        .env_remove("MANDATES_PUBLIC_READ")
        .env_remove("MANDATES_BASE_URL")
        .env("MANDATES_LOG", "info")
        .env("NO_COLOR", "1")
        .current_dir(empty_dir());
    command
}

static EMPTY_DIR: OnceLock<PathBuf> = OnceLock::new();

fn empty_dir() -> &'static Path {
    EMPTY_DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("mandates-cwd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

/// A `mandates serve` child process.
/// Whether a PostgreSQL server runs (or was left by a crash) in `data_dir`.
pub fn postmaster_running(data_dir: &Path) -> bool {
    data_dir.join("postmaster.pid").exists()
}

/// The status of a served app's `/healthz`, which asks the database: it tells whether the
/// database still answers.
pub async fn healthz(address: &str) -> u16 {
    reqwest::get(format!("{address}/healthz"))
        .await
        .expect("healthz answers")
        .status()
        .as_u16()
}

/// Everything an exited server wrote to stderr: read until the pipe closes. A PostgreSQL the
/// server started may hold the pipe open after it exits, so a pause of 5 s with nothing new
/// also ends the log.
fn drain_log(stderr: &std::sync::mpsc::Receiver<String>) -> String {
    let mut log = Vec::new();
    while let Ok(line) = stderr.recv_timeout(std::time::Duration::from_secs(5)) {
        log.push(line);
    }
    log.join("\n")
}

pub struct ServerProcess {
    child: std::process::Child,
    pub address: String,
    /// What it printed before "listening on".
    pub stdout_before_listening: Vec<String>,
    stderr: std::sync::mpsc::Receiver<String>,
}

impl ServerProcess {
    /// Starts `command` (a `mandates ... serve --bind 127.0.0.1:0`) and waits until it listens.
    pub fn start(mut command: Command) -> Result<Self, String> {
        use std::io::{BufRead, BufReader};
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn mandates");
        let (err_tx, err_rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = err_tx.send(line);
            }
        });
        let stdout = child.stdout.take().unwrap();
        let mut address = None;
        let mut before = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("listening on ") {
                address = Some(rest.trim_end_matches('/').to_string());
                break;
            }
            before.push(line);
        }
        match address {
            Some(address) => Ok(Self {
                child,
                address,
                stdout_before_listening: before,
                stderr: err_rx,
            }),
            None => {
                let status = child.wait().unwrap();
                Err(format!(
                    "mandates exited ({status}) before listening:\n{}",
                    drain_log(&err_rx)
                ))
            }
        }
    }

    /// Waits (at most `timeout`) for a line of its stderr that contains `needle`; the lines
    /// read on the way are consumed.
    pub fn wait_for_log(&self, needle: &str, timeout: std::time::Duration) -> Option<String> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            let line = self.stderr.recv_timeout(left).ok()?;
            if line.contains(needle) {
                return Some(line);
            }
        }
    }

    /// Kills it with SIGKILL (no shutdown of any kind) and waits for it to be gone.
    pub fn kill(mut self) {
        self.child.kill().expect("kill mandates");
        self.child.wait().unwrap();
    }

    /// Sends SIGTERM, waits for the exit, and returns its status with everything it logged.
    pub fn terminate(mut self) -> (std::process::ExitStatus, String) {
        // SAFETY: signalling our own child by its PID.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let status = self.child.wait().unwrap();
        (status, drain_log(&self.stderr))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
            let _ = self.child.wait();
        }
    }
}
