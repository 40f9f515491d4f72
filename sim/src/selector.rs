//! Label and field selectors, parsed from their query-string form and
//! matched against stored objects.

use serde_json::Value;

/// The value at a dotted path (`spec.nodeName`), if there is one.
fn get_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(obj, |v, key| v.get(key))
}

/// Why a selector string was rejected (shown in a 400 BadRequest).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
enum LabelOp {
    Eq(String),
    NotEq(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    NotExists,
}

/// A parsed `labelSelector`: every requirement must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<(String, LabelOp)>,
}

impl LabelSelector {
    /// Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
    pub fn parse(s: &str) -> Result<Self, SelectorError> {
        let mut requirements = Vec::new();
        for term in split_terms(s) {
            let term = term.trim();
            if term.is_empty() {
                continue;
            }
            requirements.push(parse_label_term(term)?);
        }
        Ok(Self { requirements })
    }

    /// Builds a selector from a `metav1.LabelSelector` JSON value
    /// (`matchLabels` and `matchExpressions`).
    pub fn from_json(sel: &Value) -> Self {
        let mut requirements = Vec::new();
        if let Some(m) = sel["matchLabels"].as_object() {
            for (k, v) in m {
                requirements.push((
                    k.clone(),
                    LabelOp::Eq(v.as_str().unwrap_or_default().to_string()),
                ));
            }
        }
        if let Some(exprs) = sel["matchExpressions"].as_array() {
            for e in exprs {
                let key = e["key"].as_str().unwrap_or_default().to_string();
                let values: Vec<String> = e["values"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let op = match e["operator"].as_str().unwrap_or_default() {
                    "In" => LabelOp::In(values),
                    "NotIn" => LabelOp::NotIn(values),
                    "Exists" => LabelOp::Exists,
                    _ => LabelOp::NotExists,
                };
                requirements.push((key, op));
            }
        }
        Self { requirements }
    }

    /// True if the selector has no requirements (matches everything).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// True if the object's `metadata.labels` satisfy every requirement.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = &obj["metadata"]["labels"];
        self.requirements.iter().all(|(key, op)| {
            let value = labels.get(key).and_then(Value::as_str);
            match op {
                LabelOp::Eq(v) => value == Some(v.as_str()),
                LabelOp::NotEq(v) => value != Some(v.as_str()),
                LabelOp::In(vs) => value.is_some_and(|x| vs.iter().any(|v| v == x)),
                LabelOp::NotIn(vs) => value.is_none_or(|x| !vs.iter().any(|v| v == x)),
                LabelOp::Exists => value.is_some(),
                LabelOp::NotExists => value.is_none(),
            }
        })
    }

    /// The value required by an `a=b` term for `key`, if any (used for
    /// index lookups).
    pub fn equality_value(&self, key: &str) -> Option<&str> {
        self.requirements.iter().find_map(|(k, op)| match op {
            LabelOp::Eq(v) if k == key => Some(v.as_str()),
            _ => None,
        })
    }
}

/// Splits on commas outside parentheses.
fn split_terms(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn parse_label_term(term: &str) -> Result<(String, LabelOp), SelectorError> {
    let bad = || {
        SelectorError(format!(
            "unable to parse requirement: found '{term}', expected: a valid label selector"
        ))
    };
    if let Some(key) = term.strip_prefix('!') {
        return Ok((valid_key(key.trim()).ok_or_else(bad)?, LabelOp::NotExists));
    }
    if let Some((k, v)) = term.split_once("!=") {
        return Ok((
            valid_key(k.trim()).ok_or_else(bad)?,
            LabelOp::NotEq(v.trim().to_string()),
        ));
    }
    if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
        return Ok((
            valid_key(k.trim()).ok_or_else(bad)?,
            LabelOp::Eq(v.trim().to_string()),
        ));
    }
    let words: Vec<&str> = term.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let rest = words[1].trim();
        let (op, list) = if let Some(l) = rest.strip_prefix("notin") {
            ("notin", l)
        } else if let Some(l) = rest.strip_prefix("in") {
            ("in", l)
        } else {
            return Err(bad());
        };
        let list = list.trim();
        let inner = list
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or_else(bad)?;
        let values = inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        let key = valid_key(words[0]).ok_or_else(bad)?;
        return Ok((
            key,
            if op == "in" {
                LabelOp::In(values)
            } else {
                LabelOp::NotIn(values)
            },
        ));
    }
    Ok((valid_key(term).ok_or_else(bad)?, LabelOp::Exists))
}

