//! Parsing the small POSIX-shell subset the simulated `sh` understands:
//! commands separated by `;`, newlines, `&&` and `||`, pipelines with
//! `|`, the redirections `>`, `>>`, `<`, `2>`, `2>>`, `2>&1` and `>&2`,
//! single and double quotes, backslash escapes, `$VAR`, `${VAR}`, `$?`,
//! `$(command)` and `#` comments. No control flow (`if`, `for`, `while`),
//! functions, globbing or background jobs (`&` runs in the foreground).

/// A piece of a word, expanded when the command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// `$NAME`, `${NAME}`, `$?`.
    Var(String),
    /// `$(script)`.
    Subst(String),
}

/// A word: its parts, concatenated after expansion.
pub type Word = Vec<Part>;

/// Where a redirection sends a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// `fd> word` (`append` for `>>`).
    ToFile { fd: u8, target: Word, append: bool },
    /// `< word`.
    FromFile(Word),
    /// `2>&1` (`from` 2, `to` 1) or `>&2`.
    Dup { from: u8, to: u8 },
}

/// One command with its arguments and redirections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Simple {
    /// Leading `NAME=value` words.
    pub assignments: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
}

/// How an and-or list continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
}

/// `a | b && c || d`: pipelines joined by `&&`/`||`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndOr {
    pub first: Vec<Simple>,
    pub rest: Vec<(Connector, Vec<Simple>)>,
}

/// A syntax error, in busybox's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(Word),
    Op(&'static str),
}

const OPS: [&str; 12] = [
    "2>&1", ">&2", "1>&2", "2>>", "2>", "&&", "||", ">>", ">", "<", "|", ";",
];

/// Parses a script into and-or lists run one after another.
pub fn parse(script: &str) -> Result<Vec<AndOr>, SyntaxError> {
    let tokens = lex(script)?;
    let mut lists = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if matches!(tokens[i], Token::Op(";" | "\n" | "&")) {
            i += 1;
            continue;
        }
        let (list, next) = and_or(&tokens, i)?;
        lists.push(list);
        i = next;
    }
    Ok(lists)
}

fn and_or(tokens: &[Token], mut i: usize) -> Result<(AndOr, usize), SyntaxError> {
    let (first, next) = pipeline(tokens, i)?;
    i = next;
    let mut rest = Vec::new();
    while let Some(Token::Op(op @ ("&&" | "||"))) = tokens.get(i) {
        let connector = if *op == "&&" {
            Connector::And
        } else {
            Connector::Or
        };
        i += 1;
        while matches!(tokens.get(i), Some(Token::Op("\n"))) {
            i += 1;
        }
        let (p, next) = pipeline(tokens, i)?;
        rest.push((connector, p));
        i = next;
    }
    Ok((AndOr { first, rest }, i))
}

fn pipeline(tokens: &[Token], mut i: usize) -> Result<(Vec<Simple>, usize), SyntaxError> {
    let mut commands = Vec::new();
    loop {
        let (c, next) = simple(tokens, i)?;
        commands.push(c);
        i = next;
        if matches!(tokens.get(i), Some(Token::Op("|"))) {
            i += 1;
        } else {
            return Ok((commands, i));
        }
    }
}

fn simple(tokens: &[Token], mut i: usize) -> Result<(Simple, usize), SyntaxError> {
    let mut cmd = Simple::default();
    while let Some(t) = tokens.get(i) {
        match t {
            Token::Word(w) => {
                match assignment(w) {
                    Some(a) if cmd.words.is_empty() => cmd.assignments.push(a),
                    _ => cmd.words.push(w.clone()),
                }
                i += 1;
            }
            Token::Op(op @ (">" | ">>" | "2>" | "2>>" | "<")) => {
                let Some(Token::Word(target)) = tokens.get(i + 1) else {
                    return Err(unexpected(tokens.get(i + 1)));
                };
                let target = target.clone();
                cmd.redirects.push(match *op {
                    "<" => Redirect::FromFile(target),
                    _ => Redirect::ToFile {
                        fd: if op.starts_with('2') { 2 } else { 1 },
                        target,
                        append: op.ends_with(">>"),
                    },
                });
                i += 2;
            }
            Token::Op("2>&1") => {
                cmd.redirects.push(Redirect::Dup { from: 2, to: 1 });
                i += 1;
            }
            Token::Op(">&2" | "1>&2") => {
                cmd.redirects.push(Redirect::Dup { from: 1, to: 2 });
                i += 1;
            }
            Token::Op(_) => break,
        }
    }
    if cmd.words.is_empty() && cmd.assignments.is_empty() && cmd.redirects.is_empty() {
        return Err(unexpected(tokens.get(i)));
    }
    Ok((cmd, i))
}

fn unexpected(token: Option<&Token>) -> SyntaxError {
    SyntaxError(match token {
        None | Some(Token::Op("\n")) => "syntax error: unexpected end of file".to_owned(),
        Some(Token::Op(op)) => format!("syntax error: unexpected \"{op}\""),
        Some(Token::Word(_)) => "syntax error: unexpected word".to_owned(),
    })
}

/// `NAME=value` as an assignment, if the word is one.
fn assignment(word: &Word) -> Option<(String, Word)> {
    let Some(Part::Text(first)) = word.first() else {
        return None;
    };
    let (name, value) = first.split_once('=')?;
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return None;
    }
    let mut rest = vec![Part::Text(value.to_owned())];
    rest.extend(word[1..].iter().cloned());
    Some((name.to_owned(), rest))
}

