//! Peak memory of the multipart upload (`create_bank_credit_note`) of a large PDF, against a
//! local hyper server that reads and discards the body.
//!
//! `cargo bench --bench upload` uploads a 50 MB file three ways (streamed from a path,
//! streamed from an async reader, from memory) and prints, for each, how much the process's
//! peak resident memory (`VmHWM`) grew. `BENCH_QUICK=1` uses 2 MB, as CI's smoke run does.
//! The numbers are read, not asserted. Linux only (it reads /proc/self/status).

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Instant,
};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use securities_api::Client;

const CREATED: &str = r#"{"bank_credit_note":{"id":932,"number":"CCB-2023-0107"}}"#;

/// Peak resident memory of the process so far, in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

/// A server that counts and drops the bytes of every request body, answering 201.
async fn serve(received: Arc<AtomicU64>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("a local address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let received = received.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let received = received.clone();
                    async move {
                        let mut body = request.into_body();
                        while let Some(Ok(frame)) = body.frame().await {
                            if let Some(data) = frame.data_ref() {
                                received.fetch_add(data.len() as u64, Ordering::Relaxed);
                            }
                        }
                        Ok::<_, Infallible>(
                            Response::builder()
                                .status(201)
                                .header("content-type", "application/json")
                                .body(Full::new(Bytes::from_static(CREATED.as_bytes())))
                                .expect("a valid response"),
                        )
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let size: usize = if quick { 2 << 20 } else { 50_000_000 };
    let received = Arc::new(AtomicU64::new(0));
    let addr = serve(received.clone()).await;
    let client = Client::builder()
        .token("bench")
        .base_url(format!("http://{addr}"))
        .build()
        .expect("a client");

    let path = std::env::temp_dir().join(format!(
        "securities-upload-bench-{}.pdf",
        std::process::id()
    ));
    {
        // Written in chunks so that making the file does not raise the peak itself.
        use std::io::Write as _;
        let mut file = std::fs::File::create(&path).expect("a temporary file");
        let chunk = vec![b'%'; 1 << 20];
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len());
            file.write_all(&chunk[..n]).expect("write the file");
            left -= n;
        }
    }

    println!(
        "| upload of a {:.1} MB PDF | peak RSS before | after | growth | time |",
        size as f64 / 1e6
    );
    println!("|---|---|---|---|---|");
    // Warm-up: the first request sets up the connection pool, TLS-less here, and the runtime.
    let _ = client
        .create_bank_credit_note()
        .file_bytes("warm.pdf", b"%PDF".to_vec())
        .call()
        .await;

    let ways: [(&str, u8); 3] = [
        ("file_path (streamed)", 0),
        ("file_reader (streamed)", 1),
        ("file_bytes (in memory)", 2),
    ];
    for (name, way) in ways {
        let before = peak_kib();
        let sent_before = received.load(Ordering::Relaxed);
        let started = Instant::now();
        let request = client
            .create_bank_credit_note()
            .number("CCB-2023-0107")
            .signed(true);
        let request = match way {
            0 => request.file_path(&path),
            1 => request.file_reader(
                "ccb.pdf",
                tokio::fs::File::open(&path).await.expect("open the file"),
            ),
            _ => request.file_bytes("ccb.pdf", std::fs::read(&path).expect("read the file")),
        };
        let answer = request.call().await;
        let elapsed = started.elapsed();
        let after = peak_kib();
        let sent = received.load(Ordering::Relaxed) - sent_before;
        match answer {
            Ok(created) => assert_eq!(created.bank_credit_note.id, 932),
            Err(e) => panic!("{name}: the upload failed: {e}"),
        }
        assert!(
            sent >= size as u64,
            "{name}: the server got {sent} bytes of {size}"
        );
        println!(
            "| {name} | {:.1} MiB | {:.1} MiB | {:+.1} MiB | {:.0} ms |",
            before as f64 / 1024.0,
            after as f64 / 1024.0,
            (after as f64 - before as f64) / 1024.0,
            elapsed.as_secs_f64() * 1000.0
        );
    }
    let _ = std::fs::remove_file(&path);
}
