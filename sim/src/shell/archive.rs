//! `tar`, as much as `kubectl cp` needs: `tar cf - PATH…` (from a pod)
//! writes an archive of the simulated files to stdout, `tar xf - [-C DIR]`
//! (to a pod; `m` is accepted) unpacks stdin, `tar tf -` lists. Archives
//! may also be files of the simulated filesystem (`f FILE`). Members are
//! named without the leading `/`, like GNU and busybox tar. The `tar`
//! crate does the format.

use std::io::Read;

use super::fs::{self, Kind};
use super::interpreter::{Input, Out, Shell};

#[derive(Default)]
struct Options {
    mode: Option<char>,
    archive: Option<String>,
    directory: Option<String>,
    members: Vec<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut wants_archive = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let letters = if i == 0 && !a.starts_with('-') {
            Some(a.as_str())
        } else if a == "-C" {
            i += 1;
            o.directory = Some(
                args.get(i)
                    .ok_or("option requires an argument -- 'C'")?
                    .clone(),
            );
            None
        } else if a.len() > 1 && a.starts_with('-') && !a.starts_with("--") {
            Some(&a[1..])
        } else if a.starts_with("--") {
            None
        } else if wants_archive {
            o.archive = Some(a.clone());
            wants_archive = false;
            None
        } else {
            o.members.push(a.clone());
            None
        };
        for c in letters.unwrap_or_default().chars() {
            match c {
                'c' | 'x' | 't' => o.mode = Some(c),
                'f' => wants_archive = true,
                'm' | 'v' | 'o' | 'p' => {}
                'z' | 'j' | 'J' => return Err("compression is not supported".into()),
                other => return Err(format!("invalid option -- '{other}'")),
            }
        }
        i += 1;
    }
    if wants_archive {
        return Err("option requires an argument -- 'f'".into());
    }
    Ok(o)
}

/// Runs `tar ARGS`.
pub fn tar(sh: &mut Shell, args: &[String], input: &mut Input, out: &mut Out) -> i32 {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            out.err(format!("tar: {e}\n"));
            return 1;
        }
    };
    let dir = sh.path(o.directory.as_deref().unwrap_or("."));
    let stdio = matches!(o.archive.as_deref(), None | Some("-"));
    let result = match o.mode {
        Some('c') => create(sh, &dir, &o.members).and_then(|archive| {
            if stdio {
                out.out(archive);
                Ok(())
            } else {
                let path = sh.path(o.archive.as_deref().unwrap_or_default());
                let written = sh.files().write(&sh.ctx.container, &path, &archive, false);
                written.map_err(|e| format!("can't open '{path}': {e}"))
            }
        }),
        Some(mode @ ('x' | 't')) => {
            let archive = if stdio {
                sh.read_all(input)
            } else {
                let path = sh.path(o.archive.as_deref().unwrap_or_default());
                let read = sh.files().read(&sh.ctx.container, &path);
                read.map_err(|e| format!("can't open '{path}': {e}"))
            };
            archive.and_then(|a| {
                if mode == 'x' {
                    extract(sh, &dir, &a)
                } else {
                    list(&a, out)
                }
            })
        }
        _ => Err("must specify one of -c, -x, -t".into()),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            out.err(format!("tar: {e}\n"));
            1
        }
    }
}

fn create(sh: &mut Shell, dir: &str, members: &[String]) -> Result<Vec<u8>, String> {
    if members.is_empty() {
        return Err("empty archive".into());
    }
    let mut builder = tar::Builder::new(Vec::new());
    for m in members {
        let path = fs::normalize(dir, m);
        let entries = sh
            .files()
            .walk(&sh.ctx.container, &path)
            .map_err(|e| format!("{m}: {e}"))?;
        // Named as given, less a leading `/` (`tar cf - /tmp/x` → `tmp/x`).
        let prefix = fs::parent(m.trim_end_matches('/'))
            .map(|p| p.trim_start_matches('/').to_owned())
            .unwrap_or_default();
        for (name, data) in entries {
            let name = fs::join(&prefix, &name);
            let mut header = tar::Header::new_gnu();
            header.set_mtime(0);
            header.set_uid(0);
            header.set_gid(0);
            match &data {
                Some(d) => {
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_mode(0o644);
                    header.set_size(d.len() as u64);
                }
                None => {
                    header.set_entry_type(tar::EntryType::Directory);
                    header.set_mode(0o755);
                    header.set_size(0);
                }
            }
            let bytes = data.unwrap_or_default();
            builder
                .append_data(&mut header, &name, bytes.as_slice())
                .map_err(|e| format!("{name}: {e}"))?;
        }
    }
    builder.into_inner().map_err(|e| e.to_string())
}

fn extract(sh: &mut Shell, dir: &str, archive: &[u8]) -> Result<(), String> {
    let mut archive = tar::Archive::new(archive);
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let name = entry
            .path()
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .into_owned();
        let path = fs::normalize(dir, &name);
        let container = sh.ctx.container.clone();
        match entry.header().entry_type() {
            tar::EntryType::Directory => sh
                .files()
                .mkdir(&container, &path, true)
                .map_err(|e| format!("can't create directory '{name}': {e}"))?,
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let mut data = Vec::new();
                entry.read_to_end(&mut data).map_err(|e| e.to_string())?;
                let mut files = sh.files();
                if let Some(parent) = fs::parent(&path)
                    && files.kind(&container, parent) != Some(Kind::Dir)
                {
                    files
                        .mkdir(&container, parent, true)
                        .map_err(|e| format!("can't create directory for '{name}': {e}"))?;
                }
                files
                    .write(&container, &path, &data, false)
                    .map_err(|e| format!("can't open '{name}': {e}"))?;
            }
            // Links, devices and the like have no simulated counterpart.
            _ => {}
        }
    }
    Ok(())
}

fn list(archive: &[u8], out: &mut Out) -> Result<(), String> {
    let mut archive = tar::Archive::new(archive);
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry
            .path()
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .into_owned();
        out.out(format!("{name}\n"));
    }
    Ok(())
}
