//! Analysis notes in the reader's language. The analysis writes its notes in
//! English (they also go to JSON and logs); the reports translate the known shapes
//! here, so a Chinese report never shows an English sentence.

use crate::model::Lang;

/// `note` in `lang`: unchanged in English; in Chinese, each known shape translated
/// (an unknown one is kept as written).
pub fn note_text(note: &str, lang: Lang) -> String {
    match lang {
        Lang::En => note.to_string(),
        Lang::Zh => zh(note).unwrap_or_else(|| note.to_string()),
    }
}

fn zh(note: &str) -> Option<String> {
    if let Some((slice, rest)) = note.split_once(": effects taken from ") {
        let (basis, reason) = rest.split_once(": ")?;
        return Some(format!(
            "{}：{}，效应改用 {} 的估计",
            slice_zh(slice),
            reason_zh(reason)?,
            slice_zh(basis)
        ));
    }
    if let Some(rest) = note.strip_prefix("PLS path ") {
        let (path, rest) = rest.split_once(" is negative (")?;
        let (value, _) = rest.split_once(')')?;
        return Some(format!(
            "PLS 路径 {path} 在全样本中为负（{value}），其重要性按负值显示"
        ));
    }
    None
}

/// `all W2` → `全部 W2`; `region=south (all waves)` → `region=south（所有轮次合并）`.
pub(crate) fn slice_zh(slice: &str) -> String {
    let (name, pooled) = match slice.strip_suffix(" (all waves)") {
        Some(name) => (name, "（所有轮次合并）"),
        None => (slice, ""),
    };
    let name = match name.split_once(' ') {
        Some(("all", wave)) => format!("全部 {wave}"),
        _ if name == "all" => "全部".to_string(),
        _ => name.to_string(),
    };
    format!("{name}{pooled}")
}

fn reason_zh(reason: &str) -> Option<String> {
    if let Some(rest) = reason.strip_prefix("only ") {
        let (n, rest) = rest.split_once(" complete responses, fewer than the ")?;
        let (needed, rest) = rest.split_once(" needed to estimate ")?;
        let (node, rest) = rest.rsplit_once(" on its ")?;
        let inputs = rest.strip_suffix(" inputs")?;
        return Some(format!(
            "仅 {n} 份完整答卷，少于估计 {node}（{inputs} 个输入）所需的 {needed} 份"
        ));
    }
    if let Some(rest) = reason.strip_prefix("cannot estimate ") {
        let (node, why) = rest.split_once(": ")?;
        return Some(format!("无法估计 {node}（{why}）"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thin_slice_note_reads_in_chinese() {
        let note = "region=south W2: effects taken from all W2: only 5 complete responses, fewer than the 30 needed to estimate `y` on its 2 inputs";
        assert_eq!(
            note_text(note, Lang::Zh),
            "region=south W2：仅 5 份完整答卷，少于估计 `y`（2 个输入）所需的 30 份，效应改用 全部 W2 的估计"
        );
        assert_eq!(note_text(note, Lang::En), note);
        let pooled = "region=south W2: effects taken from region=south (all waves): cannot estimate `y`: singular";
        assert_eq!(
            note_text(pooled, Lang::Zh),
            "region=south W2：无法估计 `y`（singular），效应改用 region=south（所有轮次合并） 的估计"
        );
    }
}
