//! Integration tests of the `contract-gate` binary on real git repositories.

mod support;

#[path = "offline/brief.rs"]
mod brief;
#[path = "offline/cli.rs"]
mod cli;
#[path = "offline/contracts.rs"]
mod contracts;
#[path = "offline/evidence.rs"]
mod evidence;
#[path = "github/api.rs"]
mod github_api;
#[path = "github/runtime.rs"]
mod github_runtime;
#[path = "house/layers.rs"]
mod house_layers;
#[path = "offline/lint.rs"]
mod lint;
#[path = "offline/order.rs"]
mod order;
#[path = "offline/paths.rs"]
mod paths;
#[path = "ship/formats.rs"]
mod ship_formats;
#[path = "ship/yaml.rs"]
mod ship_yaml;

/// The README's rule table names every rule id the gate can emit.
#[test]
fn readme_documents_every_rule() {
    let readme = include_str!("../README.md");
    for rule in contract_gate_core::verdict::Rule::ALL {
        assert!(
            readme.contains(&format!("| `{}` |", rule.id())),
            "README rule table lacks `{}`",
            rule.id()
        );
    }
}
