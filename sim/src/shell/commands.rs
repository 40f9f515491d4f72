//! The commands of the simulated containers, busybox-flavoured: what a
//! user tries first in `kubectl exec` (see `sim/DESIGN.md`, "Exec, attach,
//! cp and port-forward"; text filters are in `text.rs`). Each
//! takes its arguments (the command name first), reads its input through
//! the shell and writes its output into an [`Out`]; the return value is
//! the exit status. Anything else is `sh: NAME: not found`, status 127.

use super::fs::{FsError, Kind};
use super::interpreter::{Input, Out, Shell};

/// Commands whose effect on variables outlives them (POSIX special
/// built-ins).
pub fn is_special(name: &str) -> bool {
    matches!(name, "export" | "unset" | "cd" | "exit")
}

/// Runs `argv` in `sh`; returns its exit status.
pub fn run(sh: &mut Shell, argv: &[String], input: &mut Input, out: &mut Out) -> i32 {
    let name = argv[0]
        .strip_prefix("/usr/local/bin/")
        .or_else(|| argv[0].strip_prefix("/usr/bin/"))
        .or_else(|| argv[0].strip_prefix("/bin/"))
        .or_else(|| argv[0].strip_prefix("/usr/sbin/"))
        .or_else(|| argv[0].strip_prefix("/sbin/"))
        .unwrap_or(&argv[0]);
    let args = &argv[1..];
    match name {
        "echo" => echo(args, out),
        "true" | ":" => 0,
        "false" => 1,
        "exit" => {
            let code = match args.first().map(|a| a.parse::<i32>()) {
                None => sh.status_code(),
                Some(Ok(c)) => c & 0xff,
                Some(Err(_)) => {
                    out.err(format!("sh: exit: Illegal number: {}\n", args[0]));
                    2
                }
            };
            sh.exit = Some(code);
            code
        }
        "env" | "printenv" => {
            for (k, v) in &sh.vars {
                if args.is_empty() {
                    out.out(format!("{k}={v}\n"));
                } else if args.contains(k) {
                    out.out(format!("{v}\n"));
                }
            }
            0
        }
        "export" => {
            for a in args {
                if let Some((k, v)) = a.split_once('=') {
                    sh.set_var(k, v.to_owned());
                }
            }
            0
        }
        "unset" => {
            sh.vars.retain(|(k, _)| !args.contains(k));
            0
        }
        "hostname" => {
            out.out(format!("{}\n", sh.ctx.pod));
            0
        }
        "whoami" => {
            out.out("root\n");
            0
        }
        "id" => {
            out.out("uid=0(root) gid=0(root) groups=0(root),10(wheel)\n");
            0
        }
        "uname" => {
            out.out(if args.iter().any(|a| a == "-a") {
                format!("Linux {} 6.1.0-sim #1 SMP x86_64 GNU/Linux\n", sh.ctx.pod)
            } else {
                "Linux\n".to_owned()
            });
            0
        }
        "pwd" => {
            out.out(format!("{}\n", sh.cwd));
            0
        }
        "cd" => {
            let target = sh.path(args.first().map_or("/root", String::as_str));
            let kind = sh.files().kind(&sh.ctx.container, &target);
            match kind {
                Some(Kind::Dir) => {
                    sh.cwd = target;
                    0
                }
                Some(Kind::File) => fail(out, "cd", &args[0], &FsError::NotADirectory, 2),
                None => fail(
                    out,
                    "cd",
                    args.first().map_or("", String::as_str),
                    &FsError::NotFound,
                    2,
                ),
            }
        }
        "cat" => cat(sh, args, input, out),
        "ls" => ls(sh, args, out),
        "mkdir" => {
            let parents = args.iter().any(|a| a == "-p");
            let mut status = 0;
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                let path = sh.path(a);
                let made = sh.files().mkdir(&sh.ctx.container, &path, parents);
                if let Err(e) = made {
                    status = fail(
                        out,
                        "mkdir",
                        &format!("can't create directory '{a}'"),
                        &e,
                        1,
                    );
                }
            }
            status
        }
        "rm" => {
            let flags: String = args
                .iter()
                .filter(|a| a.starts_with('-'))
                .map(|a| &a[1..])
                .collect();
            let (recursive, force) = (flags.contains(['r', 'R']), flags.contains('f'));
            let mut status = 0;
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                let path = sh.path(a);
                let kind = sh.files().kind(&sh.ctx.container, &path);
                if kind == Some(Kind::Dir) && !recursive {
                    out.err(format!("rm: '{a}' is a directory\n"));
                    status = 1;
                    continue;
                }
                let removed = sh.files().remove(&sh.ctx.container, &path, recursive);
                match removed {
                    Err(FsError::NotFound) if force => {}
                    Err(e) => status = fail(out, "rm", &format!("can't remove '{a}'"), &e, 1),
                    Ok(()) => {}
                }
            }
            status
        }
        "touch" => {
            let mut status = 0;
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                let path = sh.path(a);
                let written = sh.files().write(&sh.ctx.container, &path, b"", true);
                if let Err(e) = written {
                    status = fail(out, "touch", a, &e, 1);
                }
            }
            status
        }
        "test" => test(sh, args),
        "[" => match args.split_last() {
            Some((last, rest)) if last == "]" => test(sh, rest),
            _ => {
                out.err("sh: [: missing ]\n");
                2
            }
        },
        "sleep" => sleep(sh, args, out),
        "nslookup" => nslookup(sh, args, out),
        "tar" => super::archive::tar(sh, args, input, out),
        "sh" | "ash" | "bash" => shell(sh, args, input, out),
        other => super::text::run(sh, other, args, input, out).unwrap_or_else(|| {
            out.err(format!("sh: {other}: not found\n"));
            127
        }),
    }
}

