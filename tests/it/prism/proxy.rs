//! A loopback HTTP/1.1 proxy in front of Prism that changes what the client cannot: the
//! client's builder insists on a token and has no way to add a header, yet two checks need
//! exactly that. The path prefix of the client's base URL says what to change:
//!
//! - `/no-token/...` drops the `Authorization` header;
//! - `/prefer-code/NNN/...` adds `Prefer: code=NNN`, Prism's switch to answer with the
//!   response of that status from the spec.
//!
//! Everything else passes through untouched. One request per connection (it asks Prism
//! for `Connection: close`), which is all the tests need and keeps the proxy small.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Largest request head the proxy reads; the client's are far smaller.
const MAX_HEAD: usize = 64 * 1024;

/// A running proxy; dropping it stops accepting connections.
pub struct Proxy {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Proxy {
    /// Starts a proxy that forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let task = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                tokio::spawn(async move {
                    if let Err(e) = forward(inbound, upstream).await {
                        eprintln!("proxy: {e}");
                    }
                });
            }
        });
        Proxy { addr, task }
    }

    /// A base URL whose requests reach Prism without their `Authorization` header.
    pub fn without_token(&self) -> String {
        format!("http://{}/no-token", self.addr)
    }

    /// A base URL whose requests reach Prism with `Prefer: code=<status>`.
    pub fn preferring(&self, status: u16) -> String {
        format!("http://{}/prefer-code/{status}", self.addr)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What to change in one request, read from its path prefix.
struct Rewrite {
    drop_token: bool,
    prefer_code: Option<u16>,
}

/// Splits the proxy's prefix off `target`: the rewrite it asks for, and the path for Prism.
fn rewrite(target: &str) -> Result<(Rewrite, &str), String> {
    if let Some(path) = target
        .strip_prefix("/no-token")
        .filter(|p| p.starts_with('/'))
    {
        let rewrite = Rewrite {
            drop_token: true,
            prefer_code: None,
        };
        return Ok((rewrite, path));
    }
    if let Some(rest) = target.strip_prefix("/prefer-code/") {
        let slash = rest
            .find('/')
            .ok_or_else(|| format!("no path after the status in {target}"))?;
        let code = rest[..slash]
            .parse()
            .map_err(|_| format!("`{}` is not a status in {target}", &rest[..slash]))?;
        let rewrite = Rewrite {
            drop_token: false,
            prefer_code: Some(code),
        };
        return Ok((rewrite, &rest[slash..]));
    }
    Err(format!("{target} has none of the proxy's prefixes"))
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

async fn forward(mut inbound: TcpStream, upstream: SocketAddr) -> io::Result<()> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > MAX_HEAD {
            return Err(invalid("the request head is too large"));
        }
        let mut chunk = [0; 4096];
        let read = inbound.read(&mut chunk).await?;
        if read == 0 {
            // The client closed a connection it did not use.
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = std::str::from_utf8(&buffer[..head_end]).map_err(|e| invalid(e.to_string()))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.splitn(3, ' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(format!("bad request line {request_line:?}")));
    };
    let (rewrite, target) = match rewrite(target) {
        Ok(found) => found,
        Err(reason) => {
            let answer = format!(
                "HTTP/1.1 599 Not Proxied\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{reason}",
                reason.len()
            );
            inbound.write_all(answer.as_bytes()).await?;
            return inbound.shutdown().await;
        }
    };

    let mut out = format!("{method} {target} {version}\r\n");
    let mut content_length = 0;
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid(format!("bad header line {line:?}")))?;
        match name.trim().to_ascii_lowercase().as_str() {
            "connection" => continue,
            "authorization" if rewrite.drop_token => continue,
            "transfer-encoding" => return Err(invalid("chunked request bodies are not supported")),
            "content-length" => {
                content_length = value
                    .trim()
                    .parse()
                    .map_err(|_| invalid(format!("bad content-length {value:?}")))?;
            }
            _ => {}
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    if let Some(code) = rewrite.prefer_code {
        out.push_str(&format!("Prefer: code={code}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");

    let mut body = buffer.split_off(head_end + 4);
    while body.len() < content_length {
        let mut chunk = [0; 4096];
        let read = inbound.read(&mut chunk).await?;
        if read == 0 {
            return Err(invalid("the client closed the connection mid-body"));
        }
        body.extend_from_slice(&chunk[..read]);
    }

    let mut prism = TcpStream::connect(upstream).await?;
    prism.write_all(out.as_bytes()).await?;
    prism.write_all(&body).await?;
    tokio::io::copy(&mut prism, &mut inbound).await?;
    inbound.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn prefixes() {
        let (r, path) = rewrite("/no-token/v1/proposals?page=2").expect("no-token");
        assert!(r.drop_token && r.prefer_code.is_none());
        assert_eq!(path, "/v1/proposals?page=2");
        let (r, path) = rewrite("/prefer-code/503/legacy/contracts").expect("prefer-code");
        assert!(!r.drop_token);
        assert_eq!(r.prefer_code, Some(503));
        assert_eq!(path, "/legacy/contracts");
        assert!(rewrite("/v1/proposals").is_err());
        assert!(rewrite("/prefer-code/abc/v1").is_err());
    }
}
