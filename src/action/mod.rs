//! The GitHub Actions runtime: the shared entry points ([`run`]), a dry run
//! of one PR, workflow events, the sweep, the step's outputs, and
//! check-run posting.

mod dry_run;
mod events;
mod outputs;
mod post;
mod rehearsal;
pub(crate) mod run;
mod sweep;

pub(crate) use dry_run::dry_run;
pub(crate) use events::event;
pub(crate) use sweep::sweep;