fn valid_key(k: &str) -> Option<String> {
    let ok = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    ok.then(|| k.to_string())
}

/// A parsed `fieldSelector`: `field=value`, `field==value`, `field!=value`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    requirements: Vec<(String, bool, String)>,
}

impl FieldSelector {
    /// Parses a field selector, accepting only the fields `kind` supports
    /// (the per-kind whitelist of the apiserver).
    pub fn parse(s: &str, kind: &str, custom: bool) -> Result<Self, SelectorError> {
        let mut requirements = Vec::new();
        for term in s.split(',') {
            let term = term.trim();
            if term.is_empty() {
                continue;
            }
            let (field, eq, value) = if let Some((f, v)) = term.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                (f, true, v)
            } else {
                return Err(SelectorError(format!(
                    "invalid selector: '{s}'; can't understand '{term}'"
                )));
            };
            let field = field.trim();
            if !field_supported(kind, custom, field) {
                return Err(SelectorError(format!("field label not supported: {field}")));
            }
            requirements.push((field.to_string(), eq, value.trim().to_string()));
        }
        Ok(Self { requirements })
    }

    /// True if the selector has no requirements.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// True if every requirement holds; a missing field reads as `""`.
    pub fn matches(&self, obj: &Value) -> bool {
        self.requirements.iter().all(|(field, eq, want)| {
            let have = field_value(obj, field);
            (have == *want) == *eq
        })
    }

    /// The value required by a `field=value` term, if any (for index lookups).
    pub fn equality_value(&self, field: &str) -> Option<&str> {
        self.requirements
            .iter()
            .find_map(|(f, eq, v)| (*eq && f == field).then_some(v.as_str()))
    }
}

fn field_value(obj: &Value, field: &str) -> String {
    match get_path(obj, field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn field_supported(kind: &str, custom: bool, field: &str) -> bool {
    if matches!(field, "metadata.name" | "metadata.namespace") || custom {
        return true;
    }
    let extra: &[&str] = match kind {
        "Pod" => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        "Event" => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
            "regarding.kind",
            "regarding.name",
            "regarding.namespace",
            "regarding.uid",
        ],
        "Secret" => &["type"],
        "Node" => &["spec.unschedulable"],
        "Namespace" => &["status.phase"],
        "Job" => &["status.successful"],
        "ReplicaSet" => &["status.replicas"],
        _ => &[],
    };
    extra.contains(&field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Value {
        json!({"metadata":{"name":"p","namespace":"demo","labels":{"app":"web","tier":"fe"}},
               "spec":{"nodeName":"worker-1"},"status":{"phase":"Running"}})
    }

    #[test]
    fn label_selectors_support_every_operator() {
        let p = pod();
        for (s, want) in [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app in (web,db)", true),
            ("app notin (web)", false),
            ("tier", true),
            ("!tier", false),
            ("!missing,app=web", true),
            ("app in (db), tier", false),
            ("missing notin (x)", true),
        ] {
            assert_eq!(LabelSelector::parse(s).unwrap().matches(&p), want, "{s}");
        }
        assert!(LabelSelector::parse("a in x").is_err());
    }

    #[test]
    fn field_selectors_follow_the_per_kind_whitelist() {
        let p = pod();
        let sel = FieldSelector::parse("spec.nodeName=worker-1,status.phase!=Failed", "Pod", false)
            .unwrap();
        assert!(sel.matches(&p));
        assert_eq!(sel.equality_value("spec.nodeName"), Some("worker-1"));
        assert!(
            !FieldSelector::parse("metadata.name=q", "Pod", false)
                .unwrap()
                .matches(&p)
        );
        assert_eq!(
            FieldSelector::parse("spec.foo=x", "Pod", false)
                .unwrap_err()
                .0,
            "field label not supported: spec.foo"
        );
        assert!(FieldSelector::parse("spec.nodeName=", "ConfigMap", false).is_err());
    }
}
