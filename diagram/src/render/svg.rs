//! Native SVG: no PlantUML needed, so the web app can draw diagrams in the browser.
//!
//! Accessible (`role="img"`, `<title>`, `<desc>`, a `<title>` per box),
//! real `<text>` with every label XML-escaped, CSS classes for theming
//! (`element role-worker state-pending`, `boundary boundary-host`, `relation`)
//! and stable ids (the model's ids, prefixed `ph-`). Colours are also set as
//! presentation attributes, so the file looks right without any stylesheet,
//! and a page's CSS can still override them.

use std::collections::HashMap;
use std::fmt::Write;

use super::fill;
use crate::layout::{Layout, TextLine, layout};
use crate::model::{Boundary, Diagram, Element, Item, State, Target};

/// Turns an object an item stands for into the address of its page, or
/// `None` to leave the item unlinked.
pub type LinkFn<'a> = &'a dyn Fn(&Target) -> Option<String>;

/// Font families tried in order; the CJK ones make Chinese labels render.
pub const FONT_FAMILY: &str = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'DejaVu Sans', sans-serif";

/// The diagram as a standalone SVG document.
pub fn svg(diagram: &Diagram) -> String {
    svg_with_layout(diagram, &layout(diagram))
}

/// The diagram as SVG, from a layout computed by the caller.
pub fn svg_with_layout(diagram: &Diagram, layout: &Layout) -> String {
    write_svg(diagram, layout, None)
}

/// The diagram as SVG for a page: each box that stands for an object (a
/// node's host, a pod, a Service, a workload) is wrapped in an `<a>` to the
/// address `link` gives, so it can be clicked and reached with the keyboard.
pub fn svg_linked(diagram: &Diagram, layout: &Layout, link: LinkFn<'_>) -> String {
    write_svg(diagram, layout, Some(link))
}

