//! SPDY/3.1 framing, the part port-forward needs (kubectl 1.32 speaks it
//! inside a WebSocket, `portforward.rs`): the frames a client sends are
//! decoded, and the server's replies encoded. No crate keeps SPDY any
//! more, and the subset is small.
//!
//! Frames (draft 3.1): an 8-byte head, then the payload. A data frame's
//! head is `0|stream id(31) flags(8) length(24)`; a control frame's is
//! `1|version(15)=3 type(16) flags(8) length(24)`. Name/value header
//! blocks (SYN_STREAM, SYN_REPLY, HEADERS) are zlib-compressed with the
//! spec's preset dictionary, one compression context per direction for
//! the whole connection. flate2's zlib-rs backend handles the dictionary.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};

/// `FLAG_FIN` of data, SYN_STREAM and SYN_REPLY frames.
pub const FIN: u8 = 0x01;

const SYN_STREAM: u16 = 1;
const SYN_REPLY: u16 = 2;
const RST_STREAM: u16 = 3;
const PING: u16 = 6;
const GOAWAY: u16 = 7;

/// Largest header block accepted once decompressed.
const MAX_HEADER_BLOCK: usize = 64 * 1024;
/// Largest frame payload accepted (the length field allows 16 MiB).
const MAX_FRAME: usize = 1 << 20;

/// A frame the server acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A new stream from the client, with its headers (names lower-case).
    SynStream {
        id: u32,
        fin: bool,
        headers: Vec<(String, String)>,
    },
    Data {
        id: u32,
        fin: bool,
        data: Vec<u8>,
    },
    RstStream {
        id: u32,
    },
    Ping(u32),
    GoAway,
    /// SETTINGS, WINDOW_UPDATE, HEADERS, SYN_REPLY from a client and
    /// unknown types: nothing to do.
    Ignored,
}

/// A malformed stream of frames; the connection cannot go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpdyError(pub String);

/// Reads frames from the bytes a client sends, in whatever pieces.
pub struct Decoder {
    buffer: Vec<u8>,
    inflate: Decompress,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder {
            buffer: Vec::new(),
            inflate: Decompress::new(true),
        }
    }
}

impl Decoder {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete frame, if one has arrived.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, SpdyError> {
        if self.buffer.len() < 8 {
            return Ok(None);
        }
        let head = &self.buffer[..8];
        let flags = head[4];
        let length = u32::from_be_bytes([0, head[5], head[6], head[7]]) as usize;
        if length > MAX_FRAME {
            return Err(SpdyError(format!("frame of {length} bytes is too large")));
        }
        if self.buffer.len() < 8 + length {
            return Ok(None);
        }
        let first = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let payload: Vec<u8> = self.buffer.drain(..8 + length).skip(8).collect();
        if first & 0x8000_0000 == 0 {
            return Ok(Some(Frame::Data {
                id: first,
                fin: flags & FIN != 0,
                data: payload,
            }));
        }
        let version = (first >> 16) & 0x7fff;
        if version != 3 {
            return Err(SpdyError(format!("unsupported SPDY version {version}")));
        }
        let word = |i: usize| -> Result<u32, SpdyError> {
            payload
                .get(i..i + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or_else(|| SpdyError("control frame too short".into()))
        };
        Ok(Some(match (first & 0xffff) as u16 {
            SYN_STREAM => {
                let id = word(0)? & 0x7fff_ffff;
                let block = payload
                    .get(10..)
                    .ok_or_else(|| SpdyError("SYN_STREAM too short".into()))?;
                let headers = parse_headers(&self.inflate(block)?)?;
                Frame::SynStream {
                    id,
                    fin: flags & FIN != 0,
                    headers,
                }
            }
            SYN_REPLY | 8 => {
                // Keep the compression context in step.
                if let Some(block) = payload.get(4..) {
                    self.inflate(block)?;
                }
                Frame::Ignored
            }
            RST_STREAM => Frame::RstStream {
                id: word(0)? & 0x7fff_ffff,
            },
            PING => Frame::Ping(word(0)?),
            GOAWAY => Frame::GoAway,
            _ => Frame::Ignored,
        }))
    }

