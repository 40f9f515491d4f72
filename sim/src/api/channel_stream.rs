//! The Kubernetes channel protocol over WebSocket (`v5.channel.k8s.io`,
//! `v4.channel.k8s.io`), the streams of exec and attach, bridged to a
//! simulated process that runs on a blocking thread (`crate::shell`).
//!
//! Every binary message starts with its channel: 0 stdin, 1 stdout,
//! 2 stderr, 3 the error channel (one `Status` JSON when the process
//! ends), 4 terminal resize (read and ignored: the simulated terminal has
//! no size). v5 adds 255, "close channel", whose payload is the channel
//! closed: kubectl closes 0 when its stdin ends. v4 has no way to say
//! so; stdin then ends with the connection. Upstream: client-go
//! `tools/remotecommand/websocket.go`, apiserver `util/wsstream`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

use crate::clock::Clock;
use crate::shell::Io;
use crate::shell::terminal::LineDiscipline;

/// The subprotocols served, preferred first.
pub const PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const ERROR: u8 = 3;
const CLOSE: u8 = 255;

/// Chunks in flight each way before the writer waits (back-pressure).
const QUEUE: usize = 32;

/// How long the first output waits after the upgrade. client-go starts
/// reading the socket before it has set up its stream for each channel,
/// and drops what arrives on a channel it has not set up yet ("Unknown
/// stream id 2, discarding message"); a real container's first output
/// never comes this fast, the simulated shell's does.
const CLIENT_STREAMS_SETTLE: std::time::Duration = std::time::Duration::from_millis(200);

/// What the session runs: a process reading and writing through [`Io`],
/// returning its exit status.
pub type Process = Box<dyn FnOnce(&mut dyn Io) -> i32 + Send>;

/// How the streams were asked for (the exec/attach query).
#[derive(Debug, Clone, Copy)]
pub struct Streams {
    pub stdin: bool,
    pub tty: bool,
    /// v5: the client can close stdin on its own.
    pub v5: bool,
}

/// Runs `process` on the socket until it ends (then reports `command`'s
/// exit status on the error channel and closes) or the client goes away.
pub async fn run(
    socket: WebSocket,
    streams: Streams,
    clock: Clock,
    shutdown: watch::Receiver<bool>,
    command: Vec<String>,
    process: Process,
) {
    let (mut sink, mut source) = socket.split();
    let (out_tx, mut out_rx) = mpsc::channel::<(u8, Vec<u8>)>(QUEUE);
    let (in_tx, in_rx) = mpsc::channel::<Vec<u8>>(QUEUE);
    let gone = Arc::new(AtomicBool::new(false));
    let (cancel_tx, cancel_rx) = watch::channel(false);

    // Client → process: stdin until it closes, the rest ignored.
    let reader = {
        let gone = gone.clone();
        let cancel_tx = cancel_tx.clone();
        tokio::spawn(async move {
            let mut stdin = streams.stdin.then_some(in_tx);
            while let Some(Ok(message)) = source.next().await {
                let Message::Binary(data) = message else {
                    if matches!(message, Message::Close(_)) {
                        break;
                    }
                    continue;
                };
                match (data.first(), data.get(1)) {
                    (Some(&STDIN), _) => {
                        if let Some(tx) = &stdin
                            && data.len() > 1
                            && tx.send(data[1..].to_vec()).await.is_err()
                        {
                            stdin = None;
                        }
                    }
                    (Some(&CLOSE), Some(&STDIN)) if streams.v5 => stdin = None,
                    // Resizes (channel 4): the simulated terminal has no size.
                    _ => {}
                }
            }
            gone.store(true, Ordering::Relaxed);
            let _ = cancel_tx.send(true);
        })
    };

    let io = ChannelIo {
        out: out_tx,
        input: Some(in_rx),
        tty: streams.tty,
        terminal: streams.tty.then(LineDiscipline::default),
        clock,
        cancel: cancel_rx,
        runtime: tokio::runtime::Handle::current(),
    };
    let mut worker = tokio::task::spawn_blocking(move || {
        let mut io = io;
        process(&mut io)
    });

    // Process → client, until the process ends (its `Io` is dropped).
    tokio::time::sleep(CLIENT_STREAMS_SETTLE).await;
    let mut stop = shutdown;
    let status = loop {
        tokio::select! {
            chunk = out_rx.recv() => match chunk {
                Some((channel, data)) => {
                    let mut frame = Vec::with_capacity(data.len() + 1);
                    frame.push(channel);
                    frame.extend(data);
                    if sink.send(Message::Binary(Bytes::from(frame))).await.is_err() {
                        let _ = cancel_tx.send(true);
                    }
                }
                None => break (&mut worker).await.unwrap_or(1),
            },
            () = stopped(&mut stop) => {
                let _ = cancel_tx.send(true);
                worker.abort();
                reader.abort();
                return;
            }
        }
    };
    if !gone.load(Ordering::Relaxed) {
        let mut frame = vec![ERROR];
        frame.extend(exit_status(&command, status).to_string().into_bytes());
        let _ = sink.send(Message::Binary(Bytes::from(frame))).await;
        let _ = sink
            .send(Message::Close(Some(CloseFrame {
                code: 1000,
                reason: "".into(),
            })))
            .await;
    }
    reader.abort();
}

