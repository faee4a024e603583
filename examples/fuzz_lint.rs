//! Mutation fuzzer over `dblint lint` inputs (stable Rust; see tests/fuzzing/mod.rs).
//!
//!     cargo run --release --example fuzz_lint -- [EXECUTIONS] [--seed N] [--timeout SECONDS]
//!
//! Prints `N executions, K crashes`; each distinct crash is minimised and written to
//! `target/fuzz/crash-<n>/`. A hang is written to `target/fuzz/hang/` and ends the run.

#[path = "../tests/fuzzing/mod.rs"]
mod fuzzing;

use std::path::PathBuf;
use std::time::Duration;

fn main() {
    let mut executions = 100_000;
    let mut seed = 1;
    let mut timeout = 10;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> u64 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage(&format!("{name} needs a number")))
        };
        match arg.as_str() {
            "--seed" => seed = value("--seed"),
            "--timeout" => timeout = value("--timeout"),
            "-h" | "--help" => usage(""),
            n => {
                executions = n
                    .parse()
                    .unwrap_or_else(|_| usage(&format!("unknown argument {n}")))
            }
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/fuzz");
    let summary = fuzzing::run(
        &root,
        fuzzing::Options {
            executions,
            seed,
            timeout: Duration::from_secs(timeout),
            hang_dir: out.join("hang"),
            progress: Some(Box::new(move |done, crashes| {
                if done % 10_000 == 0 {
                    eprintln!("{done} executions, {crashes} crashes");
                }
            })),
        },
    );
    let settings = fuzzing::all_rules();
    for (n, crash) in summary.crashes.iter().enumerate() {
        let minimal = fuzzing::minimise(crash, &settings);
        let dir = out.join(format!("crash-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create target/fuzz");
        for (i, (name, bytes)) in minimal.iter().enumerate() {
            let file = dir.join(format!(
                "{i:02}-{}",
                name.display().to_string().replace('/', "_")
            ));
            std::fs::write(file, bytes).expect("write crash input");
        }
        eprintln!(
            "crash {n}: {} at {} -> {}",
            crash.message,
            crash.location,
            dir.display()
        );
    }
    println!(
        "{} executions, {} crashes ({} panics) in {:.0} s, seed {seed}",
        summary.executions,
        summary.crashes.len(),
        summary.panics,
        summary.elapsed.as_secs_f64()
    );
    if !summary.crashes.is_empty() {
        std::process::exit(1);
    }
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("fuzz_lint: {problem}");
    }
    eprintln!("usage: fuzz_lint [EXECUTIONS] [--seed N] [--timeout SECONDS]");
    std::process::exit(2);
}
