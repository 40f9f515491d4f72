//! The JSONPath subset CRD `additionalPrinterColumns` use: `.spec.replicas`,
//! `.metadata.labels['app.kubernetes.io/name']`, `.spec.hosts[0]`,
//! `.items[*].name` and `.status.conditions[?(@.type=="Ready")].status`.
//! Like the API server's table convertor, a path yields its first match.

use serde_json::Value;

/// One step of a parsed path.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Segment {
    /// A map key (`.name`, `['name']`).
    Field(String),
    /// An array element; negative counts from the end.
    Index(i64),
    /// Every element or value (`[*]`, `.*`).
    Wildcard,
    /// Array elements matching `[?(@.path)]` or `[?(@.path op literal)]`.
    Filter(Filter),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Filter {
    path: Vec<Segment>,
    test: Option<(Comparison, Value)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Comparison {
    Equal,
    NotEqual,
}

/// Parses a printer-column path (optionally wrapped in `{}` or starting with `$`).
pub(super) fn parse(expression: &str) -> Result<Vec<Segment>, String> {
    let mut rest = expression.trim();
    if let Some(inner) = rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        rest = inner.trim();
    }
    rest = rest.strip_prefix('$').unwrap_or(rest);
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after_dot) = rest.strip_prefix('.') {
            if after_dot.starts_with('.') {
                return Err(format!(
                    "recursive descent is not supported in {expression:?}"
                ));
            }
            let (field, remaining) = split_field(after_dot);
            if field.is_empty() {
                return Err(format!("empty field name in {expression:?}"));
            }
            segments.push(if field == "*" {
                Segment::Wildcard
            } else {
                Segment::Field(field)
            });
            rest = remaining;
        } else if rest.starts_with('[') {
            let end =
                closing_bracket(rest).ok_or_else(|| format!("unclosed '[' in {expression:?}"))?;
            segments.push(parse_bracket(rest[1..end].trim())?);
            rest = &rest[end + 1..];
        } else {
            return Err(format!("unexpected {rest:?} in {expression:?}"));
        }
    }
    Ok(segments)
}

/// A field name up to the next unescaped `.` or `[` (`\.` is a literal dot).
fn split_field(input: &str) -> (String, &str) {
    let mut field = String::new();
    let mut chars = input.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|(_, next)| *next == '.') => {
                field.push('.');
                chars.next();
            }
            '.' | '[' => return (field, &input[i..]),
            c => field.push(c),
        }
    }
    (field, "")
}

/// The index of the `]` closing the bracket `input` starts with, skipping
/// quoted text.
fn closing_bracket(input: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in input.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, ']') => return Some(i),
            (None, _) => {}
        }
    }
    None
}

fn parse_bracket(inner: &str) -> Result<Segment, String> {
    if inner == "*" {
        return Ok(Segment::Wildcard);
    }
    if let Some(name) = unquote(inner) {
        return Ok(Segment::Field(name.to_string()));
    }
    if let Some(filter) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        return parse_filter(filter.trim()).map(Segment::Filter);
    }
    inner
        .parse::<i64>()
        .map(Segment::Index)
        .map_err(|_| format!("unsupported subscript [{inner}]"))
}

fn parse_filter(filter: &str) -> Result<Filter, String> {
    let (left, test) = match [("==", Comparison::Equal), ("!=", Comparison::NotEqual)]
        .into_iter()
        .find_map(|(op, comparison)| filter.split_once(op).map(|(l, r)| (l, comparison, r)))
    {
        Some((left, comparison, right)) => {
            (left.trim(), Some((comparison, literal(right.trim())?)))
        }
        None => (filter, None),
    };
    let path = left
        .strip_prefix('@')
        .ok_or_else(|| format!("filter must start with @: {filter:?}"))?;
    Ok(Filter {
        path: parse(path)?,
        test,
    })
}

fn literal(text: &str) -> Result<Value, String> {
    if let Some(s) = unquote(text) {
        return Ok(Value::from(s));
    }
    serde_json::from_str(text).map_err(|_| format!("unsupported literal {text:?}"))
}

fn unquote(text: &str) -> Option<&str> {
    ['\'', '"']
        .into_iter()
        .find_map(|q| text.strip_prefix(q).and_then(|t| t.strip_suffix(q)))
}

