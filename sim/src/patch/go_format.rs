//! Renders JSON values the way Go's `fmt` `%v` prints decoded JSON, so that
//! strategic merge patch errors read exactly like kube-apiserver's
//! (`map: map[image:nginx] does not contain declared merge key: name`).

use std::fmt::Write;

use serde_json::Value;

/// `fmt.Sprintf("%v", v)` of a value decoded by `encoding/json`.
pub(crate) fn go_format(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Number(n) => match n.as_f64() {
            // Go prints whole float64s without a fraction (80, not 80.0).
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e21 => {
                let _ = write!(out, "{f:.0}");
            }
            _ => {
                let _ = write!(out, "{n}");
            }
        },
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Go's fmt sorts map keys.
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("map[");
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(key);
                out.push(':');
                write_value(out, &map[key]);
            }
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::go_format;

    #[test]
    fn maps_print_with_sorted_keys_like_go() {
        let v =
            json!({"name": "web", "image": "nginx", "ports": [{"containerPort": 80}], "x": null});
        assert_eq!(
            go_format(&v),
            "map[image:nginx name:web ports:[map[containerPort:80]] x:<nil>]"
        );
    }

    #[test]
    fn whole_floats_print_without_fraction() {
        assert_eq!(go_format(&json!(80.0)), "80");
        assert_eq!(go_format(&json!(1.5)), "1.5");
        assert_eq!(go_format(&json!([true, "a"])), "[true a]");
    }
}
