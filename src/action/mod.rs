//! The GitHub Actions runtime: the shared entry points ([`run`]), a dry run
//! of one PR, workflow events, the sweep, the step's outputs, and
//! check-run posting.

mod dry_run;
mod events;
mod outputs;
pub mod post;
pub mod rehearsal;
pub mod run;
mod sweep;

pub use dry_run::dry_run;
pub use events::event;
pub use sweep::sweep;
