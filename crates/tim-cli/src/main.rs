//! `tim`: the command-line tool over the same Rust API and store as the C library.
//!
//! It opens the data folder the app uses (`--data-dir`, default `tim-data`), logs in `--user`
//! locally, runs one command and prints the JSON the C callbacks deliver (`--json`) or a table.
//! While an app has the same user's store open, the file is locked and the tool says so.

mod args;
mod commands;
mod output;
mod session;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = args::Cli::parse();
    // The store is closed when `run` returns: a failed write of the output is reported after.
    let result = commands::run(args).and_then(|()| match output::write_failure() {
        Some(why) => Err(format!("cannot write the output: {why}")),
        None => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Errors name conversations and messages: escaped as the output is, but for the line
            // breaks, which put a hint on a line of its own.
            eprintln!("tim: {}", output::printable_lines(&error));
            ExitCode::FAILURE
        }
    }
}
