//! A deliberately misbehaving HTTP/1.1 server on 127.0.0.1: each connection gets one request
//! and one scripted reply (possibly slow, cut short or reset), then is closed. It records every
//! request it receives, with the time it arrived.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Method, such as `GET`.
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// When it arrived.
    pub at: Instant,
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete answer.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// The status line, headers with a `Content-Length` of `declared`, then only `body`, then
    /// a reset connection.
    Reset {
        status: u16,
        declared: usize,
        body: Vec<u8>,
    },
    /// Waits, then answers.
    Delayed(Duration, Box<Reply>),
    /// Headers at once, then the body in `chunks`, pausing before each.
    SlowBody {
        status: u16,
        chunks: Vec<Vec<u8>>,
        pause: Duration,
    },
    /// Headers at once (`Content-Length: declared` when given, chunked otherwise), then
    /// `chunk` `times` times (for ever when `None`, until the client goes away), pausing
    /// `pause` before each. The body is never held whole, whatever its length.
    Stream {
        status: u16,
        declared: Option<u64>,
        chunk: Vec<u8>,
        times: Option<usize>,
        pause: Duration,
    },
    /// Reads the request, then resets the connection before any answer.
    ResetBeforeHead,
    /// These bytes as they are (a malformed or oversized head, say), then the end.
    Raw(Vec<u8>),
}

impl Reply {
    /// A complete JSON answer.
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type", "application/json; charset=utf-8".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// A complete answer with a content type.
    pub fn typed(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type", content_type.into())],
            body: body.into(),
        }
    }

    /// Adds a header to a `Full` answer.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name, value.into()));
        }
        self
    }
}

type Script = dyn Fn(usize, &Received) -> Reply + Send + Sync;

/// The server; it stops when dropped.
pub struct RawServer {
    /// `http://127.0.0.1:port`.
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    /// Starts a server that answers the `n`th request (from 0) with `script(n, request)`.
    pub async fn start(script: impl Fn(usize, &Received) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let log = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let script = script.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, &*script, &log).await;
                });
            }
        });
        RawServer {
            url,
            received,
            task,
        }
    }

    /// Starts a server that answers every request with `reply`.
    pub async fn always(reply: Reply) -> Self {
        RawServer::start(move |_, _| reply.clone()).await
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("log").clone()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.received.lock().expect("log").len()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    script: &Script,
    log: &Mutex<Vec<Received>>,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let index = {
        let mut log = log.lock().expect("log");
        log.push(request.clone());
        log.len() - 1
    };
    let mut reply = script(index, &request);
    while let Reply::Delayed(pause, inner) = reply {
        tokio::time::sleep(pause).await;
        reply = *inner;
    }
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await
        }
        Reply::Reset {
            status,
            declared,
            body,
        } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.flush().await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
            // Closing with SO_LINGER 0 sends a reset instead of an orderly end.
            stream.set_zero_linger()?;
            drop(stream);
            Ok(())
        }
        Reply::SlowBody {
            status,
            chunks,
            pause,
        } => {
            let length: usize = chunks.iter().map(Vec::len).sum();
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.flush().await?;
            for chunk in chunks {
                tokio::time::sleep(pause).await;
                stream.write_all(&chunk).await?;
                stream.flush().await?;
            }
            stream.shutdown().await
        }
        Reply::Stream {
            status,
            declared,
            chunk,
            times,
            pause,
        } => {
            let length = match declared {
                Some(n) => format!("content-length: {n}"),
                None => "transfer-encoding: chunked".to_string(),
            };
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{length}\r\nconnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.flush().await?;
            let framed = match declared {
                Some(_) => chunk,
                None => {
                    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                    framed.extend_from_slice(&chunk);
                    framed.extend_from_slice(b"\r\n");
                    framed
                }
            };
            let mut sent = 0;
            while times.is_none_or(|times| sent < times) {
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
                // A write error means the client has gone: the usual end of this reply.
                stream.write_all(&framed).await?;
                sent += 1;
            }
            if declared.is_none() {
                stream.write_all(b"0\r\n\r\n").await?;
            }
            stream.shutdown().await
        }
        Reply::ResetBeforeHead => {
            stream.set_zero_linger()?;
            drop(stream);
            Ok(())
        }
        Reply::Raw(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await
        }
        Reply::Delayed(..) => unreachable!("unwrapped above"),
    }
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Received>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Some(Received {
        method,
        target,
        headers,
        body,
        at: Instant::now(),
    }))
}