/// `PROGRAM: WHAT: strerror`, returning `status`.
fn fail(out: &mut Out, program: &str, what: &str, e: &FsError, status: i32) -> i32 {
    out.err(format!("{program}: {what}: {e}\n"));
    status
}

fn echo(args: &[String], out: &mut Out) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut words = args;
    while let Some(flag) = words.first() {
        match flag.as_str() {
            "-n" => newline = false,
            "-e" => escapes = true,
            "-ne" | "-en" => (newline, escapes) = (false, true),
            _ => break,
        }
        words = &words[1..];
    }
    let mut text = words.join(" ");
    if escapes {
        text = text
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\");
    }
    if newline {
        text.push('\n');
    }
    out.out(text);
    0
}

fn cat(sh: &mut Shell, args: &[String], input: &mut Input, out: &mut Out) -> i32 {
    let files: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || *a == "-")
        .collect();
    if files.is_empty() {
        return copy_input(sh, input, out);
    }
    let mut status = 0;
    for f in files {
        if f == "-" {
            status |= copy_input(sh, input, out);
            continue;
        }
        let path = sh.path(f);
        let read = sh.files().read(&sh.ctx.container, &path);
        match read {
            Ok(data) => out.out(data),
            Err(e) => status = fail(out, "cat", f, &e, 1),
        }
    }
    status
}

fn copy_input(sh: &mut Shell, input: &mut Input, out: &mut Out) -> i32 {
    if matches!(input, Input::Session) {
        // Line by line, so an interactive `cat` answers as lines arrive.
        while let Some(line) = sh.read_line() {
            sh.print(&format!("{line}\n"));
        }
        return 0;
    }
    match sh.read_all(input) {
        Ok(data) => {
            out.out(data);
            0
        }
        Err(e) => {
            out.err(format!("cat: {e}\n"));
            1
        }
    }
}

fn ls(sh: &mut Shell, args: &[String], out: &mut Out) -> i32 {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| &a[1..])
        .collect();
    let (long, all) = (flags.contains('l'), flags.contains('a'));
    let mut paths: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    if paths.is_empty() {
        paths.push(".");
    }
    let mut status = 0;
    let headers = paths.len() > 1;
    let line = |name: &str, kind: Kind, size: usize| {
        if long {
            let (mode, links) = match kind {
                Kind::Dir => ("drwxr-xr-x", 2),
                Kind::File => ("-rw-r--r--", 1),
            };
            format!("{mode} {links:>4} root     root     {size:>9} Jan  1 00:00 {name}\n")
        } else {
            format!("{name}\n")
        }
    };
    for (i, p) in paths.iter().enumerate() {
        let path = sh.path(p);
        let files = sh.files();
        match files.kind(&sh.ctx.container, &path) {
            None => {
                drop(files);
                status = fail(out, "ls", p, &FsError::NotFound, 1);
            }
            Some(Kind::File) => {
                let size = files.read(&sh.ctx.container, &path).map_or(0, |d| d.len());
                out.out(line(p, Kind::File, size));
            }
            Some(Kind::Dir) => {
                if headers {
                    out.out(format!("{}{p}:\n", if i > 0 { "\n" } else { "" }));
                }
                if all {
                    out.out(line(".", Kind::Dir, 4096));
                    out.out(line("..", Kind::Dir, 4096));
                }
                for (name, kind) in files.list(&sh.ctx.container, &path).unwrap_or_default() {
                    let size = match kind {
                        Kind::Dir => 4096,
                        Kind::File => files
                            .read(&sh.ctx.container, &super::fs::join(&path, &name))
                            .map_or(0, |d| d.len()),
                    };
                    out.out(line(&name, kind, size));
                }
            }
        }
    }
    status
}

