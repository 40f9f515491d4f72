//! PlantUML in the C4 style of the seed document, and the PlantUML server link.
//!
//! Text is emitted inside double-quoted macro arguments, one statement per
//! line, with every character that PlantUML's preprocessor or Creole could
//! interpret (`! $ % @ < > " ' ~ * / [ ]` …) written as `<U+XXXX>`. A label
//! can therefore neither end the diagram (`@enduml`), nor include a file or
//! URL (`!include`), nor call a builtin (`%getenv`), nor fetch an image (`<img:…>`).

use crate::Error;
use crate::model::{Diagram, Direction, Element, Item, Role, Shape, State};

/// The diagram as PlantUML source (`@startuml` … `@enduml`) using the
/// standard library's `!include <C4/C4_Container>`, so it renders offline.
pub fn plantuml(diagram: &Diagram) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("@startuml\n!include <C4/C4_Container>\n\n");
    out.push_str(&format!("title {}\n\n", escape(&diagram.title)));
    write_items(&mut out, &diagram.items, 0);
    if !diagram.relations.is_empty() {
        out.push('\n');
    }
    for r in &diagram.relations {
        let macro_name = match r.direction {
            Direction::Up => "Rel_U",
            Direction::Down => "Rel_D",
            Direction::Left => "Rel_L",
            Direction::Right => "Rel_R",
        };
        let label = r.label.as_deref().map_or_else(|| " ".to_string(), escape);
        out.push_str(&format!(
            "{macro_name}({}, {}, \"{label}\")\n",
            r.from, r.to
        ));
    }
    out.push_str("@enduml\n");
    out
}

/// A link that renders the diagram on the PlantUML server at `server_base`
/// (e.g. `https://plantuml.example.org/plantuml`), as SVG. No server is
/// assumed: cluster data leaves only for the server the user names.
pub fn plantuml_url(diagram: &Diagram, server_base: &str) -> Result<String, Error> {
    let encoded = plantuml_encoding::encode_plantuml_deflate(plantuml(diagram))
        .map_err(|e| Error::Encoding(format!("{e:?}")))?;
    Ok(format!(
        "{}/svg/{encoded}",
        server_base.trim_end_matches('/')
    ))
}

fn write_items(out: &mut String, items: &[Item], depth: usize) {
    let indent = "    ".repeat(depth);
    for item in items {
        match item {
            Item::Element(e) => {
                out.push_str(&indent);
                out.push_str(&element(e));
                out.push('\n');
            }
            Item::Boundary(b) => {
                let tech = b.technology.as_deref().map(escape).unwrap_or_default();
                out.push_str(&format!(
                    "{indent}Boundary({}, \"{}\", \"{tech}\") {{\n",
                    b.id,
                    escape(&b.label)
                ));
                write_items(out, &b.items, depth + 1);
                out.push_str(&format!("{indent}}}\n"));
            }
        }
    }
}

fn element(e: &Element) -> String {
    let label = escape(&e.label);
    let descr = e.description.as_deref().map(escape).unwrap_or_default();
    let text = match e.shape {
        // C4 `System` has no technology argument: it leads the description.
        Shape::System => {
            let descr = match (&e.technology, descr.is_empty()) {
                (Some(t), true) => escape(&format!("[{t}]")),
                (Some(t), false) => format!("{} {descr}", escape(&format!("[{t}]"))),
                (None, _) => descr,
            };
            format!("System({}, \"{label}\", \"{descr}\")", e.id)
        }
        Shape::Container => {
            let tech = e.technology.as_deref().map(escape).unwrap_or_default();
            format!("Container({}, \"{label}\", \"{tech}\", \"{descr}\")", e.id)
        }
    };
    match colour(e.role, e.state) {
        Some(c) => format!("{text} {c}"),
        None => text,
    }
}

/// The seed's `#red` / `#green` for roles; state colours for everything else.
fn colour(role: Role, state: State) -> Option<&'static str> {
    match (role, state) {
        (Role::Master | Role::ManagedControlPlane, _) => Some("#red"),
        (Role::Worker, _) => Some("#green"),
        (_, State::Normal) if role == Role::InitContainer => Some("#6A4FA3"),
        (_, State::Normal) => None,
        (_, State::Pending) => Some("#E68A00"),
        (_, State::Failed) => Some("#C62828"),
        (_, State::Done) => Some("#8A8A8A"),
    }
}

/// Escapes text for a double-quoted C4 macro argument.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let doubled = chars.peek() == Some(&c);
        let plain = c.is_ascii_alphanumeric()
            || c == ' '
            || matches!(c, '.' | ',' | ':' | ';' | '(' | ')' | '+' | '?')
            || (matches!(c, '-' | '_' | '/') && !doubled)
            || (!c.is_ascii() && !c.is_control());
        if plain {
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn directives_and_markup_cannot_be_injected() {
        let e = escape(
            "@enduml !include http://x %getenv(\"HOME\") $v <img:http://a> [[link]] **b** ~x 'c",
        );
        for bad in ["@", "!", "%", "$", "<img", "[[", "**", "~", "'", "\"", "//"] {
            assert!(!e.replace("<U+", "").contains(bad), "{bad} survives in {e}");
        }
        assert_eq!(
            escape("kube-system/web_1 中文 😀"),
            "kube-system/web_1 中文 😀"
        );
        assert_eq!(escape("a--b"), "a<U+002D>-b");
    }
}
