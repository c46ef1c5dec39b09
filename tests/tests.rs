//! Integration tests of the `contract-gate` binary on real git repositories.
//!
//! Unix only: they drive `sh`, hooks, symlinks, permission bits, process
//! groups and names that are not UTF-8. On Windows the binary builds and the
//! unit tests run; these do not.
#![cfg(unix)]

mod support;

#[path = "agent/hooks.rs"]
mod agent_hooks;
#[path = "agent/permission.rs"]
mod agent_permission;
#[path = "agent/routing.rs"]
mod agent_routing;
#[path = "agent/setup.rs"]
mod agent_setup;
#[path = "agent/worktree.rs"]
mod agent_worktree;
#[path = "offline/brief.rs"]
mod brief;
#[path = "offline/cli.rs"]
mod cli;
#[path = "offline/contracts.rs"]
mod contracts;
#[path = "offline/evidence.rs"]
mod evidence;
#[path = "offline/fmt.rs"]
mod fmt;
#[path = "github/api.rs"]
mod github_api;
#[path = "github/runtime.rs"]
mod github_runtime;
#[path = "hardening/action.rs"]
mod hardening_action;
#[path = "hardening/contract_file.rs"]
mod hardening_contract_file;
#[path = "hardening/far_column.rs"]
mod hardening_far_column;
#[path = "hardening/huge.rs"]
mod hardening_huge;
#[path = "hardening/names.rs"]
mod hardening_names;
#[path = "hardening/option_refs.rs"]
mod hardening_option_refs;
#[path = "house/cycles.rs"]
mod house_cycles;
#[path = "house/errors.rs"]
mod house_errors;
#[path = "house/git_processes.rs"]
mod house_git_processes;
#[path = "house/layers.rs"]
mod house_layers;
#[path = "offline/lint.rs"]
mod lint;
#[path = "offline/order.rs"]
mod order;
#[path = "offline/paths.rs"]
mod paths;
#[path = "seam/interface.rs"]
mod seam_interface;
#[path = "seam/rehearse.rs"]
mod seam_rehearse;
#[path = "seam/mod_support.rs"]
mod seam_support;
#[path = "ship/formats.rs"]
mod ship_formats;
#[path = "ship/yaml.rs"]
mod ship_yaml;
#[path = "snap/commands.rs"]
mod snap_commands;
#[path = "snap/shot.rs"]
mod snap_shot;
#[path = "offline/words.rs"]
mod words;

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
