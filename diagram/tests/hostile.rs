//! Hostile names and labels are escaped or shortened in every format.

mod common;

use common::hostile;
use diagram::{DiagramKind, Lang, Options, render};

fn all_diagrams() -> Vec<diagram::Diagram> {
    let evil = hostile::cluster();
    let mut out = Vec::new();
    for kind in [
        DiagramKind::Topology,
        DiagramKind::Pod,
        DiagramKind::Service,
        DiagramKind::Ownership,
    ] {
        for (i, pod) in evil.pods.iter().enumerate() {
            if kind != DiagramKind::Pod && i > 0 {
                break;
            }
            let mut options = Options::new(Lang::ZhCn);
            options.name = (kind == DiagramKind::Pod).then(|| pod.metadata.name.clone().unwrap());
            out.push(diagram::build(kind, &evil, &options).unwrap());
        }
    }
    out
}

#[test]
fn labels_are_single_line_and_bounded() {
    for d in all_diagrams() {
        for e in d.elements() {
            for text in [
                Some(&e.label),
                e.technology.as_ref(),
                e.description.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                assert!(
                    !text.chars().any(|c| c.is_control()),
                    "control character in {text:?}"
                );
                assert!(!text.contains('\u{202E}'), "bidi override kept in {text:?}");
                assert!(text.chars().count() <= 150, "unbounded text {text:?}");
            }
        }
        let long = d
            .elements()
            .into_iter()
            .find(|e| e.label.starts_with("very-long-name"));
        if let Some(e) = long {
            assert!(
                e.label.ends_with('…') && e.label.chars().count() <= 48,
                "{}",
                e.label
            );
        }
    }
}

#[test]
fn plantuml_has_no_injected_directive_or_markup() {
    let mut seen_chinese = false;
    for d in all_diagrams() {
        let src = render::plantuml(&d);
        let lines: Vec<&str> = src.lines().collect();
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.trim_start().starts_with('@'))
                .count(),
            2,
            "only @startuml/@enduml:\n{src}"
        );
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.trim_start().starts_with('!'))
                .count(),
            1,
            "only our !include"
        );
        for l in &lines[3..lines.len() - 1] {
            let body = l.replace("<U+", "");
            for bad in ['!', '$', '%', '@', '"', '\'', '<', '~', '*', '['] {
                let inside: String = quoted_parts(&body);
                assert!(!inside.contains(bad), "{bad:?} unescaped in {l}");
            }
        }
        let shown = d
            .elements()
            .iter()
            .any(|e| e.label.contains("中文名字 🚀") || e.label.contains("🚀🔥 and 中文名字"))
            || d.boundaries().iter().any(|b| b.label.contains("中文名字"));
        if shown {
            assert!(
                src.contains("中文名字") && src.contains("🚀"),
                "Chinese and emoji stay readable"
            );
        }
        seen_chinese |= shown;
    }
    assert!(
        seen_chinese,
        "some diagram shows the Chinese and emoji name"
    );
}

/// Removes Mermaid entity codes (`#60;`).
fn strip_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(';') {
            rest = &after[digits + 1..];
        } else {
            out.push('#');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The text inside double quotes of a line.
fn quoted_parts(line: &str) -> String {
    line.split('"')
        .skip(1)
        .step_by(2)
        .collect::<Vec<_>>()
        .join("")
}

#[test]
fn svg_text_is_escaped_and_ids_are_safe() {
    for d in all_diagrams() {
        let svg = render::svg(&d);
        assert!(!svg.contains("<script"), "script element in SVG");
        assert!(
            svg.contains("&lt;script&gt;")
                || !d.elements().iter().any(|e| e.label.contains("<script"))
        );
        assert!(!svg.contains("]]>"), "CDATA terminator passed through");
        for id in svg
            .split(" id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
        {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                "unsafe id {id}"
            );
        }
        common::geometry::check_svg(&svg, &d);
    }
}

#[test]
fn mermaid_and_dot_quote_everything() {
    for d in all_diagrams() {
        let m = render::mermaid(&d);
        for l in m.lines() {
            let inside = strip_entities(&quoted_parts(l).replace("<br/>", " "));
            for bad in ['<', '>', '"', '[', ']', '|', '{', '}', '`', '\'', '#', ';'] {
                assert!(!inside.contains(bad), "{bad:?} unescaped in mermaid {l}");
            }
        }
        let dot = render::dot(&d);
        for l in dot.lines() {
            // Every quote inside a label is escaped, so quotes pair up.
            let unescaped = l.replace("\\\\", "").replace("\\\"", "");
            assert_eq!(
                unescaped.matches('"').count() % 2,
                0,
                "unbalanced quote in DOT: {l}"
            );
        }
    }
}

#[test]
fn plantuml_server_link_is_opt_in_and_encodes_the_source() {
    let d = all_diagrams().remove(0);
    let url = render::plantuml_url(&d, "https://plantuml.internal.example/plantuml/").unwrap();
    let encoded = url
        .strip_prefix("https://plantuml.internal.example/plantuml/svg/")
        .expect("server base kept");
    assert!(
        encoded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );
    let decoded = plantuml_encoding::decode_plantuml_deflate(encoded).unwrap();
    assert_eq!(decoded, render::plantuml(&d));
}
