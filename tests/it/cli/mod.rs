//! The command line: exit codes, `digest init` and its workflows, `digest theme`.

mod exit_codes;
mod init;
mod themes;
mod workflows;