    fn inflate(&mut self, block: &[u8]) -> Result<Vec<u8>, SpdyError> {
        let mut out = Vec::with_capacity(block.len() * 4 + 256);
        let mut used = 0;
        loop {
            if out.len() == out.capacity() {
                out.reserve(1024);
            }
            let before = self.inflate.total_in();
            let result =
                self.inflate
                    .decompress_vec(&block[used..], &mut out, FlushDecompress::Sync);
            used += (self.inflate.total_in() - before) as usize;
            match result {
                Ok(_) if used >= block.len() && out.len() < out.capacity() => return Ok(out),
                Ok(_) => {}
                Err(e) if e.needs_dictionary().is_some() => {
                    self.inflate
                        .set_dictionary(&dictionary())
                        .map_err(|e| SpdyError(format!("header dictionary: {e}")))?;
                }
                Err(e) => return Err(SpdyError(format!("header block: {e}"))),
            }
            if out.len() > MAX_HEADER_BLOCK {
                return Err(SpdyError("header block too large".into()));
            }
        }
    }
}

/// Decodes a decompressed name/value block: a count, then length-prefixed
/// names and values (several values of one name are NUL-separated; the
/// first is kept).
fn parse_headers(block: &[u8]) -> Result<Vec<(String, String)>, SpdyError> {
    let short = || SpdyError("header block too short".into());
    let mut pos = 0;
    let mut take = |n: usize| -> Result<&[u8], SpdyError> {
        let s = block.get(pos..pos + n).ok_or_else(short)?;
        pos += n;
        Ok(s)
    };
    let len = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let count = len(take(4)?);
    let mut headers = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let n = len(take(4)?);
        let name = String::from_utf8_lossy(take(n)?).to_lowercase();
        let n = len(take(4)?);
        let value = String::from_utf8_lossy(take(n)?).into_owned();
        let value = value.split('\0').next().unwrap_or_default().to_owned();
        headers.push((name, value));
    }
    Ok(headers)
}

/// Writes the server's frames.
pub struct Encoder {
    deflate: Compress,
    started: bool,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder {
            deflate: Compress::new(Compression::default(), true),
            started: false,
        }
    }
}

impl Encoder {
    /// SYN_REPLY with no headers: the stream is accepted.
    pub fn syn_reply(&mut self, id: u32) -> Result<Vec<u8>, SpdyError> {
        let mut payload = id.to_be_bytes().to_vec();
        payload.extend(self.deflate(&0u32.to_be_bytes())?);
        Ok(control(SYN_REPLY, 0, &payload))
    }

    pub fn data(id: u32, fin: bool, data: &[u8]) -> Vec<u8> {
        let mut frame = Vec::with_capacity(data.len() + 8);
        frame.extend((id & 0x7fff_ffff).to_be_bytes());
        frame.push(if fin { FIN } else { 0 });
        frame.extend(&(data.len() as u32).to_be_bytes()[1..]);
        frame.extend(data);
        frame
    }

    pub fn ping(id: u32) -> Vec<u8> {
        control(PING, 0, &id.to_be_bytes())
    }

    fn deflate(&mut self, block: &[u8]) -> Result<Vec<u8>, SpdyError> {
        if !self.started {
            self.deflate
                .set_dictionary(&dictionary())
                .map_err(|e| SpdyError(format!("header dictionary: {e}")))?;
            self.started = true;
        }
        let mut out = Vec::with_capacity(block.len() + 64);
        self.deflate
            .compress_vec(block, &mut out, FlushCompress::Sync)
            .map_err(|e| SpdyError(format!("header block: {e}")))?;
        Ok(out)
    }
}

fn control(kind: u16, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(payload.len() + 8);
    frame.extend(0x8003u16.to_be_bytes());
    frame.extend(kind.to_be_bytes());
    frame.push(flags);
    frame.extend(&(payload.len() as u32).to_be_bytes()[1..]);
    frame.extend(payload);
    frame
}

