//! The webhook event payloads the action reads (`pull_request`,
//! `merge_group`, `push`, `workflow_run`/`check_suite`/`check_run`): any
//! bytes are refused or read, never a panic.
#![no_main]

use contract_gate_fuzz::models::{CiEvent, MergeGroupEvent, PullRequestEvent, PushEvent};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<PullRequestEvent>(data);
    let _ = serde_json::from_slice::<MergeGroupEvent>(data);
    let _ = serde_json::from_slice::<PushEvent>(data);
    let _ = serde_json::from_slice::<CiEvent>(data);
});
