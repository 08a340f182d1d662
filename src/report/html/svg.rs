//! A small SVG writer: fixed number formatting, every text escaped, and text
//! measured by an estimate (CJK characters one em, others 0.58 em) so labels can be
//! wrapped and kept apart without a browser.

use unicode_width::UnicodeWidthChar;

use super::escape::escape;

/// A number for an SVG attribute: one decimal, no `-0.0`.
pub fn num(value: f64) -> String {
    let text = format!("{value:.1}");
    if text == "-0.0" {
        "0.0".to_string()
    } else {
        text
    }
}

/// Estimated width in pixels of `text` at `size` px.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| match c.width() {
            Some(2) => size,
            Some(0) | None => 0.0,
            _ => 0.58 * size,
        })
        .sum()
}

/// Wrap `text` into at most `max_lines` lines of at most `max_width` px: breaks at
/// spaces in Latin text and between any two CJK characters; the last line is cut
/// with `…` when the text does not fit.
pub fn wrap(text: &str, max_width: f64, size: f64, max_lines: usize) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c == ' ' || c.width() == Some(2) {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            tokens.push(c.to_string());
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    let mut lines: Vec<String> = vec![String::new()];
    for token in tokens {
        let Some(current) = lines.last_mut() else {
            break;
        };
        if token == " " && current.is_empty() {
            continue;
        }
        if text_width(&format!("{current}{token}"), size) <= max_width || current.is_empty() {
            current.push_str(&token);
        } else {
            lines.push(token.trim_start().to_string());
        }
    }
    let mut lines: Vec<String> = lines
        .into_iter()
        .map(|l| l.trim_end().to_string())
        .collect();
    let overflow = lines.len() > max_lines;
    lines.truncate(max_lines.max(1));
    if let Some(last) = lines.last_mut() {
        if overflow || text_width(last, size) > max_width {
            *last = truncate(last, max_width, size, overflow);
        }
    }
    lines
}

/// Cut `text` to fit `max_width` px with a trailing `…`.
pub fn truncate(text: &str, max_width: f64, size: f64, force: bool) -> String {
    if !force && text_width(text, size) <= max_width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&format!("{out}{c}…"), size) > max_width {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// An SVG drawing being built.
pub struct Svg {
    id: String,
    width: f64,
    height: f64,
    body: String,
}

impl Svg {
    /// A drawing; `id` must be unique in the page (it prefixes the ids inside).
    pub fn new(id: &str, width: f64, height: f64) -> Self {
        Svg {
            id: id.to_string(),
            width,
            height,
            body: String::new(),
        }
    }

    /// Raw markup made by this module's callers from numbers and escaped text only.
    fn push(&mut self, markup: String) {
        self.body.push_str(&markup);
        self.body.push('\n');
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str) {
        self.push(format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}" class="{class}"/>"#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0))
        ));
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        self.push(format!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{class}"/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        ));
    }

    pub fn circle(&mut self, x: f64, y: f64, r: f64, class: &str) {
        self.push(format!(
            r#"<circle cx="{}" cy="{}" r="{}" class="{class}"/>"#,
            num(x),
            num(y),
            num(r)
        ));
    }

    /// A polyline (`closed` draws a polygon).
    pub fn poly(&mut self, points: &[(f64, f64)], class: &str, closed: bool) {
        let list: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let tag = if closed { "polygon" } else { "polyline" };
        self.push(format!(
            r#"<{tag} points="{}" class="{class}"/>"#,
            list.join(" ")
        ));
    }

    /// A cubic Bézier from `a` to `b` with horizontal tangents.
    pub fn curve(&mut self, a: (f64, f64), b: (f64, f64), class: &str, width: f64) {
        let mid = (a.0 + b.0) / 2.0;
        self.push(format!(
            r#"<path d="M{},{} C{},{} {},{} {},{}" class="{class}" stroke-width="{}" marker-end="url(#{}-arrow)"/>"#,
            num(a.0),
            num(a.1),
            num(mid),
            num(a.1),
            num(mid),
            num(b.1),
            num(b.0),
            num(b.1),
            num(width),
            self.id
        ));
    }

    /// Text anchored at `(x, y)`: `anchor` is `start`, `middle` or `end`.
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, class: &str, text: &str) {
        self.push(format!(
            r#"<text x="{}" y="{}" text-anchor="{anchor}" class="{class}">{}</text>"#,
            num(x),
            num(y),
            escape(text)
        ));
    }

    /// Lines of text, one under another, `line_height` apart.
    pub fn lines(
        &mut self,
        x: f64,
        y: f64,
        line_height: f64,
        anchor: &str,
        class: &str,
        lines: &[String],
    ) {
        for (i, line) in lines.iter().enumerate() {
            self.text(x, y + i as f64 * line_height, anchor, class, line);
        }
    }

    /// The finished `<svg>` element with an accessible title.
    pub fn finish(self, title: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title\">\n<title id=\"{id}-title\">{}</title>\n<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker></defs>\n{}</svg>",
            escape(title),
            self.body,
            id = self.id,
            w = num(self.width),
            h = num(self.height),
        )
    }
}

/// A box for overlap checks: x, y (top), width, height.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Bounds {
    pub fn overlaps(&self, other: &Bounds) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_cjk_and_latin() {
        assert_eq!(
            wrap("客服响应时间", 50.0, 12.0, 2),
            vec!["客服响应", "时间"]
        );
        assert_eq!(
            wrap("Support response time", 100.0, 12.0, 2),
            vec!["Support", "response time"]
        );
        let cut = wrap("a very long label that never ends", 60.0, 12.0, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        assert_eq!(num(-0.01), "0.0");
    }
}
