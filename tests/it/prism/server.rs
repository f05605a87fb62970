//! A Prism mock server (`prism mock --errors`) as a child process: started on a free
//! loopback port, awaited until it listens, and killed when dropped, also when a test panics.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Prism may take to read the spec and listen; it needs about two seconds alone,
/// more on a machine busy compiling.
const STARTUP: Duration = Duration::from_secs(90);

/// How many of the log's last lines a failure shows.
const LOG_TAIL: usize = 40;

/// How Prism makes up its answers.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    /// The spec's examples, as they are.
    Examples,
    /// Values generated from the schemas (json-schema-faker), with a fixed seed so that a
    /// failure can be replayed.
    Generated,
}

/// The seed of [`Mode::Generated`].
pub const SEED: &str = "securities-api";

/// A running Prism; dropping it kills the process.
pub struct Prism {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Prism {
    /// Starts Prism on the spec and returns once it accepts connections.
    pub async fn start(mode: Mode) -> Prism {
        let bin = prism_bin();
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/securities-api.yaml");
        // A port found free may be taken before Prism binds it; another port then does.
        let mut last_failure = String::new();
        for _ in 0..3 {
            let port = free_port();
            let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{port}.log"));
            let log_file = std::fs::File::create(&log)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
            let err_file = log_file.try_clone().expect("clone the log file handle");
            let mut command = Command::new(&bin);
            command
                .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
                // Violations of the spec become error answers instead of warnings in a log.
                .arg("--errors");
            if let Mode::Generated = mode {
                command.args(["--dynamic", "--seed", SEED]);
            }
            command
                .arg(&spec)
                .stdin(Stdio::null())
                // A file, not a pipe: nobody reads Prism's log while the tests run, and a
                // full pipe would block it.
                .stdout(log_file)
                .stderr(err_file);
            let child = command.spawn().unwrap_or_else(|e| {
                panic!(
                    "cannot start Prism ({}): {e}; run `npm ci` at the repository root \
                     or set PRISM_BIN",
                    bin.display()
                )
            });
            let mut prism = Prism {
                child,
                addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                log,
            };
            match prism.wait_until_listening().await {
                Ok(()) => return prism,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("Prism did not start: {last_failure}");
    }

    /// The base URL of the mock, such as `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address Prism listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where Prism's log is, and its last lines (each request it served, each violation it
    /// saw). The log is kept when a test fails and removed otherwise.
    pub fn log(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(LOG_TAIL)..].join("\n");
        format!("{} (last {LOG_TAIL} lines):\n{tail}", self.log.display())
    }

    async fn wait_until_listening(&mut self) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("it exited with {status}:\n{}", self.log()));
            }
            if tokio::net::TcpStream::connect(self.addr).await.is_ok() {
                return Ok(());
            }
            if started.elapsed() > STARTUP {
                return Err(format!(
                    "it is not listening on {} after {STARTUP:?}:\n{}",
                    self.addr,
                    self.log()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Errors only mean that the process is already gone.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// `PRISM_BIN`, or the Prism that `npm ci` installs at the repository root.
fn prism_bin() -> PathBuf {
    match std::env::var_os("PRISM_BIN") {
        Some(bin) if !bin.is_empty() => PathBuf::from(bin),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/.bin/prism"),
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}
