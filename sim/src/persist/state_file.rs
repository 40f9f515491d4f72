//! The saved state's format: JSON lines, so that a big cluster is written
//! from the bytes each object already has encoded (`StoredObject::json`)
//! and read back one line at a time.
//!
//! ```text
//! {"format":"pilothouse-sim-state","version":1,"revision":812,"time":"2026-01-02T03:04:05.123456Z"}
//! {"group":"","resource":"namespaces","object":{"apiVersion":"v1","kind":"Namespace",...}}
//! {"group":"apps","resource":"deployments","object":{...}}
//! ```
//!
//! The first line is the header: the global revision and the simulated
//! time when the state was taken. Every other line is one object as the
//! API serves it (with its uid, resourceVersion, generation and status),
//! under its resource type (group and plural).

use std::io::{self, BufRead, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::{format_micro_time, parse_time};
use crate::registry::ResourceId;
use crate::store::Snapshot;

/// The header's `format`: what the file is.
pub const FORMAT: &str = "pilothouse-sim-state";
/// The header's `version`; a file of another version is refused.
pub const VERSION: u64 = 1;

/// A state read back from its file.
#[derive(Debug)]
pub struct SavedState {
    pub revision: u64,
    /// The simulated time when it was saved.
    pub time: DateTime<Utc>,
    pub objects: Vec<(ResourceId, Value)>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u64,
    revision: u64,
    time: String,
}

#[derive(Deserialize)]
struct Line {
    group: String,
    resource: String,
    object: Value,
}

/// Writes `snapshot`, taken at simulated time `time`.
pub fn encode(snapshot: &Snapshot, time: DateTime<Utc>, out: &mut impl Write) -> io::Result<()> {
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        revision: snapshot.revision,
        time: format_micro_time(time),
    };
    serde_json::to_writer(&mut *out, &header)?;
    out.write_all(b"\n")?;
    for (id, objects) in &snapshot.types {
        let prefix = format!(
            "{{\"group\":{},\"resource\":{},\"object\":",
            Value::from(id.group.as_str()),
            Value::from(id.resource.as_str())
        );
        for object in objects {
            out.write_all(prefix.as_bytes())?;
            out.write_all(object.json())?;
            out.write_all(b"}\n")?;
        }
    }
    Ok(())
}

/// Reads a saved state; the error says what is wrong and on which line.
pub fn decode(input: impl BufRead) -> Result<SavedState, String> {
    let mut lines = input.lines().enumerate();
    let header = match lines.next() {
        Some((_, line)) => line.map_err(|e| format!("line 1: {e}"))?,
        None => return Err("the file is empty".into()),
    };
    let header: Header =
        serde_json::from_str(&header).map_err(|e| format!("line 1: not a {FORMAT} header: {e}"))?;
    if header.format != FORMAT {
        return Err(format!(
            "line 1: the format is {:?}, not {FORMAT:?}",
            header.format
        ));
    }
    if header.version != VERSION {
        return Err(format!(
            "line 1: version {} of the format, this build reads version {VERSION}",
            header.version
        ));
    }
    let time = parse_time(&header.time)
        .ok_or_else(|| format!("line 1: the time {:?} is not RFC 3339", header.time))?;
    let mut objects = Vec::new();
    for (index, line) in lines {
        let number = index + 1;
        let line = line.map_err(|e| format!("line {number}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(&line).map_err(|e| format!("line {number}: {e}"))?;
        if !line.object.is_object() {
            return Err(format!("line {number}: the object is not a JSON object"));
        }
        objects.push((ResourceId::new(&line.group, &line.resource), line.object));
    }
    Ok(SavedState {
        revision: header.revision,
        time,
        objects,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::clock::Clock;
    use crate::store::{Store, StoreConfig, WriteOptions};

    #[test]
    fn a_snapshot_reads_back_as_written() {
        let store = Store::new(StoreConfig::default(), Clock::real_time());
        let ns = ResourceId::new("", "namespaces");
        store
            .create(
                &ns,
                "",
                json!({"metadata": {"name": "a"}}),
                WriteOptions::default(),
            )
            .unwrap();
        let mut bytes = Vec::new();
        let time = parse_time("2026-01-02T03:04:05.123456Z").unwrap();
        encode(&store.snapshot(), time, &mut bytes).unwrap();
        let saved = decode(&bytes[..]).unwrap();
        assert_eq!(saved.revision, store.current_rv());
        assert_eq!(saved.time, time);
        assert_eq!(saved.objects.len(), 1);
        assert_eq!(
            &saved.objects[0].1,
            store.get(&ns, "", "a").unwrap().value()
        );
    }

    #[test]
    fn bad_files_are_named_by_line() {
        assert_eq!(decode(&b""[..]).unwrap_err(), "the file is empty");
        assert!(
            decode(&b"{not json"[..])
                .unwrap_err()
                .starts_with("line 1:")
        );
        let header = r#"{"format":"pilothouse-sim-state","version":1,"revision":3,"time":"2026-01-02T03:04:05Z"}"#;
        let broken = format!("{header}\n{{\"group\":\"\",\"resource\":\"pods\",\"object\":{{\n");
        assert!(
            decode(broken.as_bytes())
                .unwrap_err()
                .starts_with("line 2:")
        );
        let newer = header.replace("\"version\":1", "\"version\":2");
        assert!(decode(newer.as_bytes()).unwrap_err().contains("version 2"));
    }
}