/// The SPDY/3 header compression dictionary (draft 3, section 2.6.10.1):
/// each of these words with a 4-byte big-endian length before it, then
/// [`DICTIONARY_TAIL`] as it is.
const DICTIONARY_WORDS: [&str; 66] = [
    "options",
    "head",
    "post",
    "put",
    "delete",
    "trace",
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "accept-ranges",
    "age",
    "allow",
    "authorization",
    "cache-control",
    "connection",
    "content-base",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-md5",
    "content-range",
    "content-type",
    "date",
    "etag",
    "expect",
    "expires",
    "from",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "pragma",
    "proxy-authenticate",
    "proxy-authorization",
    "range",
    "referer",
    "retry-after",
    "server",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "vary",
    "via",
    "warning",
    "www-authenticate",
    "method",
    "get",
    "status",
    "200 OK",
    "version",
    "HTTP/1.1",
    "url",
    "public",
    "set-cookie",
    "keep-alive",
    "origin",
    "",
];

const DICTIONARY_TAIL: &str = concat!(
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505",
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request",
    "401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented",
    "503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 ",
    "Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,",
    "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=",
    "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.",
);

fn dictionary() -> Vec<u8> {
    let mut dict = Vec::with_capacity(1423);
    for word in DICTIONARY_WORDS.iter().filter(|w| !w.is_empty()) {
        dict.extend((word.len() as u32).to_be_bytes());
        dict.extend(word.as_bytes());
    }
    dict.extend(DICTIONARY_TAIL.as_bytes());
    dict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_has_the_specs_size() {
        assert_eq!(dictionary().len(), 1423);
    }

    /// A SYN_STREAM as a client writes it, with its own compression context.
    fn syn_stream(deflate: &mut Compress, id: u32, headers: &[(&str, &str)]) -> Vec<u8> {
        let mut block = (headers.len() as u32).to_be_bytes().to_vec();
        for (n, v) in headers {
            block.extend((n.len() as u32).to_be_bytes());
            block.extend(n.as_bytes());
            block.extend((v.len() as u32).to_be_bytes());
            block.extend(v.as_bytes());
        }
        let mut z = Vec::with_capacity(block.len() + 64);
        deflate
            .compress_vec(&block, &mut z, FlushCompress::Sync)
            .unwrap();
        let mut payload = id.to_be_bytes().to_vec();
        payload.extend([0, 0, 0, 0, 0, 0]);
        payload.extend(z);
        control(SYN_STREAM, 0, &payload)
    }

    #[test]
    fn frames_round_trip_through_one_compression_context() {
        let mut client = Compress::new(Compression::best(), true);
        client.set_dictionary(&dictionary()).unwrap();
        let mut bytes = syn_stream(&mut client, 1, &[("streamtype", "error"), ("port", "80")]);
        bytes.extend(syn_stream(
            &mut client,
            3,
            &[("streamtype", "data"), ("port", "80")],
        ));
        bytes.extend(Encoder::data(3, true, b"GET /"));
        bytes.extend(Encoder::ping(7));
        let mut d = Decoder::default();
        // In awkward pieces, as WebSocket messages may cut them.
        for piece in bytes.chunks(5) {
            d.push(piece);
        }
        let mut frames = Vec::new();
        while let Some(f) = d.next_frame().unwrap() {
            frames.push(f);
        }
        assert_eq!(frames.len(), 4);
        assert_eq!(
            frames[1],
            Frame::SynStream {
                id: 3,
                fin: false,
                headers: vec![
                    ("streamtype".into(), "data".into()),
                    ("port".into(), "80".into())
                ]
            }
        );
        assert_eq!(
            frames[2],
            Frame::Data {
                id: 3,
                fin: true,
                data: b"GET /".to_vec()
            }
        );
        assert_eq!(frames[3], Frame::Ping(7));
        // The server's replies decode with a client's context.
        let mut e = Encoder::default();
        let reply = e.syn_reply(1).unwrap();
        assert_eq!(&reply[..4], &[0x80, 3, 0, 2]);
        let mut inflate = Decompress::new(true);
        let mut out = Vec::with_capacity(64);
        let err = inflate.decompress_vec(&reply[12..], &mut out, FlushDecompress::Sync);
        assert!(err.unwrap_err().needs_dictionary().is_some());
        inflate.set_dictionary(&dictionary()).unwrap();
        let used = inflate.total_in() as usize;
        inflate
            .decompress_vec(&reply[12 + used..], &mut out, FlushDecompress::Sync)
            .unwrap();
        assert_eq!(out, [0, 0, 0, 0]);
    }
}
