//! SPSS system files (`.sav`, uncompressed or bytecode-compressed, and
//! zlib-compressed `.zsav`) read into the same
//! records as CSV: numbers as exact text, system- and user-missing values as empty
//! fields, value labels in place of codes in segment and wave columns, and the
//! file's weight variable when the model names none.
//!
//! Written from PSPP's "System File Format" description; `.zsav` data is inflated
//! block by block (`super::zsav`). Cases stream: memory does not grow with rows.

use std::collections::BTreeMap;
use std::io::Read;

use csv::ByteRecord;
use encoding_rs::Encoding;

use super::decode::Detected;
use super::ingest::{ingest_records, Records};
use super::sav_encoding::{decode, file_encoding};
use super::sheet::number_text;
use super::zsav::{compressed_length, MultiZlib, Payload};
use super::{DataError, IngestOptions, Survey};
use crate::diag::Both;
use crate::model::Model;

/// One variable of the dictionary.
#[derive(Debug, Clone)]
struct Variable {
    name: String,
    /// 0 numeric, else the string width in bytes.
    width: usize,
    /// 8-byte segments the variable takes in a case.
    segments: usize,
    /// (width, segments) of each piece a string is stored in: one piece, or for a
    /// very long string (over 255 bytes) the 255-byte pieces that are joined.
    pieces: Vec<(usize, usize)>,
    /// User-missing values: discrete values, and a range (low, high).
    missing: Vec<f64>,
    missing_range: Option<(f64, f64)>,
    /// Value labels of a numeric variable, by the value's bits.
    labels: BTreeMap<u64, String>,
    /// The variable label (question text), if any.
    label: Option<String>,
}

/// What the dictionary says.
struct Dictionary {
    variables: Vec<Variable>,
    compressed: bool,
    /// `.zsav`: the bytecode-compressed cases are in zlib streams.
    zlib: bool,
    bias: f64,
    /// 1-based index of the weight variable's first segment (0: none).
    weight_segment: i32,
    /// The character encoding of names, labels and string values.
    encoding: &'static Encoding,
}

/// Text of the dictionary as stored, decoded once the file's encoding is known
/// (its records come after the variables and value labels).
#[derive(Default)]
struct RawText {
    /// Per variable: short name and variable label.
    variables: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    /// Value labels: variable index, the value's bits, the label.
    value_labels: Vec<(usize, u64, Vec<u8>)>,
    long_names: Option<Vec<u8>>,
    /// Record 7 subtype 14: very long strings, `SHORT=00600` pairs.
    very_long: Option<Vec<u8>>,
    /// Record 7 subtype 20 (encoding name) and subtype 3's character code.
    encoding_name: Option<Vec<u8>>,
    code_page: Option<i32>,
}

fn bad(file: &str, message: impl Into<Both>) -> DataError {
    DataError::file_error(
        file,
        Both::default(),
        message.into(),
        Both::new(
            "check that the file is an SPSS .sav or .zsav file; save it again from SPSS or PSPP, or export it as CSV",
            "请确认文件是 SPSS 的 .sav 或 .zsav 文件；用 SPSS 或 PSPP 重新保存，或导出为 CSV",
        ),
        None,
        None,
    )
}

const ENDS_IN_DICTIONARY: (&str, &str) = (
    "the file ends inside its dictionary",
    "文件在变量字典中途结束",
);
const ENDS_IN_CASE: (&str, &str) = ("the file ends inside a case", "文件在一条个案中途结束");

struct Input<R> {
    inner: R,
    big_endian: bool,
    file: String,
}

