//! `cargo xtask bench [--quick]`: runs the same workloads against this engine through its Rust
//! API and its C ABI, against raw redb doing only the row inserts (the floor to approach), and
//! against an honest SQLite engine doing the same job; checks that the engines end in the same
//! state; prints a table with ratios and writes `target/bench/report.json` and `chart.svg`.
//!
//! `--quick` runs small sizes (for CI: it keeps the benches building and the engines agreeing;
//! no timing is asserted anywhere).

mod corpus;
mod engines;
mod report;
mod stats;
mod workloads;

use std::path::PathBuf;
use std::process::ExitCode;

/// Workload sizes.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// W1: messages imported.
    pub messages: usize,
    /// W1: conversations they spread over.
    pub ingest_conversations: usize,
    /// W1: messages per call / transaction.
    pub batch: usize,
    /// W2/W4: conversations in the big store.
    pub list_conversations: usize,
    /// W2: conversations in the store whose full list is read.
    pub full_list_conversations: usize,
    /// W4: messages in the big store.
    pub open_messages: usize,
    /// W3/W5: samples of a latency.
    pub samples: usize,
}

impl Sizes {
    fn full() -> Self {
        Sizes {
            messages: 1_000_000,
            ingest_conversations: 10_000,
            batch: 1000,
            list_conversations: 100_000,
            full_list_conversations: 10_000,
            open_messages: 1_000_000,
            samples: 300,
        }
    }

    fn quick() -> Self {
        Sizes {
            messages: 20_000,
            ingest_conversations: 200,
            batch: 1000,
            list_conversations: 3_000,
            full_list_conversations: 1_000,
            open_messages: 20_000,
            samples: 40,
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, dir] = args.as_slice()
        && flag == workloads::OPEN_PROBE
    {
        // A fresh process, so that resident memory counts only what opening the store takes.
        return match workloads::open_probe(std::path::Path::new(dir)) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("tim-bench: {e}");
                ExitCode::FAILURE
            }
        };
    }
    // An unknown argument is refused: a typo (`--quik`) would otherwise start the full run.
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let known = match arg.as_str() {
            "--quick" => true,
            "--out" => rest.next().is_some(),
            _ => false,
        };
        if !known {
            eprintln!(
                "tim-bench: unknown or incomplete argument {arg:?}; usage: tim-bench [--quick] [--out DIR]"
            );
            return ExitCode::from(2);
        }
    }
    let quick = args.iter().any(|a| a == "--quick");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/bench"));
    let sizes = if quick { Sizes::quick() } else { Sizes::full() };
    eprintln!("tim-bench: {} mode {sizes:?}", if quick { "quick" } else { "full" });
    match workloads::run_all(sizes) {
        Ok(results) => {
            report::print_table(&results);
            if let Err(e) = report::write(&out, &results, quick) {
                eprintln!("tim-bench: cannot write the report: {e}");
                return ExitCode::FAILURE;
            }
            eprintln!("tim-bench: report in {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tim-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
