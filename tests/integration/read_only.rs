//! lambdatop is read-only by construction: the AWS operations it can call are all reads, and the
//! README's IAM policy lists exactly them.

use lambdatop::source::cloudwatch::AWS_OPERATIONS;

#[test]
fn every_operation_is_a_read() {
    for op in AWS_OPERATIONS {
        let action = op.split_once(':').map(|(_, a)| a).unwrap_or(op);
        // A Logs Insights query only reads logs; StopQuery ends lambdatop's own query; a Live
        // Tail session only streams log lines.
        assert!(
            [
                "List",
                "Get",
                "Describe",
                "Filter",
                "StartQuery",
                "StopQuery",
                "StartLiveTail"
            ]
            .iter()
            .any(|p| action.starts_with(p)),
            "{op} is not a read"
        );
    }
}

#[test]
fn the_readme_policy_lists_exactly_the_operations_called() {
    let readme = include_str!("../../README.md");
    let start = readme.find("\"Action\": [").expect("IAM policy in README");
    let end = start + readme[start..].find(']').expect("end of the action list");
    let mut listed: Vec<&str> = readme[start..end]
        .split('"')
        .filter(|s| s.contains(':') && !s.contains(' '))
        .collect();
    listed.sort_unstable();
    let mut called: Vec<&str> = AWS_OPERATIONS.to_vec();
    called.sort_unstable();
    assert_eq!(listed, called);
}