impl<R: Read> Input<R> {
    /// `n` bytes; memory grows with the bytes actually there, so a damaged length
    /// (up to 2⁴⁸ for an extension record) cannot allocate it up front.
    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, DataError> {
        let mut buf = Vec::new();
        let read = (&mut self.inner)
            .take(n as u64)
            .read_to_end(&mut buf)
            .map_err(|_| bad(&self.file, ENDS_IN_DICTIONARY))?;
        if read < n {
            return Err(bad(&self.file, ENDS_IN_DICTIONARY));
        }
        Ok(buf)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DataError> {
        let mut buf = [0u8; N];
        self.inner
            .read_exact(&mut buf)
            .map_err(|_| bad(&self.file, ENDS_IN_DICTIONARY))?;
        Ok(buf)
    }

    fn i32(&mut self) -> Result<i32, DataError> {
        let b = self.array::<4>()?;
        Ok(if self.big_endian {
            i32::from_be_bytes(b)
        } else {
            i32::from_le_bytes(b)
        })
    }

    fn f64(&mut self) -> Result<f64, DataError> {
        let b = self.array::<8>()?;
        Ok(self.float(b))
    }

    /// An 8-byte integer (the ZLIB header's offsets).
    fn i64(&mut self) -> Result<i64, DataError> {
        let b = self.array::<8>()?;
        Ok(if self.big_endian {
            i64::from_be_bytes(b)
        } else {
            i64::from_le_bytes(b)
        })
    }

    fn float(&self, b: [u8; 8]) -> f64 {
        if self.big_endian {
            f64::from_be_bytes(b)
        } else {
            f64::from_le_bytes(b)
        }
    }

    fn count(&mut self, what: &str) -> Result<usize, DataError> {
        let n = self.i32()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= 1 << 24)
            .ok_or_else(|| {
                bad(
                    &self.file,
                    Both::new(
                        format!("the dictionary has a bad {what} count ({n})"),
                        format!("变量字典中的计数无效（{n}）"),
                    ),
                )
            })
    }
}

/// Read a `.sav` survey into moments per cell, as [`crate::data::ingest`] does for CSV.
pub fn ingest_sav<R: Read>(
    model: &Model,
    eval_order: &[usize],
    file: &str,
    reader: R,
    options: &IngestOptions,
) -> Result<Survey, DataError> {
    let mut input = Input {
        inner: reader,
        big_endian: false,
        file: file.to_string(),
    };
    let dictionary = read_dictionary(&mut input)?;
    let input = payload(input, dictionary.zlib)?;
    let column_labels: BTreeMap<String, String> = dictionary
        .variables
        .iter()
        .filter_map(|v| Some((v.name.clone(), v.label.clone()?)))
        .collect();
    let names: Vec<String> = dictionary
        .variables
        .iter()
        .map(|v| v.name.clone())
        .collect();
    // The file's weight variable stands in when the model names none.
    let mut weighted;
    let model = if model.weight.is_none() && dictionary.weight_segment > 0 {
        let mut segment = 1;
        let found = dictionary.variables.iter().find(|v| {
            let here = segment;
            segment += v.segments as i32;
            here == dictionary.weight_segment
        });
        weighted = model.clone();
        weighted.weight = found.map(|v| v.name.clone());
        &weighted
    } else {
        model
    };
    let labelled: Vec<bool> = dictionary
        .variables
        .iter()
        .map(|v| {
            model
                .segments
                .iter()
                .chain(model.wave.iter())
                .any(|c| *c == v.name)
        })
        .collect();
    let records = SavRecords {
        input,
        dictionary,
        labelled,
        case: 0,
        pending: Vec::new(),
        finished: false,
    };
    let mut survey = ingest_records(
        model,
        eval_order,
        file,
        names,
        Detected::Utf8 { forced: false },
        records,
        options,
    )?;
    survey.column_labels = column_labels;
    Ok(survey)
}

/// Whether `file` names an SPSS system file (`.sav`, `.zsav`), by its extension.
pub fn is_sav_name(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".sav") || lower.ends_with(".zsav")
}

/// The column names of an SPSS file, from its dictionary only (`check --data`).
pub fn sav_header<R: Read>(file: &str, reader: R) -> Result<Vec<String>, DataError> {
    let mut input = Input {
        inner: reader,
        big_endian: false,
        file: file.to_string(),
    };
    let dictionary = read_dictionary(&mut input)?;
    Ok(dictionary.variables.into_iter().map(|v| v.name).collect())
}

