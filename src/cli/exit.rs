//! Exit statuses: one number per kind of failure, the same for every command, so a scheduled
//! job can tell "some entries were skipped" from "the server is down" or "the disk is full".
//! Usage errors (2) are clap's own exit status; the others come from [`FailureKind`].

use std::process::ExitCode;

use crate::diagnostic::FailureKind;

/// The statuses, as `--help` and the README list them.
pub(crate) const HELP: &str = "\
Exit status:
  0  success
  1  the input had problems: some entries skipped, a record, template or site.toml invalid
  2  usage error: an unknown option, a missing or malformed argument
  3  network or remote-service error: no answer in time, an HTTP error status, a malformed
     answer (fetch); a lookup that failed (enrich); serve cannot listen on its address; a
     recipient or the mail server not reached (send)
  4  output or file-system error: the output cannot be written (refused folder, disk full, no
     permission, a folder that cannot be made) or is locked by another digest";

/// The exit status of a command that stopped for a failure of `kind`.
pub(crate) fn status(kind: FailureKind) -> ExitCode {
    ExitCode::from(code(kind))
}

/// The number behind [`status`].
fn code(kind: FailureKind) -> u8 {
    match kind {
        FailureKind::Input => 1,
        FailureKind::Usage => 2,
        FailureKind::Network => 3,
        FailureKind::Output => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The help text and the codes say the same thing: each number is listed with its kind.
    #[test]
    fn help_lists_every_status() {
        for (kind, words) in [
            (FailureKind::Input, "the input had problems"),
            (FailureKind::Usage, "usage error"),
            (FailureKind::Network, "network"),
            (FailureKind::Output, "output or file-system error"),
        ] {
            let line = format!("  {}  {words}", code(kind));
            assert!(HELP.contains(&line), "missing {line:?} in\n{HELP}");
        }
    }
}
