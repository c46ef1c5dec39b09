//! `--format sarif`: the verdict as a SARIF 2.1.0 log, uploadable to GitHub
//! code scanning.
//!
//! Decisions:
//! - Findings without a path (merge order, evidence, base branch, …) are put
//!   on the contract file, line 1, when the verdict names one: they are
//!   findings against what the contract requires, and GitHub code scanning
//!   shows a result only when it has a location. Without a contract (an
//!   unassigned branch) such a finding has no location.
//! - Each result carries `partialFingerprints["contractGate/v1"]`, a hash of
//!   rule, path and message (not the line, which moves), so code scanning can
//!   track an alert across pushes even where it cannot compute its own line
//!   hash: deleted files, and files that are not checked out.
//!
//! The log is typed (the structs below) rather than taken from a SARIF crate:
//! it uses a dozen of the format's hundreds of properties, and its own
//! structs keep the report module free of dependencies beyond serde, which
//! the fuzz crate relies on. Fields are declared in alphabetical order, the
//! order the former `json!` maps printed, so the output is unchanged.

use serde::Serialize;

use contract_gate_core::verdict::{Finding, Level, Rule, Verdict};

use super::escape::uri;

const TOOL_NAME: &str = "contract-gate";
const INFORMATION_URI: &str = "https://github.com/org/contract-gate";
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// A SARIF 2.1.0 log with one run.
#[derive(Debug, Clone, Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: Vec<Run<'a>>,
    version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct Run<'a> {
    results: Vec<SarifResult<'a>>,
    tool: Tool<'a>,
}

#[derive(Debug, Clone, Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<RuleDescriptor>,
    version: &'a str,
}

/// One rule in the driver: every rule is listed, findings or not.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    default_configuration: Configuration,
    help: Text<&'static str>,
    id: &'static str,
    short_description: Text<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
struct Configuration {
    level: &'static str,
}

/// `{"text": ...}`, SARIF's message object.
#[derive(Debug, Clone, Serialize)]
struct Text<T> {
    text: T,
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    locations: Option<Vec<Location>>,
    message: Text<&'a str>,
    partial_fingerprints: Fingerprints,
    rule_id: &'static str,
    rule_index: usize,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, Clone, Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Debug, Clone, Serialize)]
struct Fingerprints {
    #[serde(rename = "contractGate/v1")]
    contract_gate_v1: String,
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Failure => "error",
        Level::Warning => "warning",
        Level::Notice => "note",
    }
}

/// The SARIF log, pretty-printed.
pub(super) fn sarif(v: &Verdict, version: &str) -> String {
    // `##[` in a message would be a runner command when printed to the log.
    super::escape::json_for_log(serde_json::to_string_pretty(&log(v, version)).unwrap_or_default())
}

/// The SARIF log: one run, every rule in the driver, one result per finding.
fn log<'a>(v: &'a Verdict, version: &'a str) -> Log<'a> {
    let rules = Rule::ALL
        .iter()
        .map(|r| RuleDescriptor {
            default_configuration: Configuration {
                level: r.sarif_level().as_str(),
            },
            help: Text {
                text: r.next_step(),
            },
            id: r.id(),
            short_description: Text {
                text: r.description(),
            },
        })
        .collect();
    Log {
        schema: SCHEMA_URI,
        runs: vec![Run {
            results: v.findings.iter().map(|f| result(v, f)).collect(),
            tool: Tool {
                driver: Driver {
                    information_uri: INFORMATION_URI,
                    name: TOOL_NAME,
                    rules,
                    version,
                },
            },
        }],
        version: "2.1.0",
    }
}

fn result<'a>(v: &'a Verdict, f: &'a Finding) -> SarifResult<'a> {
    let at = match &f.path {
        Some(p) => Some((p.as_str(), f.line.unwrap_or(1).max(1))),
        None => v.contract.as_deref().map(|c| (c, 1)),
    };
    let locations = at.map(|(path, line)| {
        vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(path) },
                region: Region { start_line: line },
            },
        }]
    });
    SarifResult {
        level: level(f.level),
        locations,
        message: Text { text: &f.message },
        partial_fingerprints: Fingerprints {
            contract_gate_v1: fingerprint(f),
        },
        rule_id: f.rule.id(),
        rule_index: Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0),
    }
}