/// Resolves once `stop` is true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// The error channel's report of a process that ended with `code`, in
/// the kubelet's words (kubectl prints "command terminated with exit code
/// N" and exits N).
pub fn exit_status(command: &[String], code: i32) -> Value {
    if code == 0 {
        return json!({"metadata": {}, "status": "Success"});
    }
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!(
            "command terminated with non-zero exit code: error executing command [{}], exit code {code}",
            command.join(" ")
        ),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]}
    })
}

/// The process's side of the streams, used from its blocking thread.
struct ChannelIo {
    out: mpsc::Sender<(u8, Vec<u8>)>,
    input: Option<mpsc::Receiver<Vec<u8>>>,
    tty: bool,
    /// With a terminal: echo and line editing of stdin.
    terminal: Option<LineDiscipline>,
    clock: Clock,
    cancel: watch::Receiver<bool>,
    runtime: tokio::runtime::Handle,
}

impl ChannelIo {
    fn send(&mut self, channel: u8, data: &[u8]) {
        // A terminal turns `\n` into `\r\n` (the tty's `onlcr`) and has one
        // output stream.
        let (channel, data) = if self.tty {
            let mut cooked = Vec::with_capacity(data.len() + 8);
            for &b in data {
                if b == b'\n' {
                    cooked.push(b'\r');
                }
                cooked.push(b);
            }
            (STDOUT, cooked)
        } else {
            (channel, data.to_vec())
        };
        // Fails only when the session is over; the process then ends soon.
        let _ = self.out.blocking_send((channel, data));
    }
}

impl Io for ChannelIo {
    fn stdout(&mut self, data: &[u8]) {
        self.send(STDOUT, data);
    }

    fn stderr(&mut self, data: &[u8]) {
        self.send(STDERR, data);
    }

    fn stdin(&mut self) -> Option<Vec<u8>> {
        loop {
            let data = self.input.as_mut()?.blocking_recv();
            let Some(data) = data else {
                self.input = None;
                return None;
            };
            let Some(terminal) = self.terminal.as_mut() else {
                return Some(data);
            };
            let cooked = terminal.feed(&data);
            if !cooked.echo.is_empty() {
                self.send(STDOUT, &cooked.echo);
            }
            if cooked.eof {
                self.input = None;
                return (!cooked.input.is_empty()).then_some(cooked.input);
            }
            if !cooked.input.is_empty() {
                return Some(cooked.input);
            }
        }
    }

    fn sleep(&mut self, seconds: f64) -> bool {
        let clock = self.clock.clone();
        let mut cancel = self.cancel.clone();
        self.runtime.block_on(async move {
            let nap = async {
                if seconds.is_finite() {
                    clock
                        .sleep(std::time::Duration::from_secs_f64(seconds.min(1e9)))
                        .await;
                } else {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                () = nap => true,
                _ = cancel.wait_for(|c| *c) => false,
            }
        })
    }
}
