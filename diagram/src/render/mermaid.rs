//! Mermaid flowchart: boundaries as subgraphs, elements as nodes, relations as arrows.
//!
//! Labels are quoted and every character Mermaid or the HTML it produces could
//! interpret is written as a `#NNN;` entity code.

use std::fmt::Write;

use crate::model::{Diagram, Item, Role};

/// The diagram as a Mermaid `flowchart TB`.
pub fn mermaid(diagram: &Diagram) -> String {
    let mut out = String::from("flowchart TB\n");
    write_items(&mut out, &diagram.items, 1);
    for r in &diagram.relations {
        match &r.label {
            Some(l) => {
                let _ = writeln!(out, "    {} -->|\"{}\"| {}", r.from, escape(l), r.to);
            }
            None => {
                let _ = writeln!(out, "    {} --> {}", r.from, r.to);
            }
        }
    }
    for role in [Role::Master, Role::Worker, Role::ManagedControlPlane] {
        let _ = writeln!(
            out,
            "    classDef {} fill:{},color:#fff",
            class(role),
            super::fill(role, Default::default())
        );
    }
    out
}

fn class(role: Role) -> String {
    role.name().replace('-', "_")
}

fn write_items(out: &mut String, items: &[Item], depth: usize) {
    let indent = "    ".repeat(depth);
    for item in items {
        match item {
            Item::Element(e) => {
                let mut text = escape(&e.label);
                if let Some(t) = &e.technology {
                    let _ = write!(text, "<br/>{}", escape(&format!("[{t}]")));
                }
                let _ = writeln!(out, "{indent}{}[\"{text}\"]", e.id);
                if matches!(
                    e.role,
                    Role::Master | Role::Worker | Role::ManagedControlPlane
                ) {
                    let _ = writeln!(out, "{indent}class {} {}", e.id, class(e.role));
                }
            }
            Item::Boundary(b) => {
                let _ = writeln!(out, "{indent}subgraph {}[\"{}\"]", b.id, escape(&b.label));
                write_items(out, &b.items, depth + 1);
                let _ = writeln!(out, "{indent}end");
            }
        }
    }
}

/// Escapes text for a quoted Mermaid label.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() || matches!(c, ' ' | '.' | ',' | ':' | '-' | '_' | '/' | '·' | '…')
        {
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            let _ = write!(out, "#{};", c as u32);
        }
    }
    out
}
