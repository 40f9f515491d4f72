//! Running parsed scripts: expansion, pipelines, `&&`/`||`, redirections
//! and the session's stdin, on top of the commands in `commands.rs`.
//!
//! Commands are synchronous and buffer their output; the interpreter
//! routes it (to the session, a file, the next command of a pipeline or a
//! `$(...)` capture) when each command ends. So a session's output streams
//! command by command, which is what an interactive shell shows.

use std::sync::{Arc, Mutex, MutexGuard};

use super::context::ContainerContext;
use super::fs::{PodFiles, normalize};
use super::parser::{self, AndOr, Connector, Part, Redirect, Simple, Word};

/// The session a shell talks to: the exec's streams and clock.
pub trait Io {
    fn stdout(&mut self, data: &[u8]);
    fn stderr(&mut self, data: &[u8]);
    /// The next bytes of stdin; `None` at its end.
    fn stdin(&mut self) -> Option<Vec<u8>>;
    /// Waits `seconds` of simulated time; false if the session ended first.
    fn sleep(&mut self, seconds: f64) -> bool;
}

/// Output of one command: chunks per file descriptor (1 or 2), in order.
#[derive(Debug, Default)]
pub struct Out {
    pub chunks: Vec<(u8, Vec<u8>)>,
}

impl Out {
    pub fn out(&mut self, data: impl AsRef<[u8]>) {
        self.chunks.push((1, data.as_ref().to_vec()));
    }

    pub fn err(&mut self, data: impl AsRef<[u8]>) {
        self.chunks.push((2, data.as_ref().to_vec()));
    }

    fn stdout_bytes(&self) -> Vec<u8> {
        self.chunks
            .iter()
            .filter(|(fd, _)| *fd == 1)
            .flat_map(|(_, d)| d.iter().copied())
            .collect()
    }
}

/// A command's standard input.
pub enum Input {
    /// No input (`exec` without `-i`, or all read).
    Empty,
    /// A pipe or a `<` file.
    Bytes(Vec<u8>),
    /// The session's stdin, read as the command asks.
    Session,
}

/// Largest input a command reads whole (`cat`, `tar x`): the largest file.
const MAX_INPUT: usize = 4 << 20;

/// One shell process: variables, working directory and the session.
pub struct Shell<'a> {
    pub ctx: &'a ContainerContext,
    files: Arc<Mutex<PodFiles>>,
    io: &'a mut dyn Io,
    pub vars: Vec<(String, String)>,
    pub cwd: String,
    status: i32,
    /// Set by `exit`: the code the shell ends with.
    pub exit: Option<i32>,
    captures: Vec<Out>,
    pending: Vec<u8>,
    stdin_done: bool,
}

impl<'a> Shell<'a> {
    pub fn new(ctx: &'a ContainerContext, files: Arc<Mutex<PodFiles>>, io: &'a mut dyn Io) -> Self {
        Shell {
            vars: ctx.env.clone(),
            ctx,
            files,
            io,
            cwd: "/".to_owned(),
            status: 0,
            exit: None,
            captures: Vec::new(),
            pending: Vec::new(),
            stdin_done: false,
        }
    }

    /// The pod's files, locked for one operation.
    pub fn files(&self) -> MutexGuard<'_, PodFiles> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `path` as an absolute path from the working directory.
    pub fn path(&self, path: &str) -> String {
        normalize(&self.cwd, path)
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set_var(&mut self, name: &str, value: String) {
        match self.vars.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.vars.push((name.to_owned(), value)),
        }
    }

    /// The status of the last command (`$?`).
    pub fn status_code(&self) -> i32 {
        self.status
    }

    /// Runs already split words as one command (a container's process).
    pub fn run_argv(&mut self, argv: &[String], input: &mut Input) -> i32 {
        let command = Simple {
            words: argv.iter().map(|a| vec![Part::Text(a.clone())]).collect(),
            ..Default::default()
        };
        if argv.is_empty() {
            return 0;
        }
        let status = self.simple(&command, input, None);
        self.exit.take().unwrap_or(status)
    }

    pub fn sleep(&mut self, seconds: f64) -> bool {
        self.io.sleep(seconds)
    }

