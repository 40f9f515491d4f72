//! Text filters for pipelines: `head`, `tail`, `wc`, `grep` (fixed
//! strings, `-v -i -c -q -n`), `sort` (`-r`, `-n`, `-u`) and `uniq`.
//! Each reads its files, or its input when none is named.

use super::interpreter::{Input, Out, Shell};

/// Runs filter `name`; `None` if it is not one.
pub fn run(
    sh: &mut Shell,
    name: &str,
    args: &[String],
    input: &mut Input,
    out: &mut Out,
) -> Option<i32> {
    let filter: fn(&[String], &str, &mut Out) -> i32 = match name {
        "head" => head,
        "tail" => tail,
        "wc" => wc,
        "grep" => grep,
        "sort" => sort,
        "uniq" => uniq,
        _ => return None,
    };
    let (options, files) = split(name, args);
    let text = match read(sh, name, &files, input, out) {
        Ok(t) => t,
        Err(status) => return Some(status),
    };
    Some(filter(&options, &text, out))
}

/// Options (with the values of `-n`) apart from operands; `grep`'s first
/// operand is its pattern and stays with the options.
fn split(name: &str, args: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut options, mut files) = (Vec::new(), Vec::new());
    let mut args = args.iter();
    let mut pattern = name == "grep";
    while let Some(a) = args.next() {
        if a == "-n" && name != "grep" && name != "sort" {
            options.push(format!("-n{}", args.next().map_or("10", String::as_str)));
        } else if a.starts_with('-') && a.len() > 1 {
            options.push(a.clone());
        } else if pattern {
            options.push(format!("={a}"));
            pattern = false;
        } else {
            files.push(a.clone());
        }
    }
    (options, files)
}

fn read(
    sh: &mut Shell,
    name: &str,
    files: &[String],
    input: &mut Input,
    out: &mut Out,
) -> Result<String, i32> {
    if files.is_empty() {
        return match sh.read_all(input) {
            Ok(d) => Ok(String::from_utf8_lossy(&d).into_owned()),
            Err(e) => {
                out.err(format!("{name}: {e}\n"));
                Err(1)
            }
        };
    }
    let mut text = String::new();
    for f in files {
        let path = sh.path(f);
        let read = sh.files().read(&sh.ctx.container, &path);
        match read {
            Ok(d) => text.push_str(&String::from_utf8_lossy(&d)),
            Err(e) => {
                out.err(format!("{name}: {f}: {e}\n"));
                return Err(1);
            }
        }
    }
    Ok(text)
}

/// `-nN` or `-N` (busybox accepts both), else 10.
fn count(options: &[String]) -> usize {
    options
        .iter()
        .find_map(|o| o.strip_prefix("-n").or_else(|| o.strip_prefix('-')))
        .and_then(|n| n.trim_start_matches('+').parse().ok())
        .unwrap_or(10)
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

fn emit(out: &mut Out, lines: &[&str]) {
    for l in lines {
        out.out(format!("{l}\n"));
    }
}

fn head(options: &[String], text: &str, out: &mut Out) -> i32 {
    let all = lines(text);
    emit(out, &all[..count(options).min(all.len())]);
    0
}

fn tail(options: &[String], text: &str, out: &mut Out) -> i32 {
    let all = lines(text);
    emit(out, &all[all.len().saturating_sub(count(options))..]);
    0
}

fn wc(options: &[String], text: &str, out: &mut Out) -> i32 {
    let counts = [
        ('l', text.matches('\n').count()),
        ('w', text.split_whitespace().count()),
        ('c', text.len()),
    ];
    let wanted: String = options.iter().flat_map(|o| o[1..].chars()).collect();
    let shown: Vec<String> = counts
        .iter()
        .filter(|(c, _)| wanted.is_empty() || wanted.contains(*c))
        .map(|(_, n)| format!("{n:>7}"))
        .collect();
    out.out(format!("{}\n", shown.join(" ").trim_start()));
    0
}

fn grep(options: &[String], text: &str, out: &mut Out) -> i32 {
    let Some(pattern) = options.iter().find_map(|o| o.strip_prefix('=')) else {
        out.err("Usage: grep [-vicqn] PATTERN [FILE]...\n");
        return 2;
    };
    let flags: String = options
        .iter()
        .filter(|o| o.starts_with('-'))
        .flat_map(|o| o[1..].chars())
        .collect();
    let ignore_case = flags.contains('i');
    let needle = if ignore_case {
        pattern.to_lowercase()
    } else {
        pattern.to_owned()
    };
    let matching: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let hay = if ignore_case {
                l.to_lowercase()
            } else {
                (*l).to_owned()
            };
            hay.contains(&needle) != flags.contains('v')
        })
        .collect();
    if flags.contains('c') {
        out.out(format!("{}\n", matching.len()));
    } else if !flags.contains('q') {
        for (i, l) in &matching {
            if flags.contains('n') {
                out.out(format!("{}:{l}\n", i + 1));
            } else {
                out.out(format!("{l}\n"));
            }
        }
    }
    if matching.is_empty() { 1 } else { 0 }
}

fn sort(options: &[String], text: &str, out: &mut Out) -> i32 {
    let flags: String = options.iter().flat_map(|o| o[1..].chars()).collect();
    let mut all = lines(text);
    if flags.contains('n') {
        let key = |l: &str| l.trim().parse::<f64>().unwrap_or(0.0);
        all.sort_by(|a, b| key(a).total_cmp(&key(b)));
    } else {
        all.sort();
    }
    if flags.contains('u') {
        all.dedup();
    }
    if flags.contains('r') {
        all.reverse();
    }
    emit(out, &all);
    0
}

fn uniq(_: &[String], text: &str, out: &mut Out) -> i32 {
    let mut all = lines(text);
    all.dedup();
    emit(out, &all);
    0
}