/// FNV-1a 64 of rule id, path and message, as 16 hex digits.
fn fingerprint(f: &Finding) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(f.rule.id().as_bytes());
    eat(&[0]);
    eat(f.path.as_deref().unwrap_or("").as_bytes());
    eat(&[0]);
    eat(f.message.as_bytes());
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Sample as _;
    use contract_gate_core::verdict::Conclusion;
    use serde_json::{json, Value};

    const SCHEMA: &str = include_str!("../../fixtures/sarif/sarif-schema-2.1.0.json");

    fn verdict(findings: Vec<Finding>) -> Verdict {
        Verdict::sample(Conclusion::Failure, findings)
    }

    fn sample() -> Verdict {
        verdict(vec![
            Finding::failure(Rule::Scope, "added; outside what agent-1 owns")
                .at("src/content/blog/첫 번째 글.md", None),
            Finding::failure(Rule::AdditionsOnly, "line 4 changed")
                .at("src/pages/blog/[...slug].astro", Some(4)),
            Finding::failure(Rule::ContractInvalid, "prose item")
                .at("CONTRACT.md", Some(9))
                .with_level(Level::Warning),
            Finding::failure(Rule::MergeOrder, "waiting on agent-2"),
            Finding::failure(Rule::Evidence, "evidence not checked").with_level(Level::Notice),
        ])
    }

    /// The OASIS schema is draft-04 (`"$schema": ".../draft-04/schema#"`,
    /// `id`), so the validator is built for Draft 4. It resolves only
    /// `#/definitions/…` references, so no network is needed.
    /// The log as the JSON value it prints.
    fn log(v: &Verdict, version: &str) -> Value {
        serde_json::to_value(super::log(v, version)).unwrap()
    }

    fn validator() -> jsonschema::Validator {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        jsonschema::draft4::new(&schema).unwrap()
    }

    fn assert_valid(doc: &Value) {
        let val = validator();
        let errors: Vec<String> = val
            .iter_errors(doc)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn valid_against_the_oasis_schema() {
        let text = sarif(&sample(), "0.1.0");
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_valid(&doc);
        // And an empty verdict, and one without a contract.
        assert_valid(&log(&verdict(vec![]), "0.1.0"));
        let mut v = sample();
        v.contract = None;
        assert_valid(&log(&v, ""));
    }

    #[test]
    fn the_schema_rejects_a_broken_log() {
        let mut doc = log(&sample(), "0.1.0");
        doc["runs"][0]["results"][0]["level"] = json!("failure");
        assert!(!validator().is_valid(&doc));
        let mut doc = log(&sample(), "0.1.0");
        doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
            json!(0);
        assert!(!validator().is_valid(&doc));
    }

    #[test]
    fn driver_and_results() {
        let doc = log(&sample(), "1.2.3");
        let run = &doc["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "contract-gate");
        assert_eq!(driver["version"], "1.2.3");
        assert_eq!(driver["informationUri"], INFORMATION_URI);
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        for (r, j) in Rule::ALL.iter().zip(rules) {
            assert_eq!(j["id"], r.id());
            assert_eq!(j["shortDescription"]["text"], r.description());
            assert_eq!(j["help"]["text"], r.next_step());
        }
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 5);
        let loc = |i: usize| &results[i]["locations"][0]["physicalLocation"];
        assert_eq!(results[0]["ruleId"], "scope");
        assert_eq!(results[0]["level"], "error");
        assert_eq!(
            results[0]["message"]["text"],
            "added; outside what agent-1 owns"
        );
        assert_eq!(
            loc(0)["artifactLocation"]["uri"],
            "src/content/blog/%EC%B2%AB%20%EB%B2%88%EC%A7%B8%20%EA%B8%80.md"
        );
        assert_eq!(loc(0)["region"]["startLine"], 1);
        assert_eq!(
            loc(1)["artifactLocation"]["uri"],
            "src/pages/blog/%5B...slug%5D.astro"
        );
        assert_eq!(loc(1)["region"]["startLine"], 4);
        assert_eq!(results[2]["level"], "warning");
        // Pathless findings sit on the contract file.
        assert_eq!(loc(3)["artifactLocation"]["uri"], "CONTRACT.md");
        assert_eq!(loc(3)["region"]["startLine"], 1);
        assert_eq!(results[4]["level"], "note");
        assert_eq!(results[4]["ruleIndex"], 10);
        // Without a contract they have no location.
        let mut v = sample();
        v.contract = None;
        let doc = log(&v, "1");
        assert!(doc["runs"][0]["results"][3].get("locations").is_none());
        // Fingerprints: stable, distinct.
        let fp: Vec<&str> = results
            .iter()
            .map(|r| {
                r["partialFingerprints"]["contractGate/v1"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(fp[0].len(), 16);
        assert_eq!(
            fp,
            log(&sample(), "other")["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["partialFingerprints"]["contractGate/v1"]
                    .as_str()
                    .unwrap())
                .collect::<Vec<_>>()
        );
        let mut unique = fp.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), fp.len());
    }

    /// Keys print in the order the former `json!` maps sorted them, at
    /// every level: the typed log's bytes are the sorted value's.
    #[test]
    fn the_typed_log_prints_sorted_keys() {
        for v in [sample(), verdict(vec![])] {
            let typed = serde_json::to_string_pretty(&super::log(&v, "1.0.0")).unwrap();
            let sorted = serde_json::to_string_pretty(&log(&v, "1.0.0")).unwrap();
            assert_eq!(typed, sorted);
        }
    }
}