/// The input positioned at the first case: for a `.zsav`, past the ZLIB header and
/// inflating the streams that end where the trailer starts.
fn payload<R: Read>(mut input: Input<R>, zlib: bool) -> Result<Input<Payload<R>>, DataError> {
    if !zlib {
        return Ok(Input {
            inner: Payload::Plain(input.inner),
            big_endian: input.big_endian,
            file: input.file,
        });
    }
    let header = input.i64()?;
    let trailer = input.i64()?;
    let _trailer_length = input.i64()?;
    let length = compressed_length(header, trailer).ok_or_else(|| {
        bad(
            &input.file,
            Both::new(
                format!("the ZLIB header's offsets make no sense (header at {header}, trailer at {trailer})"),
                format!("ZLIB 头中的偏移量不合理（头在 {header}，尾在 {trailer}）"),
            ),
        )
    })?;
    let blocks = std::io::BufReader::new(input.inner.take(length));
    Ok(Input {
        inner: Payload::Zlib(Box::new(MultiZlib::new(blocks))),
        big_endian: input.big_endian,
        file: input.file,
    })
}

fn read_dictionary<R: Read>(input: &mut Input<R>) -> Result<Dictionary, DataError> {
    let magic = input.array::<4>()?;
    let zlib = match &magic {
        b"$FL2" => false,
        b"$FL3" => true,
        _ => {
            return Err(bad(
                &input.file,
                (
                    "this is not an SPSS system file (no `$FL2` or `$FL3` at its start)",
                    "这不是 SPSS 系统文件（开头没有 `$FL2` 或 `$FL3`）",
                ),
            ))
        }
    };
    let _product = input.bytes(60)?;
    let layout = input.array::<4>()?;
    input.big_endian = !matches!(i32::from_le_bytes(layout), 2 | 3);
    let _case_size = input.i32()?;
    let compression = input.i32()?;
    let weight_segment = input.i32()?;
    let _cases = input.i32()?;
    let bias = input.f64()?;
    let _rest = input.bytes(9 + 8 + 64 + 3)?;
    let known = if zlib {
        compression == 2
    } else {
        matches!(compression, 0 | 1)
    };
    if !known {
        return Err(bad(
            &input.file,
            Both::new(
                format!(
                    "unknown compression {compression} (0 none, 1 bytecode, 2 zlib in a .zsav)"
                ),
                format!("未知的压缩方式 {compression}（0 不压缩，1 字节码，2 .zsav 中的 zlib）"),
            ),
        ));
    }
    let mut variables: Vec<Variable> = Vec::new();
    let mut raw = RawText::default();
    loop {
        match input.i32()? {
            2 => {
                let kind = input.i32()?;
                let has_label = input.i32()?;
                let missing = input.i32()?;
                let _print = input.i32()?;
                let _write = input.i32()?;
                let name = input.bytes(8)?;
                let mut label = None;
                if has_label == 1 {
                    let len = input.count("label length")?;
                    let mut text = input.bytes(len.div_ceil(4) * 4)?;
                    text.truncate(len);
                    label = Some(text);
                }
                let mut values = Vec::new();
                for _ in 0..missing.unsigned_abs() {
                    values.push(input.f64()?);
                }
                if kind == -1 {
                    if let Some(last) = variables.last_mut() {
                        last.segments += 1;
                    }
                    continue;
                }
                let (range, discrete) = if missing < 0 && values.len() >= 2 {
                    (
                        values.first().copied().zip(values.get(1).copied()),
                        values.get(2..).unwrap_or_default().to_vec(),
                    )
                } else {
                    (None, values)
                };
                raw.variables.push((name, label));
                variables.push(Variable {
                    name: String::new(),
                    width: usize::try_from(kind).unwrap_or(0),
                    segments: 1,
                    pieces: Vec::new(),
                    missing: discrete,
                    missing_range: range,
                    labels: BTreeMap::new(),
                    label: None,
                });
            }
            3 => {
                let count = input.count("value label")?;
                let mut labels = Vec::with_capacity(count);
                for _ in 0..count {
                    let value = input.array::<8>()?;
                    let len = usize::from(input.array::<1>()?[0]);
                    let mut text = input.bytes((len + 1).div_ceil(8) * 8 - 1)?;
                    text.truncate(len);
                    labels.push((input.float(value), text));
                }
                if input.i32()? != 4 {
                    return Err(bad(
                        &input.file,
                        (
                            "a value-label record is not followed by its variables",
                            "值标签记录后面没有跟着它的变量",
                        ),
                    ));
                }
                let n = input.count("labelled variable")?;
                for _ in 0..n {
                    let segment = input.i32()?;
                    if let Some(v) = variable_at(&variables, segment) {
                        for (value, text) in &labels {
                            raw.value_labels.push((v, value.to_bits(), text.clone()));
                        }
                    }
                }
            }
            6 => {
                let lines = input.count("document line")?;
                input.bytes(lines * 80)?;
            }
            7 => {
                let subtype = input.i32()?;
                let size = input.count("extension size")?;
                let count = input.count("extension count")?;
                let data = input.bytes(size.saturating_mul(count))?;
                match subtype {
                    // Machine integer info: the eighth integer is the character code.
                    3 if size == 4 && count >= 8 => {
                        let code: [u8; 4] = data
                            .get(28..32)
                            .and_then(|b| b.try_into().ok())
                            .unwrap_or_default();
                        raw.code_page = Some(if input.big_endian {
                            i32::from_be_bytes(code)
                        } else {
                            i32::from_le_bytes(code)
                        });
                    }
                    13 => raw.long_names = Some(data),
                    14 => raw.very_long = Some(data),
                    20 => raw.encoding_name = Some(data),
                    _ => {}
                }
            }
            999 => {
                input.i32()?;
                break;
            }
            other => {
                return Err(bad(
                    &input.file,
                    Both::new(
                        format!("unknown dictionary record type {other}"),
                        format!("未知的变量字典记录类型 {other}"),
                    ),
                ));
            }
        }
    }
    let encoding = file_encoding(raw.encoding_name.as_deref(), raw.code_page)
        .map_err(|message| unsupported_encoding(&input.file, message))?;
    for (v, (name, label)) in variables.iter_mut().zip(&raw.variables) {
        v.name = decode(encoding, name).trim_end().to_string();
        v.label = label
            .as_ref()
            .map(|l| decode(encoding, l).trim_end().to_string())
            .filter(|t| !t.is_empty());
    }
    for (index, bits, text) in &raw.value_labels {
        if let Some(v) = variables.get_mut(*index) {
            v.labels
                .insert(*bits, decode(encoding, text).trim_end().to_string());
        }
    }
    for v in &mut variables {
        v.pieces = vec![(v.width, v.segments)];
    }
    if let Some(map) = raw.very_long.as_deref().map(|m| decode(encoding, m)) {
        join_very_long(&mut variables, &map);
    }
    if let Some(map) = raw.long_names.as_deref().map(|m| decode(encoding, m)) {
        for pair in map.split('\t') {
            if let Some((short, long)) = pair.split_once('=') {
                if let Some(v) = variables.iter_mut().find(|v| v.name == short) {
                    v.name = long.trim_end_matches('\0').to_string();
                }
            }
        }
    }
    Ok(Dictionary {
        variables,
        compressed: compression >= 1,
        zlib,
        bias,
        weight_segment,
        encoding,
    })
}

