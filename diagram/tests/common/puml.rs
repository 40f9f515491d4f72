//! Reads the structure of C4 PlantUML (ours and the seed's): elements with
//! their macro and colour, boundaries and what they hold, relations.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PumlElement {
    pub alias: String,
    /// `System`, `Container`.
    pub macro_name: String,
    /// Trailing `#colour`, lower-cased, if any.
    pub colour: Option<String>,
    /// Alias of the boundary directly holding it.
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Structure {
    pub elements: Vec<PumlElement>,
    /// (alias, parent alias).
    pub boundaries: Vec<(String, Option<String>)>,
    /// (from, to).
    pub relations: BTreeSet<(String, String)>,
}

fn alias_of(line: &str) -> String {
    let open = line.find('(').unwrap();
    let rest = &line[open + 1..];
    let end = rest.find([',', ')']).unwrap();
    rest[..end].trim().to_string()
}

/// Parses `@startuml … @enduml` written with C4 macros or the seed's arrow syntax.
pub fn parse(source: &str) -> Structure {
    let mut s = Structure::default();
    let mut stack: Vec<String> = Vec::new();
    for raw in source.lines() {
        let line = raw.trim();
        if line.is_empty()
            || line.starts_with('@')
            || line.starts_with('!')
            || line.starts_with("title")
        {
            continue;
        }
        if line == "}" {
            stack.pop();
        } else if line.starts_with("Boundary(") {
            let alias = alias_of(line);
            s.boundaries.push((alias.clone(), stack.last().cloned()));
            stack.push(alias);
        } else if let Some(m) = ["System", "Container"]
            .iter()
            .find(|m| line.starts_with(&format!("{m}(")))
        {
            let after = &line[line.rfind(')').unwrap() + 1..];
            let colour = after
                .trim()
                .strip_prefix('#')
                .map(|c| c.to_ascii_lowercase());
            s.elements.push(PumlElement {
                alias: alias_of(line),
                macro_name: m.to_string(),
                colour,
                parent: stack.last().cloned(),
            });
        } else if line.starts_with("Rel") {
            let inner = &line[line.find('(').unwrap() + 1..];
            let mut parts = inner.splitn(3, ',');
            let from = parts.next().unwrap().trim().to_string();
            let to = parts
                .next()
                .unwrap()
                .trim()
                .trim_end_matches(')')
                .to_string();
            s.relations.insert((from, to));
        } else {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            if let [a, arrow, b] = tokens.as_slice() {
                if arrow.starts_with('<') {
                    s.relations.insert((b.to_string(), a.to_string()));
                } else if arrow.ends_with('>') {
                    s.relations.insert((a.to_string(), b.to_string()));
                }
            }
        }
    }
    s
}

/// True when `seed`'s structure appears in `ours`: each seed element maps to a
/// distinct element of the same macro (and colour, when the seed gives one),
/// each seed boundary to a distinct boundary directly holding the images of
/// the seed boundary's elements, and each seed relation to a relation between
/// the images.
pub fn embeds(seed: &Structure, ours: &Structure) -> bool {
    let mut boundary_map: Vec<usize> = Vec::new();
    map_boundaries(seed, ours, &mut boundary_map)
}

fn map_boundaries(seed: &Structure, ours: &Structure, chosen: &mut Vec<usize>) -> bool {
    if chosen.len() == seed.boundaries.len() {
        let mut elements = Vec::new();
        return map_elements(seed, ours, chosen, &mut elements);
    }
    for i in 0..ours.boundaries.len() {
        if !chosen.contains(&i) {
            chosen.push(i);
            if map_boundaries(seed, ours, chosen) {
                return true;
            }
            chosen.pop();
        }
    }
    false
}

fn map_elements(
    seed: &Structure,
    ours: &Structure,
    boundaries: &[usize],
    chosen: &mut Vec<usize>,
) -> bool {
    let k = chosen.len();
    if k == seed.elements.len() {
        let alias = |seed_alias: &str| -> Option<&str> {
            let i = seed.elements.iter().position(|e| e.alias == seed_alias)?;
            Some(ours.elements[chosen[i]].alias.as_str())
        };
        return seed
            .relations
            .iter()
            .all(|(a, b)| match (alias(a), alias(b)) {
                (Some(x), Some(y)) => ours.relations.contains(&(x.to_string(), y.to_string())),
                _ => false,
            });
    }
    let want = &seed.elements[k];
    let want_parent = want.parent.as_ref().map(|p| {
        let i = seed.boundaries.iter().position(|(a, _)| a == p).unwrap();
        ours.boundaries[boundaries[i]].0.clone()
    });
    for (i, e) in ours.elements.iter().enumerate() {
        let same_kind = e.macro_name == want.macro_name
            && want
                .colour
                .as_ref()
                .is_none_or(|c| e.colour.as_ref() == Some(c));
        let placed = want_parent.is_none() || e.parent == want_parent;
        if same_kind && placed && !chosen.contains(&i) {
            chosen.push(i);
            if map_elements(seed, ours, boundaries, chosen) {
                return true;
            }
            chosen.pop();
        }
    }
    false
}
