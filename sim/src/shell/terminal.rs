//! The line discipline of a simulated terminal (`exec -t`): kubectl puts
//! the local terminal in raw mode and sends keystrokes as typed, so, like
//! a pty in canonical mode, this echoes them, edits the line (backspace,
//! Ctrl-U), and hands the shell whole lines; Ctrl-C drops the line,
//! Ctrl-D on an empty line ends the input. Cursor and function keys
//! (escape sequences) are ignored.

/// What a chunk of keystrokes produced.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cooked {
    /// To show on the terminal (`\n` becomes `\r\n` on the way out).
    pub echo: Vec<u8>,
    /// Complete lines for the shell, each ending in `\n`.
    pub input: Vec<u8>,
    /// Ctrl-D on an empty line: the input ended.
    pub eof: bool,
}

/// The line being typed.
#[derive(Debug, Default)]
pub struct LineDiscipline {
    line: Vec<u8>,
    /// Bytes of an escape sequence still to skip.
    escape: u8,
}

impl LineDiscipline {
    /// Takes raw keystrokes.
    pub fn feed(&mut self, raw: &[u8]) -> Cooked {
        let mut c = Cooked::default();
        for &b in raw {
            if self.escape > 0 {
                // `ESC [` then parameters up to a final byte in 0x40..=0x7e.
                self.escape = match (self.escape, b) {
                    (2, b'[' | b'O') => 1,
                    (1, 0x40..=0x7e) | (2, _) => 0,
                    _ => 1,
                };
                continue;
            }
            match b {
                b'\r' | b'\n' => {
                    c.echo.push(b'\n');
                    c.input.append(&mut self.line);
                    c.input.push(b'\n');
                }
                0x7f | 0x08 => {
                    // One character, with its UTF-8 continuation bytes.
                    while let Some(last) = self.line.pop() {
                        if last & 0xc0 != 0x80 {
                            c.echo.extend_from_slice(b"\x08 \x08");
                            break;
                        }
                    }
                }
                0x15 => {
                    for _ in String::from_utf8_lossy(&self.line).chars() {
                        c.echo.extend_from_slice(b"\x08 \x08");
                    }
                    self.line.clear();
                }
                0x03 => {
                    c.echo.extend_from_slice(b"^C\n");
                    self.line.clear();
                }
                0x04 if self.line.is_empty() => {
                    c.eof = true;
                    return c;
                }
                0x04 => c.input.append(&mut self.line),
                0x1b => self.escape = 2,
                b if b >= 0x20 || b == b'\t' => {
                    c.echo.push(b);
                    self.line.push(b);
                }
                _ => {}
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keystrokes_become_echoed_edited_lines() {
        let mut t = LineDiscipline::default();
        let c = t.feed(b"ecx\x7fho h\xc3\xa9\x7fi\r");
        assert_eq!(c.input, b"echo hi\n");
        assert_eq!(c.echo, b"ecx\x08 \x08ho h\xc3\xa9\x08 \x08i\n");
        let c = t.feed(b"oops\x03ls\x1b[Aa\x15pwd\r");
        assert_eq!(c.input, b"pwd\n");
        let c = t.feed(b"\x04");
        assert!(c.eof);
    }
}
