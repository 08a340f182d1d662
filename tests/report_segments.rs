//! The HTML segment chart stays readable with many segments: the legend wraps
//! inside the SVG's width and no two series share a marker style.

use std::collections::BTreeSet;

use sattrace::actions::Recommendations;
use sattrace::analysis::{analyze, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Lang};
use sattrace::report::{html, Report};

const MODEL: &str = "\
name: stores
scale: {min: 1, max: 5}
segments: [store]
wave: wave
drivers:
  - {id: staff, label: {zh: 店员服务态度, en: Staff friendliness}, items: [a]}
  - {id: price, label: {zh: 价格, en: Price}, items: [b]}
  - {id: overall, label: {zh: 总体满意度, en: Overall satisfaction}, items: [c], inputs: [staff, price], outcome: true}
";

/// `stores` stores with long names, 40 respondents each per wave.
fn page(stores: usize, lang: Lang) -> String {
    let model = load_model("model.yaml", MODEL).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let mut text = String::from("store,wave,a,b,c\n");
    for s in 0..stores {
        for i in 0..80usize {
            let a = 1 + (i * 7 + s) % 5;
            let b = 1 + (i * 3 + 2 * s) % 5;
            let c = (a + b).div_ceil(2).clamp(1, 5);
            let wave = if i < 40 { "W1" } else { "W2" };
            text.push_str(&format!(
                "华东第{s:02}号旗舰店 store {s:02},{wave},{a},{b},{c}\n"
            ));
        }
    }
    let survey = ingest(
        &model,
        graph.order(),
        "data.csv",
        text.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("ingest");
    let analysis = analyze(&model, &graph, &survey, &AnalysisOptions::default()).expect("analysis");
    let recommendations = Recommendations::default();
    let report = Report {
        model: &model,
        graph: &graph,
        survey: &survey,
        analysis: &analysis,
        recommendations: &recommendations,
        data_name: "data.csv",
        lang,
    };
    let mut bytes = Vec::new();
    html::render(&report, &mut bytes).expect("html");
    String::from_utf8(bytes).expect("utf-8")
}

fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
    let end = start + tag[start..].find('"').expect("quote");
    tag[start..end].parse().expect("number")
}

/// Estimated width of SVG text at 12 px (CJK 12, others 7).
fn width(text: &str) -> f64 {
    text.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 12.0 } else { 7.0 })
        .sum()
}

#[test]
fn the_segment_legend_wraps_inside_the_chart_and_every_series_differs() {
    for lang in [Lang::En, Lang::Zh] {
        let html = page(14, lang);
        let start = html
            .find("aria-labelledby=\"segments-title\"")
            .expect("segment chart");
        let svg_start = html[..start].rfind("<svg").expect("svg");
        let svg = &html[svg_start..svg_start + html[svg_start..].find("</svg>").expect("end")];
        let head = &svg[..svg.find('>').expect("tag")];
        let svg_width = attr(head, "width");
        let lines: Vec<&str> = svg.lines().collect();
        let mut styles = BTreeSet::new();
        let mut legends = 0;
        for (i, line) in lines.iter().enumerate() {
            if !line.contains("class=\"legend\"") {
                continue;
            }
            legends += 1;
            let x = attr(line, "x");
            let text =
                &line[line.find('>').expect("text") + 1..line.rfind("</text>").expect("end")];
            assert!(
                x >= 0.0 && x + width(text) <= svg_width + 1e-9,
                "{lang:?}: legend `{text}` at x={x} runs past the width {svg_width}"
            );
            // The marker drawn just before the label: its element and class.
            let marker = lines[i - 1];
            let tag = marker.split_whitespace().next().expect("tag");
            let class = &marker[marker.find("class=\"").expect("class")..];
            assert!(
                styles.insert(format!("{tag} {class}")),
                "{lang:?}: series style repeated: {marker}"
            );
        }
        assert_eq!(legends, 15, "all and 14 stores");
    }
}

mod support;

/// The y-axis ticks of every trend chart are round (multiples of 1, 2, 2.5 or 5 ×
/// 10ᵏ, evenly spaced), and the due date labels its point, not the wave axis.
#[test]
fn trend_charts_have_round_ticks_and_keep_the_due_date_off_the_wave_axis() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.html");
    let out_arg = out.to_str().expect("path");
    let (code, _, stderr) =
        support::run(&["report", "fixtures/telecom", "-o", out_arg, "--lang", "en"]);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(&out).expect("page");
    let mut charts = 0;
    for part in page.split("<svg").skip(1) {
        if !part.contains("aria-labelledby=\"trend-") {
            continue;
        }
        charts += 1;
        let svg = &part[..part.find("</svg>").expect("end")];
        let ticks: Vec<f64> = svg
            .lines()
            .filter(|l| l.contains("text-anchor=\"end\" class=\"tick\""))
            .map(|l| {
                let text = &l[l.find('>').expect("text") + 1..l.rfind("</text>").expect("end")];
                text.trim_end_matches('%').parse::<f64>().expect("number")
            })
            .collect();
        assert!(ticks.len() >= 3, "{ticks:?}");
        let step = ticks[1] - ticks[0];
        let power = 10f64.powf(step.abs().log10().floor());
        let mantissa = step.abs() / power;
        assert!(
            [1.0, 2.0, 2.5, 5.0, 10.0]
                .iter()
                .any(|m| (m - mantissa).abs() < 1e-6),
            "step {step} in {ticks:?}"
        );
        for pair in ticks.windows(2) {
            assert!(((pair[1] - pair[0]) - step).abs() < 1e-6, "{ticks:?}");
        }
        for tick in &ticks {
            let k = tick / step;
            assert!(
                (k - k.round()).abs() < 1e-6,
                "{tick} is not a multiple of {step}"
            );
        }
        assert!(
            !svg.lines()
                .any(|l| l.contains("class=\"tick\"") && l.contains("2027-06-30")),
            "the due date is on the wave axis"
        );
    }
    assert!(charts > 0);
}