/// The first value `segments` select in `root`.
pub(super) fn find_first<'a>(root: &'a Value, segments: &[Segment]) -> Option<&'a Value> {
    find_all(root, segments).into_iter().next()
}

fn find_all<'a>(root: &'a Value, segments: &[Segment]) -> Vec<&'a Value> {
    let mut current = vec![root];
    for segment in segments {
        current = current
            .into_iter()
            .flat_map(|value| step(value, segment))
            .collect();
        if current.is_empty() {
            break;
        }
    }
    current
}

fn step<'a>(value: &'a Value, segment: &Segment) -> Vec<&'a Value> {
    match (segment, value) {
        (Segment::Field(name), Value::Object(map)) => map.get(name).into_iter().collect(),
        (Segment::Index(i), Value::Array(array)) => {
            let index = if *i < 0 { array.len() as i64 + i } else { *i };
            usize::try_from(index)
                .ok()
                .and_then(|i| array.get(i))
                .into_iter()
                .collect()
        }
        (Segment::Wildcard, Value::Array(array)) => array.iter().collect(),
        (Segment::Wildcard, Value::Object(map)) => map.values().collect(),
        (Segment::Filter(filter), Value::Array(array)) => {
            array.iter().filter(|item| filter.matches(item)).collect()
        }
        _ => Vec::new(),
    }
}

impl Filter {
    fn matches(&self, item: &Value) -> bool {
        let found = find_first(item, &self.path);
        match (&self.test, found) {
            (None, found) => found.is_some(),
            (Some(_), None) => false,
            (Some((comparison, expected)), Some(actual)) => {
                let equal = match (actual.as_f64(), expected.as_f64()) {
                    (Some(a), Some(b)) => a == b,
                    _ => actual == expected,
                };
                equal == (*comparison == Comparison::Equal)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn first(object: &Value, path: &str) -> Option<Value> {
        find_first(object, &parse(path).unwrap()).cloned()
    }

    fn certificate() -> Value {
        json!({
            "metadata": {"name": "shop-tls", "labels": {"app.kubernetes.io/name": "shop"}},
            "spec": {"dnsNames": ["shop.example.com", "www.shop.example.com"], "replicas": 3},
            "status": {"conditions": [
                {"type": "Issuing", "status": "False"},
                {"type": "Ready", "status": "True", "observedGeneration": 2}
            ]}
        })
    }

    #[test]
    fn dotted_fields_and_indexes() {
        let c = certificate();
        assert_eq!(first(&c, ".spec.replicas"), Some(json!(3)));
        assert_eq!(
            first(&c, "{.spec.dnsNames[1]}"),
            Some(json!("www.shop.example.com"))
        );
        assert_eq!(
            first(&c, ".spec.dnsNames[-1]"),
            Some(json!("www.shop.example.com"))
        );
        assert_eq!(
            first(&c, ".spec.dnsNames[*]"),
            Some(json!("shop.example.com"))
        );
        assert_eq!(first(&c, ".spec.missing"), None);
        assert_eq!(first(&c, ".spec.dnsNames[5]"), None);
    }

    #[test]
    fn bracketed_and_escaped_keys() {
        let c = certificate();
        assert_eq!(
            first(&c, ".metadata.labels['app.kubernetes.io/name']"),
            Some(json!("shop"))
        );
        assert_eq!(
            first(&c, r".metadata.labels.app\.kubernetes\.io/name"),
            Some(json!("shop"))
        );
    }

    #[test]
    fn filters_select_matching_elements() {
        let c = certificate();
        assert_eq!(
            first(&c, r#".status.conditions[?(@.type=="Ready")].status"#),
            Some(json!("True"))
        );
        assert_eq!(
            first(&c, ".status.conditions[?(@.type != 'Issuing')].type"),
            Some(json!("Ready"))
        );
        assert_eq!(
            first(&c, ".status.conditions[?(@.observedGeneration==2)].type"),
            Some(json!("Ready"))
        );
        assert_eq!(
            first(&c, ".status.conditions[?(@.observedGeneration)].type"),
            Some(json!("Ready"))
        );
        assert_eq!(
            first(&c, r#".status.conditions[?(@.type=="Gone")].status"#),
            None
        );
    }

    #[test]
    fn unsupported_paths_are_errors() {
        assert!(parse("..name").is_err());
        assert!(parse(".spec[1:2]").is_err());
        assert!(parse(".spec[").is_err());
        assert!(parse("spec").is_err());
    }
}
