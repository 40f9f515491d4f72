//! Stable element ids: derived from what an element stands for, so the same
//! cluster gives the same ids on every run, and safe in every output syntax.

use std::collections::HashSet;

/// Hands out unique ids of the form `[a-z0-9_]+`, at most 64 bytes.
#[derive(Debug, Default)]
pub struct Ids {
    used: HashSet<String>,
}

impl Ids {
    /// An id derived from `hint` (e.g. `"pod default/web-1"` → `pod_default_web_1`),
    /// made unique by a numeric suffix when needed.
    pub fn make(&mut self, hint: &str) -> String {
        let mut base = String::with_capacity(hint.len().min(56));
        let mut last_underscore = true;
        for c in hint.chars() {
            if base.len() >= 56 {
                break;
            }
            if c.is_ascii_alphanumeric() {
                base.push(c.to_ascii_lowercase());
                last_underscore = false;
            } else if !last_underscore {
                base.push('_');
                last_underscore = true;
            }
        }
        while base.ends_with('_') {
            base.pop();
        }
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base.insert_str(0, "e_");
        }
        let mut id = base.clone();
        let mut n = 2;
        while !self.used.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_unique_and_repeatable() {
        let mut ids = Ids::default();
        assert_eq!(ids.make("pod default/web-1"), "pod_default_web_1");
        assert_eq!(ids.make("pod default/web_1"), "pod_default_web_1_2");
        assert_eq!(ids.make("主机"), "e_");
        assert_eq!(ids.make("<script>\"@enduml"), "script_enduml");
        let long = ids.make(&"a".repeat(300));
        assert!(long.len() <= 64);
    }
}