fn write_svg(diagram: &Diagram, layout: &Layout, link: Option<LinkFn<'_>>) -> String {
    let mut elements: HashMap<&str, &Element> = HashMap::new();
    let mut boundaries: HashMap<&str, &Boundary> = HashMap::new();
    collect(&diagram.items, &mut elements, &mut boundaries);

    let mut out = String::with_capacity(2048 + layout.items.len() * 600);
    let kind = diagram.kind.name();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="ph-title ph-desc" xml:lang="{lang}" class="pilothouse-diagram diagram-{kind}" font-family="{font}">"#,
        w = layout.width,
        h = layout.height,
        lang = diagram.lang.tag(),
        font = xml(FONT_FAMILY),
    );
    let _ = write!(
        out,
        r#"<title id="ph-title">{}</title><desc id="ph-desc">{}</desc>"#,
        xml(&diagram.title),
        xml(&diagram.description)
    );
    out.push_str(concat!(
        r#"<defs><marker id="ph-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">"#,
        r##"<path d="M0,0 L10,5 L0,10 z" fill="#666666"/></marker></defs>"##
    ));
    let _ = write!(
        out,
        r##"<rect class="background" x="0" y="0" width="{}" height="{}" fill="#FFFFFF"/>"##,
        layout.width, layout.height
    );

    for p in &layout.items {
        let r = p.rect;
        if p.is_boundary {
            let boundary = boundaries.get(p.id.as_str()).copied();
            let label = boundary.map_or("", |b| b.label.as_str());
            let kind = boundary.map_or("host", |b| b.kind.name());
            let state = boundary.map_or(State::Normal, |b| b.state);
            let href = boundary.and_then(|b| href(link, b.target.as_ref()));
            open_link(&mut out, href.as_deref());
            let _ = write!(
                out,
                r##"<g id="ph-{id}" class="boundary boundary-{kind} state-{s}" data-depth="{d}"><title>{t}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="none" stroke="{stroke}" stroke-width="{sw}" stroke-dasharray="7 5"/>"##,
                id = p.id,
                s = state.name(),
                d = p.depth,
                t = xml(label),
                x = r.x,
                y = r.y,
                w = r.w,
                h = r.h,
                stroke = frame_colour(state),
                sw = if state == State::Normal { 1 } else { 2 },
            );
            texts(&mut out, &p.texts, frame_colour(state));
            out.push_str("</g>");
            close_link(&mut out, href.as_deref());
        } else if let Some(e) = elements.get(p.id.as_str()) {
            let href = href(link, e.target.as_ref());
            open_link(&mut out, href.as_deref());
            let colour = fill(e.role, e.state);
            let mut tooltip = e.label.clone();
            for extra in [&e.technology, &e.description].into_iter().flatten() {
                tooltip.push_str(" — ");
                tooltip.push_str(extra);
            }
            let _ = write!(
                out,
                r##"<g id="ph-{id}" class="element role-{role} state-{state}"><title>{t}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="10" fill="{colour}" stroke="#333333" stroke-width="0.5"/>"##,
                id = p.id,
                role = e.role.name(),
                state = e.state.name(),
                t = xml(&tooltip),
                x = r.x,
                y = r.y,
                w = r.w,
                h = r.h,
            );
            texts(&mut out, &p.texts, "#FFFFFF");
            out.push_str("</g>");
            close_link(&mut out, href.as_deref());
        }
    }
    let titles: HashMap<&str, &str> = diagram
        .relations
        .iter()
        .map(|r| (r.id.as_str(), r.label.as_deref().unwrap_or("")))
        .collect();
    for e in &layout.edges {
        let mut d = String::new();
        for (i, (x, y)) in e.points.iter().enumerate() {
            let _ = write!(d, "{}{x},{y}", if i == 0 { "M" } else { " L" });
        }
        let _ = write!(
            out,
            r##"<g id="ph-{id}" class="relation" data-from="ph-{from}" data-to="ph-{to}"><title>{t}</title><path d="{d}" fill="none" stroke="#666666" stroke-width="1.2" marker-end="url(#ph-arrow)"/>"##,
            id = e.id,
            from = e.from,
            to = e.to,
            t = xml(titles.get(e.id.as_str()).copied().unwrap_or("")),
        );
        if let Some(label) = &e.label {
            texts(&mut out, std::slice::from_ref(label), "#666666");
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>\n");
    out
}

/// The address of `target`'s page, if the caller links and names one.
fn href(link: Option<LinkFn<'_>>, target: Option<&Target>) -> Option<String> {
    link.zip(target).and_then(|(link, target)| link(target))
}

fn open_link(out: &mut String, href: Option<&str>) {
    if let Some(href) = href {
        let _ = write!(out, r#"<a href="{}" class="diagram-link">"#, xml(href));
    }
}

fn close_link(out: &mut String, href: Option<&str>) {
    if href.is_some() {
        out.push_str("</a>");
    }
}

/// A frame's colour: grey when all is well, red for a NotReady node, amber
/// for a cordoned one.
fn frame_colour(state: State) -> &'static str {
    match state {
        State::Failed => "#C62828",
        State::Pending => "#B36B00",
        _ => "#444444",
    }
}

fn collect<'a>(
    items: &'a [Item],
    elements: &mut HashMap<&'a str, &'a Element>,
    boundaries: &mut HashMap<&'a str, &'a Boundary>,
) {
    for item in items {
        match item {
            Item::Element(e) => {
                elements.insert(&e.id, e);
            }
            Item::Boundary(b) => {
                boundaries.insert(&b.id, b);
                collect(&b.items, elements, boundaries);
            }
        }
    }
}

fn texts(out: &mut String, lines: &[TextLine], colour: &str) {
    for t in lines {
        let anchor = if t.centered { "middle" } else { "start" };
        let weight = if t.kind.bold() {
            r#" font-weight="bold""#
        } else {
            ""
        };
        let style = if matches!(t.kind.class(), "stereotype" | "technology") {
            r#" font-style="italic""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<text class="{class}" x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}" fill="{colour}"{weight}{style}>{text}</text>"#,
            class = t.kind.class(),
            x = t.x,
            y = t.y,
            size = t.kind.size(),
            text = xml(&t.text),
        );
    }
}

/// Escapes text for XML content and attribute values.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
