use std::process::ExitCode;

fn main() -> ExitCode {
    digest::cli::run()
}