/// `test` / `[`: file tests, string and integer comparisons, `!`.
fn test(sh: &mut Shell, args: &[String]) -> i32 {
    let truth = |b: bool| if b { 0 } else { 1 };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if let Some(("!", rest)) = args.split_first().map(|(a, r)| (*a, r)) {
        let rest: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
        return 1 - test(sh, &rest).min(1);
    }
    match args.as_slice() {
        [] => 1,
        [s] => truth(!s.is_empty()),
        [op, p] if op.len() == 2 && op.starts_with('-') => {
            let path = sh.path(p);
            let files = sh.files();
            let kind = files.kind(&sh.ctx.container, &path);
            match *op {
                "-z" => truth(p.is_empty()),
                "-n" => truth(!p.is_empty()),
                "-d" => truth(kind == Some(Kind::Dir)),
                "-f" => truth(kind == Some(Kind::File)),
                "-e" => truth(kind.is_some()),
                "-s" => truth(
                    files
                        .read(&sh.ctx.container, &path)
                        .is_ok_and(|d| !d.is_empty()),
                ),
                _ => 2,
            }
        }
        [a, op, b] => {
            let (x, y) = (a.parse::<i64>(), b.parse::<i64>());
            match (*op, x, y) {
                ("=" | "==", _, _) => truth(a == b),
                ("!=", _, _) => truth(a != b),
                ("-eq", Ok(x), Ok(y)) => truth(x == y),
                ("-ne", Ok(x), Ok(y)) => truth(x != y),
                ("-lt", Ok(x), Ok(y)) => truth(x < y),
                ("-le", Ok(x), Ok(y)) => truth(x <= y),
                ("-gt", Ok(x), Ok(y)) => truth(x > y),
                ("-ge", Ok(x), Ok(y)) => truth(x >= y),
                _ => 2,
            }
        }
        _ => 2,
    }
}

/// `sleep N[smhd]` (or `infinity`), in simulated time.
fn sleep(sh: &mut Shell, args: &[String], out: &mut Out) -> i32 {
    let Some(arg) = args.first() else {
        out.err("sleep: missing operand\n");
        return 1;
    };
    let (number, unit) = match arg.char_indices().last() {
        Some((i, c @ ('s' | 'm' | 'h' | 'd'))) => (&arg[..i], c),
        _ => (arg.as_str(), 's'),
    };
    let seconds = if arg == "infinity" {
        f64::INFINITY
    } else {
        match number.parse::<f64>() {
            Ok(n) if n >= 0.0 => {
                n * match unit {
                    'm' => 60.0,
                    'h' => 3600.0,
                    'd' => 86400.0,
                    _ => 1.0,
                }
            }
            _ => {
                out.err(format!("sleep: invalid number '{arg}'\n"));
                return 1;
            }
        }
    };
    if sh.sleep(seconds) { 0 } else { 130 }
}

/// `nslookup NAME`: Services by their cluster IP, like busybox 1.28.
fn nslookup(sh: &mut Shell, args: &[String], out: &mut Out) -> i32 {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        out.err("BusyBox v1.28.4 multi-call binary.\n\nUsage: nslookup HOST [DNS_SERVER]\n");
        return 1;
    };
    let dns = sh.ctx.dns_ip.clone();
    out.out(format!(
        "Server:    {dns}\nAddress 1: {dns} kube-dns.kube-system.svc.cluster.local\n\n"
    ));
    match sh.ctx.resolve(name) {
        Some(s) => {
            out.out(format!(
                "Name:      {fqdn}\nAddress 1: {ip} {fqdn}\n",
                fqdn = s.fqdn(),
                ip = s.cluster_ip
            ));
            0
        }
        None => {
            out.err(format!("nslookup: can't resolve '{name}'\n"));
            1
        }
    }
}

/// `sh -c SCRIPT`, `sh FILE`, or `sh` reading commands from its input
/// line by line (an interactive session).
fn shell(sh: &mut Shell, args: &[String], input: &mut Input, out: &mut Out) -> i32 {
    let args: Vec<&String> = args
        .iter()
        .filter(|a| !matches!(a.as_str(), "-i" | "-l" | "-e" | "-x"))
        .collect();
    match args.first().map(|a| a.as_str()) {
        Some("-c") => match args.get(1) {
            Some(script) => sh.subshell(script, input),
            None => {
                out.err("sh: -c requires an argument\n");
                2
            }
        },
        Some(file) => {
            let path = sh.path(file);
            let script = sh.files().read(&sh.ctx.container, &path);
            match script {
                Ok(s) => sh.subshell(&String::from_utf8_lossy(&s), input),
                Err(e) => fail(out, "sh", &format!("can't open '{file}'"), &e, 127),
            }
        }
        None if matches!(input, Input::Session) => interactive(sh),
        None => match sh.read_all(input) {
            Ok(script) => sh.subshell(&String::from_utf8_lossy(&script), &mut Input::Empty),
            Err(e) => {
                out.err(format!("sh: {e}\n"));
                2
            }
        },
    }
}

/// Reads and runs the session's stdin line by line until its end or
/// `exit`; with a terminal, shows busybox's `/ # ` prompt.
fn interactive(sh: &mut Shell) -> i32 {
    let (vars, cwd) = (sh.vars.clone(), sh.cwd.clone());
    let mut status = 0;
    loop {
        if sh.ctx.tty {
            let prompt = format!("{} # ", sh.cwd);
            sh.print(&prompt);
        }
        let Some(line) = sh.read_line() else {
            break;
        };
        status = sh.run_script(&line, &mut Input::Session);
        if sh.exit.is_some() {
            break;
        }
    }
    let code = sh.exit.take().unwrap_or(status);
    (sh.vars, sh.cwd) = (vars, cwd);
    code
}