fn lex(script: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = script.chars().collect();
    let mut tokens = Vec::new();
    let mut word: Word = Vec::new();
    let mut in_word = false;
    let mut i = 0;
    let push_text = |word: &mut Word, c: char| match word.last_mut() {
        Some(Part::Text(t)) => t.push(c),
        _ => word.push(Part::Text(c.to_string())),
    };
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
        let op = OPS.iter().find(|op| rest.starts_with(*op));
        // `2>` only counts as an operator at the start of a word.
        let op = op.filter(|op| !(in_word && op.starts_with(['1', '2'])));
        if c == ' ' || c == '\t' || c == '\n' || (c == '&' && op.is_none()) || op.is_some() {
            if in_word {
                tokens.push(Token::Word(std::mem::take(&mut word)));
                in_word = false;
            }
            if c == '\n' {
                tokens.push(Token::Op("\n"));
            } else if c == '&' && op.is_none() {
                tokens.push(Token::Op("&"));
            }
            if let Some(op) = op {
                tokens.push(Token::Op(op));
                i += op.len();
                continue;
            }
            i += 1;
            continue;
        }
        if c == '#' && !in_word {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        in_word = true;
        match c {
            '\'' => {
                let end = find(&chars, i + 1, '\'').ok_or_else(|| {
                    SyntaxError("syntax error: unterminated quoted string".into())
                })?;
                let text: String = chars[i + 1..end].iter().collect();
                word.push(Part::Text(text));
                i = end + 1;
            }
            '"' => {
                i += 1;
                word.push(Part::Text(String::new()));
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(SyntaxError(
                                "syntax error: unterminated quoted string".into(),
                            ));
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                            push_text(&mut word, chars[i + 1]);
                            i += 2;
                        }
                        Some('$') => i = dollar(&chars, i, &mut word)?,
                        Some(&c) => {
                            push_text(&mut word, c);
                            i += 1;
                        }
                    }
                }
            }
            '\\' => {
                if let Some(&next) = chars.get(i + 1)
                    && next != '\n'
                {
                    push_text(&mut word, next);
                }
                i += 2;
            }
            '$' => i = dollar(&chars, i, &mut word)?,
            c => {
                push_text(&mut word, c);
                i += 1;
            }
        }
    }
    if in_word {
        tokens.push(Token::Word(word));
    }
    Ok(tokens)
}

/// Reads the expansion starting at the `$` at `i`; returns the index after it.
fn dollar(chars: &[char], i: usize, word: &mut Word) -> Result<usize, SyntaxError> {
    match chars.get(i + 1) {
        Some('(') => {
            let mut depth = 1;
            let mut j = i + 2;
            while j < chars.len() {
                match chars[j] {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(SyntaxError("syntax error: unterminated $(".into()));
            }
            word.push(Part::Subst(chars[i + 2..j].iter().collect()));
            Ok(j + 1)
        }
        Some('{') => {
            let end = find(chars, i + 2, '}')
                .ok_or_else(|| SyntaxError("syntax error: missing '}'".into()))?;
            word.push(Part::Var(chars[i + 2..end].iter().collect()));
            Ok(end + 1)
        }
        Some('?') => {
            word.push(Part::Var("?".into()));
            Ok(i + 2)
        }
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            word.push(Part::Var(chars[i + 1..j].iter().collect()));
            Ok(j)
        }
        _ => {
            match word.last_mut() {
                Some(Part::Text(t)) => t.push('$'),
                _ => word.push(Part::Text("$".into())),
            }
            Ok(i + 1)
        }
    }
}

fn find(chars: &[char], from: usize, c: char) -> Option<usize> {
    (from..chars.len()).find(|&j| chars[j] == c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Word {
        vec![Part::Text(s.into())]
    }

    #[test]
    fn lists_pipelines_and_redirections() {
        let lists = parse("echo 'a b' > /tmp/x && cat</tmp/x | cat; false || echo \"$HOME\"x 2>&1")
            .unwrap();
        assert_eq!(lists.len(), 2);
        let first = &lists[0];
        assert_eq!(first.first[0].words, [text("echo"), text("a b")]);
        assert_eq!(
            first.first[0].redirects,
            [Redirect::ToFile {
                fd: 1,
                target: text("/tmp/x"),
                append: false
            }]
        );
        assert_eq!(first.rest[0].0, Connector::And);
        assert_eq!(first.rest[0].1.len(), 2);
        assert_eq!(
            first.rest[0].1[0].redirects,
            [Redirect::FromFile(text("/tmp/x"))]
        );
        let second = &lists[1];
        assert_eq!(second.rest[0].0, Connector::Or);
        assert_eq!(
            second.rest[0].1[0].words[1],
            vec![
                Part::Text(String::new()),
                Part::Var("HOME".into()),
                Part::Text("x".into())
            ]
        );
        assert_eq!(
            second.rest[0].1[0].redirects,
            [Redirect::Dup { from: 2, to: 1 }]
        );
    }

    #[test]
    fn substitutions_assignments_and_comments() {
        let lists = parse("A=1 B=$(hostname) env # a comment\nexit ${CODE}").unwrap();
        assert_eq!(lists.len(), 2);
        let c = &lists[0].first[0];
        assert_eq!(c.assignments[0], ("A".into(), text("1")));
        assert_eq!(
            c.assignments[1].1,
            vec![Part::Text(String::new()), Part::Subst("hostname".into())]
        );
        assert_eq!(c.words, [text("env")]);
        assert_eq!(lists[1].first[0].words[1], vec![Part::Var("CODE".into())]);
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert_eq!(
            parse("echo 'open").unwrap_err().0,
            "syntax error: unterminated quoted string"
        );
        assert_eq!(
            parse("&& echo").unwrap_err().0,
            "syntax error: unexpected \"&&\""
        );
        assert_eq!(
            parse("echo >").unwrap_err().0,
            "syntax error: unexpected end of file"
        );
        assert_eq!(parse("a2>b").unwrap()[0].first[0].words, [text("a2")]);
    }
}