fn unsupported_encoding(file: &str, message: Both) -> DataError {
    DataError::file_error(
        file,
        Both::default(),
        message,
        Both::new(
            "save the file again in Unicode (SPSS: SET UNICODE=ON before SAVE; PSPP: SAVE /UNICODE) or in a Windows code page, or export it as CSV",
            "请以 Unicode（SPSS：SAVE 之前 SET UNICODE=ON；PSPP：SAVE /UNICODE）或 Windows 代码页重新保存，或导出为 CSV",
        ),
        None,
        None,
    )
}

/// Join each very long string's pieces into its first variable. A string of width
/// W is stored as ⌈W / 252⌉ variables, each holding up to 255 bytes of it (PSPP's
/// "System File Format", "Very Long String Record").
fn join_very_long(variables: &mut Vec<Variable>, map: &str) {
    for pair in map.split('\t') {
        let Some((short, width)) = pair.trim_end_matches('\0').split_once('=') else {
            continue;
        };
        let Ok(width) = width.trim().parse::<usize>() else {
            continue;
        };
        let Some(at) = variables.iter().position(|v| v.name == short) else {
            continue;
        };
        let count = width.div_ceil(252);
        if count < 2 || at + count > variables.len() {
            continue;
        }
        let rest: Vec<Variable> = variables.drain(at + 1..at + count).collect();
        if let Some(first) = variables.get_mut(at) {
            for piece in rest {
                first.segments += piece.segments;
                first.pieces.extend(piece.pieces);
            }
            first.width = width;
        }
    }
}

