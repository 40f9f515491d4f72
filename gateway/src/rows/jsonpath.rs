//! The JSONPath subset CRD printer columns use in practice: `.a.b`,
//! `.a[0].b`, `.a[-1]`, `.a[*].b`, `.metadata.labels['app.kubernetes.io/name']`
//! `.a.b\.c` (an escaped dot) and the filter many operators use,
//! `.status.conditions[?(@.type=="Ready")].status` (`==`, `!=`, or a bare
//! `@.field` for presence), optionally wrapped in `{…}` or led by `$`.
//! Recursive descent and other expressions are not supported: such a path
//! finds nothing, so the cell stays empty, rather than failing the row.
//! kube-rs and k8s-openapi carry no JSONPath; the general crates evaluate
//! far more than printer columns need.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Field(String),
    Index(i64),
    All,
    /// Array elements where a field (a dotted path below `@`) is present,
    /// or equals (`Some(true)`) or differs from (`Some(false)`) a literal.
    Filter {
        field: Vec<String>,
        test: Option<(bool, Value)>,
    },
}

/// Longest path we parse: printer columns are short, and a bound keeps a
/// hostile CRD from costing time on every row.
const MAX_STEPS: usize = 32;

/// Parses `path`; `None` when it uses more than the subset.
pub fn parse(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.trim();
    if let Some(inner) = rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        rest = inner.trim();
    }
    rest = rest.strip_prefix('$').unwrap_or(rest);
    let mut steps = Vec::new();
    while !rest.is_empty() && steps.len() <= MAX_STEPS {
        if let Some(after) = rest.strip_prefix('.') {
            let (name, remaining) = field_name(after);
            if name.is_empty() {
                return None;
            }
            steps.push(if name == "*" {
                Step::All
            } else {
                Step::Field(name)
            });
            rest = remaining;
        } else if let Some(after) = rest.strip_prefix("[?(") {
            let end = after.find(")]")?;
            steps.push(filter(&after[..end])?);
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inside = after[..end].trim();
            steps.push(match inside {
                "*" => Step::All,
                quoted
                    if quoted.len() >= 2
                        && (quoted.starts_with('\'') || quoted.starts_with('"')) =>
                {
                    Step::Field(quoted[1..quoted.len() - 1].to_owned())
                }
                index => Step::Index(index.parse().ok()?),
            });
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    (steps.len() <= MAX_STEPS).then_some(steps)
}

/// The inside of `[?(…)]`: `@.a.b`, then maybe `==` or `!=` and a literal
/// (a quoted string, a number, `true` or `false`).
fn filter(text: &str) -> Option<Step> {
    let (left, test) = match text.split_once("==") {
        Some((left, literal)) => (left, Some((true, literal))),
        None => match text.split_once("!=") {
            Some((left, literal)) => (left, Some((false, literal))),
            None => (text, None),
        },
    };
    let field: Vec<String> = left
        .trim()
        .strip_prefix("@.")?
        .split('.')
        .map(str::to_owned)
        .collect();
    let name_char = |c: char| c.is_alphanumeric() || "-_/".contains(c);
    if field
        .iter()
        .any(|f| f.is_empty() || !f.chars().all(name_char))
    {
        return None;
    }
    let test = match test {
        None => None,
        Some((equal, literal)) => {
            let literal = literal.trim();
            let unquoted = literal
                .strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .or_else(|| {
                    literal
                        .strip_prefix('\'')
                        .and_then(|l| l.strip_suffix('\''))
                });
            let value = match unquoted {
                Some(text) => Value::from(text),
                None => serde_json::from_str(literal).ok()?,
            };
            Some((equal, value))
        }
    };
    Some(Step::Filter { field, test })
}

/// A field name up to the next unescaped `.` or `[`, and what follows.
fn field_name(text: &str) -> (String, &str) {
    let mut name = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    name.push(escaped);
                }
            }
            '.' | '[' => return (name, &text[i..]),
            c => name.push(c),
        }
    }
    (name, "")
}

/// Every value `steps` reaches in `object`, in document order.
pub fn find<'a>(object: &'a Value, steps: &[Step]) -> Vec<&'a Value> {
    let mut current = vec![object];
    for step in steps {
        current = current
            .into_iter()
            .flat_map(|value| -> Vec<&'a Value> {
                match (step, value) {
                    (Step::Field(name), Value::Object(map)) => map.get(name).into_iter().collect(),
                    (Step::Index(i), Value::Array(items)) => {
                        let at = if *i < 0 { items.len() as i64 + i } else { *i };
                        usize::try_from(at)
                            .ok()
                            .and_then(|at| items.get(at))
                            .into_iter()
                            .collect()
                    }
                    (Step::All, Value::Array(items)) => items.iter().collect(),
                    (Step::All, Value::Object(map)) => map.values().collect(),
                    (Step::Filter { field, test }, Value::Array(items)) => items
                        .iter()
                        .filter(|item| {
                            let found = field.iter().try_fold(*item, |v, name| v.get(name));
                            match (found, test) {
                                (None, _) => false,
                                (Some(_), None) => true,
                                (Some(v), Some((equal, literal))) => (v == literal) == *equal,
                            }
                        })
                        .collect(),
                    _ => Vec::new(),
                }
            })
            .collect();
    }
    current
}
