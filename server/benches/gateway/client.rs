//! The benchmark's clients of Pilothouse: plain HTTP/1.1 over one kept-alive
//! connection per session, sign-in, `/metrics`, and the live stream
//! (a WebSocket, tokio-tungstenite) with its page messages turned into
//! timestamped events.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// One HTTP/1.1 connection (kept alive; one request at a time), with the
/// session cookie once signed in. Hand-written to keep the benchmark's
/// dependencies to one crate: requests are `GET`s and one form `POST`, and
/// answers carry `Content-Length` or are chunked.
pub struct Conn {
    addr: SocketAddr,
    stream: BufReader<TcpStream>,
    pub cookie: String,
}

/// A response: status, headers (lower-case names) and body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            addr,
            stream: BufReader::new(stream),
            cookie: String::new(),
        })
    }

    /// A connection signed in as `admin` (its own session).
    pub async fn login(addr: SocketAddr, password: &str) -> Result<Self> {
        let mut conn = Self::open(addr).await?;
        let form = format!("username=admin&password={password}&next=/");
        let extra = format!(
            "content-type: application/x-www-form-urlencoded\r\nsec-fetch-site: same-origin\r\norigin: http://{addr}\r\n"
        );
        let answer = conn
            .request("POST", "/login", &extra, form.as_bytes())
            .await?;
        let location = answer.header("location").next().unwrap_or_default();
        let cookies: Vec<&str> = answer
            .header("set-cookie")
            .filter_map(|v| v.split(';').next())
            .collect();
        if location.starts_with("/login") || cookies.is_empty() {
            bail!("sign-in refused ({} to {location:?})", answer.status);
        }
        conn.cookie = cookies.join("; ");
        Ok(conn)
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        extra: &str,
        body: &[u8],
    ) -> Result<Answer> {
        let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {}\r\n{extra}", self.addr);
        if !self.cookie.is_empty() {
            head.push_str(&format!("cookie: {}\r\n", self.cookie));
        }
        head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        let socket = self.stream.get_mut();
        socket.write_all(head.as_bytes()).await?;
        socket.write_all(body).await?;
        self.read_answer().await
    }

    async fn read_answer(&mut self) -> Result<Answer> {
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                bail!("connection closed in the headers");
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((n, v)) = l.split_once(':') {
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let mut answer = Answer {
            status,
            headers,
            body: Vec::new(),
        };
        if answer
            .header("transfer-encoding")
            .any(|v| v.contains("chunked"))
        {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)?;
                let start = answer.body.len();
                answer.body.resize(start + size, 0);
                self.stream.read_exact(&mut answer.body[start..]).await?;
                line.clear();
                self.stream.read_line(&mut line).await?; // the CRLF after the chunk
                if size == 0 {
                    break;
                }
            }
        } else {
            let len: usize = answer
                .header("content-length")
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            answer.body.resize(len, 0);
            self.stream.read_exact(&mut answer.body).await?;
        }
        Ok(answer)
    }

    /// `GET path`: the status and the whole body.
    pub async fn get(&mut self, path: &str) -> Result<(u16, Vec<u8>)> {
        let answer = self.request("GET", path, "", &[]).await?;
        Ok((answer.status, answer.body))
    }

    /// `GET path`, which must answer 200, as text.
    pub async fn get_ok(&mut self, path: &str) -> Result<String> {
        let (status, body) = self.get(path).await?;
        let text = String::from_utf8_lossy(&body).into_owned();
        if status != 200 {
            bail!(
                "GET {path}: {status}: {}",
                text.chars().take(200).collect::<String>()
            );
        }
        Ok(text)
    }
}

/// Retries `GET path` on fresh connections until it answers 200.
pub async fn wait_ok(addr: SocketAddr, path: &str, timeout: Duration) -> Result<()> {
    let until = Instant::now() + timeout;
    loop {
        if let Ok(mut conn) = Conn::open(addr).await
            && let Ok((200, _)) = conn.get(path).await
        {
            return Ok(());
        }
        if Instant::now() > until {
            bail!("{addr}{path} did not answer 200 within {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The value of a `/metrics` sample (`name{labels} value`).
pub fn metric(text: &str, name: &str, labels: &str) -> Option<f64> {
    let prefix = format!("{name}{{{labels}}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|v| v.trim().parse().ok())
}

/// What a stream reader saw.
#[derive(Debug)]
pub enum StreamEvent {
    /// The subscription's first page arrived.
    Ready,
    /// A page message upserted a row labelled `bench=mark`.
    Mark {
        stream: usize,
        mark: u64,
        at: Instant,
    },
    Failed {
        stream: usize,
        error: String,
    },
}

/// Opens a live stream with `cookie`, subscribes to the pods page that
/// `filter` selects, and reports its messages on `events` until closed.
pub async fn open_stream(
    addr: SocketAddr,
    cookie: &str,
    cluster: &str,
    filter: &str,
    index: usize,
    events: mpsc::UnboundedSender<StreamEvent>,
) -> Result<tokio::task::JoinHandle<()>> {
    let mut request = format!("ws://{addr}/api/v1/stream").into_client_request()?;
    request.headers_mut().insert("cookie", cookie.parse()?);
    request
        .headers_mut()
        .insert("origin", format!("http://{addr}").parse()?);
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .context("opening the live stream")?;
    let subscribe = serde_json::json!({
        "op": "list", "id": "s1", "cluster": cluster, "kind": "pods",
        "query": {"namespace": null, "filter": filter, "selector": "",
                  "sort": {"column": "name", "descending": false}, "offset": 0, "limit": 0}
    });
    ws.send(Message::Text(subscribe.to_string().into())).await?;
    Ok(tokio::spawn(async move {
        let mut ready = false;
        while let Some(message) = ws.next().await {
            let at = Instant::now();
            let text = match message {
                Ok(Message::Text(text)) => text,
                Ok(Message::Close(_)) | Err(_) => break,
                Ok(_) => continue,
            };
            let Ok(value) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            match value["type"].as_str() {
                Some("page") => {}
                Some("error") => {
                    let _ = events.send(StreamEvent::Failed {
                        stream: index,
                        error: value["message"].to_string(),
                    });
                    break;
                }
                _ => continue,
            }
            if !ready {
                ready = true;
                let _ = events.send(StreamEvent::Ready);
            }
            let upserts = value["diff"]["upserts"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for row in upserts {
                if let Some(mark) = row["labels"]["bench"].as_str().and_then(|m| m.parse().ok()) {
                    let _ = events.send(StreamEvent::Mark {
                        stream: index,
                        mark,
                        at,
                    });
                }
            }
        }
    }))
}
