//! `sattrace plan` says plainly when there is nothing to plan: a target already
//! met, no action that can be done by the due date, and that only fired rules are
//! candidates.

mod support;
use support::run;

#[test]
fn a_target_already_met_needs_no_plan() {
    for (lang, met) in [
        ("en", "Every target is already met"),
        ("zh", "所有目标均已达成"),
    ] {
        let (code, stdout, stderr) = run(&[
            "plan",
            "fixtures/telecom",
            "--target",
            "satisfaction=3.0",
            "--today",
            "2026-12-03",
            "--lang",
            lang,
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains(met), "{stdout}");
        assert!(
            !stdout.contains("cost -0") && !stdout.contains("成本 -0"),
            "{stdout}"
        );
    }
}

#[test]
fn no_action_done_by_the_due_date_is_said_as_such() {
    let (code, stdout, stderr) = run(&[
        "plan",
        "fixtures/telecom",
        "--target",
        "satisfaction=4.2",
        "--today",
        "2026-12-03",
        "--due",
        "2026-12-10",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("can be done by 2026-12-10: the quickest takes"),
        "{stderr}"
    );
    assert!(!stderr.contains("together reach"), "{stderr}");
    assert!(stdout.contains("only actions of rules that fired are candidates"));
    assert!(
        stdout.contains("No plan: no candidate action helps"),
        "{stdout}"
    );
}