    /// Sends output to the innermost `$(...)` capture, or the session.
    fn emit(&mut self, fd: u8, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        match self.captures.last_mut() {
            Some(c) => c.chunks.push((fd, data.to_vec())),
            None if fd == 2 => self.io.stderr(data),
            None => self.io.stdout(data),
        }
    }

    /// Writes `text` to the session's stdout (prompts, echo).
    pub fn print(&mut self, text: &str) {
        self.emit(1, text.as_bytes());
    }

    /// The next line of the session's stdin (without its `\n`), `None` at
    /// the end.
    pub fn read_line(&mut self) -> Option<String> {
        loop {
            if let Some(i) = self.pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=i).collect();
                return Some(String::from_utf8_lossy(&line[..i]).into_owned());
            }
            if self.stdin_done || self.pending.len() > MAX_INPUT {
                if self.pending.is_empty() {
                    return None;
                }
                let line = std::mem::take(&mut self.pending);
                return Some(String::from_utf8_lossy(&line).into_owned());
            }
            match self.io.stdin() {
                Some(data) => self.pending.extend(data),
                None => self.stdin_done = true,
            }
        }
    }

    /// All of `input`, at most [`MAX_INPUT`] bytes (`Err` past that).
    pub fn read_all(&mut self, input: &mut Input) -> Result<Vec<u8>, String> {
        let data = match std::mem::replace(input, Input::Empty) {
            Input::Empty => Vec::new(),
            Input::Bytes(b) => b,
            Input::Session => {
                let mut data = std::mem::take(&mut self.pending);
                while !self.stdin_done && data.len() <= MAX_INPUT {
                    match self.io.stdin() {
                        Some(chunk) => data.extend(chunk),
                        None => self.stdin_done = true,
                    }
                }
                data
            }
        };
        if data.len() > MAX_INPUT {
            return Err(format!("input larger than {MAX_INPUT} bytes"));
        }
        Ok(data)
    }

    /// Runs a script; returns the status of its last command.
    pub fn run_script(&mut self, script: &str, input: &mut Input) -> i32 {
        let lists = match parser::parse(script) {
            Ok(l) => l,
            Err(e) => {
                self.emit(2, format!("sh: {}\n", e.0).as_bytes());
                self.status = 2;
                return 2;
            }
        };
        for list in &lists {
            self.status = self.and_or(list, input);
            if self.exit.is_some() {
                break;
            }
        }
        self.exit.unwrap_or(self.status)
    }

    /// Runs `script` in a subshell: variables, directory and `exit` stay
    /// inside it.
    pub fn subshell(&mut self, script: &str, input: &mut Input) -> i32 {
        let (vars, cwd, status) = (self.vars.clone(), self.cwd.clone(), self.status);
        let code = self.run_script(script, input);
        self.exit = None;
        (self.vars, self.cwd, self.status) = (vars, cwd, status);
        code
    }

    fn and_or(&mut self, list: &AndOr, input: &mut Input) -> i32 {
        let mut status = self.pipeline(&list.first, input);
        for (connector, pipeline) in &list.rest {
            if self.exit.is_some() {
                break;
            }
            let run = match connector {
                Connector::And => status == 0,
                Connector::Or => status != 0,
            };
            if run {
                status = self.pipeline(pipeline, input);
            }
        }
        status
    }

    fn pipeline(&mut self, commands: &[Simple], input: &mut Input) -> i32 {
        let mut status = 0;
        let mut piped: Option<Vec<u8>> = None;
        for (i, command) in commands.iter().enumerate() {
            let last = i + 1 == commands.len();
            let mut own = piped.take().map(Input::Bytes);
            let input: &mut Input = own.as_mut().unwrap_or(input);
            if last {
                status = self.simple(command, input, None);
            } else {
                let mut out = Vec::new();
                status = self.simple(command, input, Some(&mut out));
                piped = Some(out);
            }
            self.status = status;
            if self.exit.is_some() {
                break;
            }
        }
        status
    }

    /// Expands a word: variables, `$?`, `$(...)`.
    pub fn expand(&mut self, word: &Word) -> String {
        let mut s = String::new();
        for part in word {
            match part {
                Part::Text(t) => s.push_str(t),
                Part::Var(name) if name == "?" => s.push_str(&self.status.to_string()),
                Part::Var(name) => s.push_str(self.var(name).unwrap_or_default()),
                Part::Subst(script) => {
                    self.captures.push(Out::default());
                    self.subshell(script, &mut Input::Empty);
                    let out = self.captures.pop().unwrap_or_default();
                    for (fd, data) in &out.chunks {
                        if *fd == 2 {
                            self.emit(2, data);
                        }
                    }
                    let text = String::from_utf8_lossy(&out.stdout_bytes()).into_owned();
                    s.push_str(text.trim_end_matches('\n'));
                }
            }
        }
        s
    }

    /// Runs one command; its stdout goes to `pipe` when given.
    fn simple(&mut self, command: &Simple, input: &mut Input, pipe: Option<&mut Vec<u8>>) -> i32 {
        let assignments: Vec<(String, String)> = command
            .assignments
            .iter()
            .map(|(n, w)| (n.clone(), self.expand(w)))
            .collect();
        let words: Vec<String> = command.words.iter().map(|w| self.expand(w)).collect();
        // Where fds 1 and 2 go, after the redirections in order.
        let mut targets: [Target; 3] = [Target::Parent(0), Target::Parent(1), Target::Parent(2)];
        let mut file_input = None;
        for r in &command.redirects {
            match r {
                Redirect::ToFile { fd, target, append } => {
                    let path = self.expand(target);
                    targets[*fd as usize] = match path.as_str() {
                        "/dev/null" => Target::Null,
                        "/dev/stdout" => Target::Parent(1),
                        "/dev/stderr" => Target::Parent(2),
                        _ => Target::File(self.path(&path), *append),
                    };
                }
                Redirect::Dup { from, to } => {
                    targets[*from as usize] = targets[*to as usize].clone()
                }
                Redirect::FromFile(w) => {
                    let path = self.expand(w);
                    let path = self.path(&path);
                    let read = self.files().read(&self.ctx.container, &path);
                    match read {
                        Ok(d) => file_input = Some(d),
                        Err(e) => {
                            self.emit(2, format!("sh: can't open '{path}': {e}\n").as_bytes());
                            return 1;
                        }
                    }
                }
            }
        }
        // `> file` creates or truncates the file before the command runs.
        for t in &targets[1..] {
            if let Target::File(path, false) = t {
                let written = self.files().write(&self.ctx.container, path, b"", false);
                if let Err(e) = written {
                    self.emit(2, format!("sh: can't create {path}: {e}\n").as_bytes());
                    return 1;
                }
            }
        }
        let mut own = file_input.map(Input::Bytes);
        let input: &mut Input = own.as_mut().unwrap_or(input);
        let mut out = Out::default();
        let status = if words.is_empty() {
            for (n, v) in assignments {
                self.set_var(&n, v);
            }
            0
        } else {
            let saved = self.vars.clone();
            for (n, v) in assignments {
                self.set_var(&n, v);
            }
            // A nested shell writes as it goes: catch that when this
            // command's output is redirected or piped.
            let capture = pipe.is_some()
                || targets[1..]
                    .iter()
                    .enumerate()
                    .any(|(i, t)| !matches!(t, Target::Parent(p) if *p == i + 1));
            if capture {
                self.captures.push(Out::default());
            }
            let status = super::commands::run(self, &words, input, &mut out);
            if capture {
                let mut chunks = self.captures.pop().unwrap_or_default().chunks;
                chunks.append(&mut out.chunks);
                out.chunks = chunks;
            }
            if !super::commands::is_special(&words[0]) {
                self.vars = saved;
            }
            status
        };
        let mut pipe = pipe;
        for (fd, data) in out.chunks {
            match &targets[fd as usize] {
                Target::Null => {}
                Target::Parent(1) if pipe.is_some() => pipe
                    .as_deref_mut()
                    .into_iter()
                    .for_each(|p| p.extend(&data)),
                Target::Parent(to) => self.emit(*to as u8, &data),
                Target::File(path, _) => {
                    let written = self.files().write(&self.ctx.container, path, &data, true);
                    if let Err(e) = written {
                        self.emit(2, format!("sh: write error: {e}\n").as_bytes());
                        return 1;
                    }
                }
            }
        }
        status
    }
}

/// Where a file descriptor's output goes.
#[derive(Debug, Clone)]
enum Target {
    /// The shell's own fd (1 or 2), or the pipe for fd 1 in a pipeline.
    Parent(usize),
    Null,
    /// A file, and whether the redirection appends.
    File(String, bool),
}