/// The index of the variable whose first segment is `segment` (1-based).
fn variable_at(variables: &[Variable], segment: i32) -> Option<usize> {
    let mut at = 1;
    for (index, v) in variables.iter().enumerate() {
        if at == segment {
            return Some(index);
        }
        at += v.segments as i32;
    }
    None
}

/// Cases as records.
struct SavRecords<R> {
    input: Input<R>,
    dictionary: Dictionary,
    /// Segment and wave variables: their value labels replace the codes.
    labelled: Vec<bool>,
    case: u64,
    /// Undecoded compression codes of the current block.
    pending: Vec<u8>,
    finished: bool,
}

/// One 8-byte segment of a case.
enum Segment {
    Bytes([u8; 8]),
    Number(f64),
    Missing,
    End,
}

impl<R: Read> SavRecords<R> {
    fn segment(&mut self) -> Result<Segment, DataError> {
        let truncated = |file: &str| bad(file, ENDS_IN_CASE);
        // Inflating a `.zsav` block can fail on damaged data: say so, not "ends".
        let damaged = |file: &str, e: std::io::Error| {
            bad(
                file,
                Both::new(
                    format!("the cases cannot be read: {e}"),
                    format!("无法读取个案数据：`{e}`"),
                ),
            )
        };
        if !self.dictionary.compressed {
            let mut b = [0u8; 8];
            return match read_full(&mut self.input.inner, &mut b) {
                Ok(0) => Ok(Segment::End),
                Ok(8) => Ok(Segment::Bytes(b)),
                _ => Err(truncated(&self.input.file)),
            };
        }
        loop {
            if self.pending.is_empty() {
                let mut block = [0u8; 8];
                match read_full(&mut self.input.inner, &mut block) {
                    Ok(0) => return Ok(Segment::End),
                    Ok(8) => {}
                    Ok(_) => return Err(truncated(&self.input.file)),
                    Err(e) => return Err(damaged(&self.input.file, e)),
                }
                self.pending = block.iter().rev().copied().collect();
            }
            let Some(code) = self.pending.pop() else {
                continue;
            };
            return Ok(match code {
                0 => continue,
                1..=251 => Segment::Number(f64::from(code) - self.dictionary.bias),
                252 => Segment::End,
                253 => {
                    let mut b = [0u8; 8];
                    if read_full(&mut self.input.inner, &mut b).ok() != Some(8) {
                        return Err(truncated(&self.input.file));
                    }
                    Segment::Bytes(b)
                }
                254 => Segment::Bytes(*b"        "),
                _ => Segment::Missing,
            });
        }
    }
}

