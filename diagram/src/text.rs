//! Text that comes from a cluster, made safe to show: one line, bounded length,
//! no control or bidi-override characters; and its approximate drawn width.
//!
//! Cleaning happens once, when the model is built, so every renderer gets the
//! same visible text; each renderer then escapes it for its own syntax.

/// Longest label kept, in display columns (a CJK character or emoji counts 2).
pub const MAX_LABEL_COLUMNS: usize = 48;

/// Makes `raw` a single safe line of at most `max_columns` display columns,
/// ending in `…` when shortened. Control characters and line breaks become
/// spaces, runs of spaces collapse, and invisible direction overrides go.
pub fn clean(raw: &str, max_columns: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max_columns * 4));
    let mut columns = 0;
    let mut pending_space = false;
    let mut truncated = false;
    for c in raw.chars() {
        if c.is_control() || c.is_whitespace() || is_line_separator(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible_format(c) {
            continue;
        }
        let w = char_columns(c) + usize::from(pending_space);
        if columns + w > max_columns.saturating_sub(1) {
            truncated = true;
            break;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        columns += w;
    }
    if truncated {
        out.push('…');
    }
    out
}

/// Cleans with the default label length.
pub fn label(raw: &str) -> String {
    clean(raw, MAX_LABEL_COLUMNS)
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Bidi overrides, isolates and zero-width characters that could disguise text.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Display columns of a character: 2 for East Asian wide characters and emoji, else 1.
pub fn char_columns(c: char) -> usize {
    if is_wide(c) { 2 } else { 1 }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

/// Approximate drawn width of `s` at `font_size` px in a sans-serif face,
/// erring wide so text fits inside the box sized for it.
pub fn width(s: &str, font_size: f64, bold: bool) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            _ if is_wide(c) => 1.05,
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' | 'I' | '(' | ')'
            | '[' | ']' => 0.34,
            'f' | 't' | 'r' | '-' | '/' | '\\' => 0.45,
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.92,
            'A'..='Z' | '#' | '&' | '…' | '«' | '»' | '·' => 0.72,
            _ if c.is_ascii() => 0.6,
            _ => 0.8,
        })
        .sum();
    em * font_size * if bold { 1.08 } else { 1.0 }
}

/// Shortens `s` (ending in `…`) until it is at most `max_width` px wide.
pub fn fit(s: &str, font_size: f64, bold: bool, max_width: f64) -> String {
    if width(s, font_size, bold) <= max_width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        out.push('…');
        if width(&out, font_size, bold) > max_width {
            out.pop();
            out.pop();
            break;
        }
        out.pop();
    }
    out.push('…');
    out
}

/// Breaks `s` into at most `max_lines` lines no wider than `max_width` px,
/// at spaces where possible, shortening the last line if text remains.
pub fn wrap(s: &str, font_size: f64, max_width: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split(' ') {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, font_size, false) <= max_width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        current = word.to_string();
        // A single word wider than a line is split by characters.
        while width(&current, font_size, false) > max_width {
            let head = fit(&current, font_size, false, max_width);
            let kept = head.trim_end_matches('…');
            let kept_len = kept
                .len()
                .max(current.chars().next().map_or(1, char::len_utf8));
            lines.push(current[..kept_len].to_string());
            current = current[kept_len..].to_string();
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(fit(&rest, font_size, false, max_width));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_and_controls_become_single_spaces() {
        assert_eq!(clean("a\n\n b\t\u{7}c\r\n@enduml", 80), "a b c @enduml");
    }

    #[test]
    fn long_text_is_shortened_with_an_ellipsis() {
        let s = clean(&"x".repeat(500), 20);
        assert_eq!(s.chars().count(), 20);
        assert!(s.ends_with('…'));
        let zh = clean(&"中".repeat(100), 20);
        assert!(zh.chars().count() <= 11, "{zh}");
    }

    #[test]
    fn bidi_overrides_are_removed() {
        assert_eq!(clean("abc\u{202E}fed", 80), "abcfed");
    }

    #[test]
    fn wrap_respects_width_and_line_count() {
        let lines = wrap(
            "one two three four five six seven eight nine ten",
            11.0,
            60.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        for l in &lines {
            assert!(width(l, 11.0, false) <= 60.0, "{l}");
        }
        let cjk = wrap(&"磁盘和目录".repeat(10), 11.0, 60.0, 3);
        assert_eq!(cjk.len(), 3);
        for l in &cjk {
            assert!(width(l, 11.0, false) <= 60.0, "{l}");
        }
    }
}
