//! Graphviz DOT: boundaries as clusters, elements as filled boxes.
//!
//! Labels are double-quoted with `\` and `"` escaped, so no DOT escape
//! sequence (`\N`, `\G`, `\l`) or attribute can be smuggled in.

use std::fmt::Write;

use super::fill;
use crate::model::{Diagram, Item};

/// The diagram as a Graphviz `digraph`.
pub fn dot(diagram: &Diagram) -> String {
    let mut out = String::from("digraph pilothouse {\n    compound=true;\n    rankdir=TB;\n");
    let _ = writeln!(out, "    label=\"{}\";", escape(&diagram.title));
    out.push_str("    node [shape=box, style=\"rounded,filled\", fontcolor=\"white\", fontname=\"sans-serif\"];\n");
    write_items(&mut out, &diagram.items, 1);
    for r in &diagram.relations {
        let label = r.label.as_deref().map(escape).unwrap_or_default();
        let _ = writeln!(out, "    {} -> {} [label=\"{label}\"];", r.from, r.to);
    }
    out.push_str("}\n");
    out
}

fn write_items(out: &mut String, items: &[Item], depth: usize) {
    let indent = "    ".repeat(depth);
    for item in items {
        match item {
            Item::Element(e) => {
                let mut text = escape(&e.label);
                if let Some(t) = &e.technology {
                    let _ = write!(text, "\\n[{}]", escape(t));
                }
                let _ = writeln!(
                    out,
                    "{indent}{} [label=\"{text}\", fillcolor=\"{}\"];",
                    e.id,
                    fill(e.role, e.state)
                );
            }
            Item::Boundary(b) => {
                let _ = writeln!(out, "{indent}subgraph cluster_{} {{", b.id);
                let _ = writeln!(
                    out,
                    "{indent}    label=\"{}\";\n{indent}    style=dashed;",
                    escape(&b.label)
                );
                write_items(out, &b.items, depth + 1);
                let _ = writeln!(out, "{indent}}}");
            }
        }
    }
}

/// Escapes text for a double-quoted DOT string.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