fn read_full<R: Read>(reader: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(buf.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl<R: Read> Records for SavRecords<R> {
    fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, DataError> {
        if self.finished {
            return Ok(None);
        }
        record.clear();
        let count = self.dictionary.variables.len();
        for index in 0..count {
            let (width, pieces) = match self.dictionary.variables.get(index) {
                Some(v) => (v.width, v.pieces.len()),
                None => break,
            };
            if width == 0 {
                let value = match self.segment()? {
                    Segment::End if index == 0 => {
                        self.finished = true;
                        return Ok(None);
                    }
                    Segment::End => return Err(bad(&self.input.file, ENDS_IN_CASE)),
                    Segment::Number(x) => Some(x),
                    Segment::Bytes(b) => Some(self.input.float(b)),
                    Segment::Missing => None,
                };
                let text = match (value, self.dictionary.variables.get(index)) {
                    (Some(x), Some(v)) if x != -f64::MAX && !is_user_missing(v, x) => {
                        match v.labels.get(&x.to_bits()) {
                            Some(label) if self.labelled.get(index) == Some(&true) => label.clone(),
                            _ => number_text(x),
                        }
                    }
                    _ => String::new(),
                };
                record.push_field(text.as_bytes());
            } else {
                let mut bytes = Vec::with_capacity(width);
                for p in 0..pieces {
                    let (piece_width, segments) = self
                        .dictionary
                        .variables
                        .get(index)
                        .and_then(|v| v.pieces.get(p).copied())
                        .unwrap_or_default();
                    let start = bytes.len();
                    for s in 0..segments {
                        match self.segment()? {
                            Segment::End if index == 0 && p == 0 && s == 0 => {
                                self.finished = true;
                                return Ok(None);
                            }
                            Segment::Bytes(b) => bytes.extend_from_slice(&b),
                            Segment::Number(_) | Segment::Missing => {
                                bytes.extend_from_slice(b"        ")
                            }
                            Segment::End => return Err(bad(&self.input.file, ENDS_IN_CASE)),
                        }
                    }
                    bytes.truncate(start + piece_width.min(255));
                }
                bytes.truncate(width);
                let trimmed = bytes.trim_ascii_end();
                // A user-missing string is compared as stored (8 bytes, blank-padded).
                let missing = !trimmed.is_empty()
                    && self.dictionary.variables.get(index).is_some_and(|v| {
                        v.missing.iter().any(|m| {
                            let stored = if self.input.big_endian {
                                m.to_be_bytes()
                            } else {
                                m.to_le_bytes()
                            };
                            stored.trim_ascii_end() == trimmed
                        })
                    });
                let text = decode(self.dictionary.encoding, trimmed);
                record.push_field(if missing { b"" } else { text.as_bytes() });
            }
        }
        self.case += 1;
        // Rows are counted from 2, as if the dictionary were a header line.
        Ok(Some(self.case + 1))
    }
}

fn is_user_missing(v: &Variable, x: f64) -> bool {
    v.missing.contains(&x) || v.missing_range.is_some_and(|(lo, hi)| lo <= x && x <= hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_sav_is_refused() {
        let mut input = Input {
            inner: &b"a,b\n1,2\n"[..],
            big_endian: false,
            file: "s.sav".to_string(),
        };
        let e = read_dictionary(&mut input)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("not an SPSS system file"), "{e}");
    }

    /// A header and one extension record claiming 2⁴⁸ bytes: refused as cut short,
    /// without trying to allocate them.
    #[test]
    fn a_huge_extension_length_is_not_allocated() {
        let mut bytes = b"$FL2".to_vec();
        bytes.extend([b' '; 60]);
        for word in [2i32, 1, 1, 0, -1] {
            bytes.extend(word.to_le_bytes());
        }
        bytes.extend(100f64.to_le_bytes());
        bytes.extend([b' '; 84]);
        for word in [7i32, 99, 1 << 24, 1 << 24] {
            bytes.extend(word.to_le_bytes());
        }
        bytes.extend([0u8; 64]);
        let mut input = Input {
            inner: &bytes[..],
            big_endian: false,
            file: "s.sav".to_string(),
        };
        let e = read_dictionary(&mut input)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("the file ends inside its dictionary"), "{e}");
    }
}
