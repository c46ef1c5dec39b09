//! The hook-event readers of every registered agent CLI: any bytes on
//! stdin are read or refused with a reason (the hook then denies), never a
//! panic. An edit event that is read names at least one path, none of them
//! empty: an edit the gate cannot name must never be let through as
//! "nothing".
#![no_main]

use contract_gate_fuzz::hook_event::{parse, patch_paths, Action, Cli};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for &cli in Cli::ALL {
        if let Ok(ev) = parse(cli, input) {
            if let Action::Edit(paths) = &ev.action {
                assert!(!paths.is_empty(), "{cli:?}: an edit of no path");
                assert!(
                    paths.iter().all(|p| !p.is_empty()),
                    "{cli:?}: an empty path"
                );
            }
        }
    }
    if let Ok(paths) = patch_paths(input) {
        assert!(paths.iter().all(|p| !p.is_empty()), "an empty patch path");
    }
});
