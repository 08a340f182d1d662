//! The data of a zlib-compressed SPSS file (`.zsav`): after the dictionary, a ZLIB
//! header (offsets of itself and of the trailer, the trailer's length), then
//! zlib streams one after another, whose inflated bytes are the same
//! bytecode-compressed cases as in a `.sav`, then the trailer (the blocks' sizes).
//!
//! The streams are inflated in turn as the cases are read, so memory stays at one
//! buffer whatever the file's size; the trailer is not needed for that and is
//! never read (the header's offsets bound the streams).

use std::io::{BufRead, BufReader, Read, Take};

use flate2::bufread::ZlibDecoder;

/// Consecutive zlib streams read as one byte stream.
pub struct MultiZlib<B: BufRead> {
    decoder: Option<ZlibDecoder<B>>,
}

impl<B: BufRead> MultiZlib<B> {
    pub fn new(inner: B) -> Self {
        MultiZlib {
            decoder: Some(ZlibDecoder::new(inner)),
        }
    }
}

impl<B: BufRead> Read for MultiZlib<B> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let Some(decoder) = self.decoder.as_mut() else {
                return Ok(0);
            };
            let n = decoder.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // One stream ended; the bufread decoder consumed exactly its bytes, so
            // the next stream (if any) starts at the reader's position.
            let Some(decoder) = self.decoder.take() else {
                return Ok(0);
            };
            let mut inner = decoder.into_inner();
            if !inner.fill_buf()?.is_empty() {
                self.decoder = Some(ZlibDecoder::new(inner));
            }
        }
    }
}

/// The bytes of a case stream: as stored, or inflated from zlib blocks.
pub enum Payload<R: Read> {
    Plain(R),
    // Boxed: the inflate state is large, and there is one payload per file.
    Zlib(Box<MultiZlib<BufReader<Take<R>>>>),
}

impl<R: Read> Read for Payload<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Payload::Plain(r) => r.read(buf),
            Payload::Zlib(z) => z.read(buf),
        }
    }
}

/// Where the zlib streams are, from the ZLIB header's three numbers: they run from
/// just after the header (24 bytes at `header_offset`) to the trailer. `None` when
/// the offsets make no sense.
pub fn compressed_length(header_offset: i64, trailer_offset: i64) -> Option<u64> {
    let start = header_offset.checked_add(24)?;
    u64::try_from(trailer_offset.checked_sub(start)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).expect("deflate");
        encoder.finish().expect("finish")
    }

    #[test]
    fn streams_one_after_another_read_as_one() {
        let mut joined = zlib(b"first block, ");
        joined.extend(zlib(b"second block"));
        let mut out = String::new();
        MultiZlib::new(&joined[..])
            .read_to_string(&mut out)
            .expect("inflate");
        assert_eq!(out, "first block, second block");
    }

    #[test]
    fn damaged_data_is_an_error_not_a_panic() {
        let mut joined = zlib(b"some cases here");
        joined[4] ^= 0xff;
        joined[5] ^= 0xff;
        let mut out = Vec::new();
        assert!(MultiZlib::new(&joined[..]).read_to_end(&mut out).is_err());
        assert_eq!(compressed_length(100, 90), None);
        assert_eq!(compressed_length(100, 224), Some(100));
    }
}
