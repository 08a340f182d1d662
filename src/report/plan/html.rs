//! The plan as a section of the HTML report: its status, the chosen actions with
//! cost, start-by and contribution per target, the projected outcomes with slack,
//! and the runner-ups — the same grids the terminal table shows.

use super::{
    actions_grid, outcomes_grid, over_budget_text, plan_heading, probability_note, runners_grid,
    unreachable_text, PlanReport,
};
use crate::plan::Status;
use crate::report::html::escape;
use crate::report::t;

/// The plan as one `<section>`.
pub fn plan_section(report: &PlanReport) -> String {
    let (result, lang) = (report.result, report.lang);
    let mut html = format!(
        "<section>\n<h2>{}</h2>\n",
        escape(t(lang, "行动计划", "Action plan"))
    );
    html.push_str(&format!(
        "<p class=\"meta\">{} {} · {} {}</p>\n",
        escape(t(lang, "候选行动", "Candidate actions:")),
        result.candidates.len(),
        escape(t(lang, "今天", "today")),
        report.today
    ));
    match &result.status {
        Status::Reached => {}
        Status::OverBudget { budget } => html.push_str(&format!(
            "<p class=\"note\">{}</p>\n",
            escape(&over_budget_text(lang, *budget))
        )),
        Status::Unreachable { shortfalls } => {
            html.push_str(&format!(
                "<p class=\"note\">{}</p>\n<ul>\n",
                escape(unreachable_text(lang))
            ));
            for issue in shortfalls {
                html.push_str(&format!("<li>{}</li>\n", escape(&issue.text(lang))));
            }
            html.push_str("</ul>\n");
        }
    }
    let Some(best) = result.plans.first() else {
        html.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            escape(t(lang, "没有方案。", "No plan."))
        ));
        return html;
    };
    html.push_str(&actions_grid(report, best).html(&plan_heading(lang, best)));
    let mut outcomes = outcomes_grid(report, best);
    // The HTML table also shows the due date, before the slack.
    outcomes.insert_column(4, t(lang, "截止", "Due"), false, |k| {
        result.targets[k].due.to_string()
    });
    html.push_str(&outcomes.html(t(lang, "预计结果", "Projected outcomes")));
    if result.plans.len() > 1 {
        html.push_str(&runners_grid(report, best).html(t(lang, "备选方案", "Runner-up plans")));
    }
    if let Some(note) = probability_note(report) {
        html.push_str(&format!("<p class=\"note\">{}</p>\n", escape(&note)));
    }
    html.push_str("</section>\n");
    html
}
