use super::*;
use crate::model::load_model;

const MODEL: &str = "name: t\ndata: survey.csv\nscale: {min: 1, max: 5}\ndrivers:\n  - {id: a, items: [qa]}\n  - {id: b, items: [qb]}\n  - {id: y, items: [qy], inputs: [a, b], outcome: true}\n";

fn model() -> Model {
    load_model("model.yaml", MODEL).expect("test model loads")
}

fn options(method: Method, missing: Missing, bootstrap: usize) -> Options<'static> {
    Options {
        method,
        missing,
        bootstrap,
        ci: IntervalKind::Percentile,
        seed: 1,
        permutations: 100,
        min_n_per_driver: 10,
        threads: 1,
        scheme: Scheme::Path,
        consistent: false,
        progress: None,
    }
}

#[test]
fn pairwise_refuses_pls_and_the_bootstrap() {
    let check = |m, b| options(m, Missing::Pairwise, b).check();
    assert!(matches!(check(Method::Pls, 0), Err(RunError::PairwisePls)));
    assert!(matches!(
        check(Method::Lmg, 10),
        Err(RunError::PairwiseBootstrap)
    ));
    assert!(check(Method::Lmg, 0).is_ok());
    assert!(options(Method::Pls, Missing::Listwise, 10).check().is_ok());
}

#[test]
fn the_spec_defaults_to_the_outcomes_inputs() {
    let spec = Spec::resolve(&model(), None, &[]).expect("resolves");
    assert_eq!(spec.outcome, "y");
    assert_eq!(spec.drivers, ["a", "b"]);
    assert_eq!(spec.x, [0, 1]);
    assert_eq!(spec.y, 2);
    let named = Spec::resolve(&model(), Some("y"), &[" b".to_string()]).expect("resolves");
    assert_eq!(named.x, [1]);
}

#[test]
fn the_spec_names_each_mistake() {
    let m = model();
    let err = |outcome: Option<&str>, drivers: &[&str]| {
        let drivers: Vec<String> = drivers.iter().map(|d| d.to_string()).collect();
        Spec::resolve(&m, outcome, &drivers)
            .expect_err("a mistake")
            .to_string()
    };
    assert_eq!(
        err(Some("yy"), &[]),
        "unknown outcome `yy`\n  help: did you mean `y`?"
    );
    assert_eq!(
        err(None, &["a", "zzz"]),
        "unknown driver `zzz`\n  help: the model's nodes are a, b, y"
    );
    assert_eq!(
        err(None, &["a", "y"]),
        "`y` is the outcome and cannot also be a driver"
    );
    assert_eq!(
        err(None, &["a", "a"]),
        "driver `a` is named twice in --drivers"
    );
    assert_eq!(
        err(Some("a"), &[]),
        "`a` has no inputs in the model\n  help: name its drivers with --drivers a,b,c"
    );
}

#[test]
fn group_errors_name_their_group_except_missing_rows() {
    let e = GroupError {
        group: "W2".to_string(),
        error: EstimateError::named(
            crate::importance::ImportanceError::ZeroVariance { driver: 1 },
            &["a".to_string(), "b".to_string()],
            "y",
        ),
    };
    assert_eq!(
        e.to_string(),
        "W2: driver `b` has no variance\n  help: drop it with --drivers"
    );
    let rows = GroupError {
        group: "W2".to_string(),
        error: EstimateError::NoRows,
    };
    assert_eq!(rows.to_string(), "respondent rows were not kept");
    let pls = |group: &str| PlsGroupError {
        group: group.to_string(),
        error: PlsRowsError::NoItemRows,
    };
    assert_eq!(pls(ALL).to_string(), "item rows were not kept");
    assert_eq!(pls("W1").to_string(), "W1: item rows were not kept");
}
