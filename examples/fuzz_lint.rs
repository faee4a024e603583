//! Mutation fuzzer over `dblint lint` inputs (stable Rust; see tests/fuzzing/mod.rs).
//!
//!     cargo run --release --example fuzz_lint -- [EXECUTIONS] [--seed N] [--timeout SECONDS]
//!
//! The inputs run in a worker process that announces each one, so an input that
//! aborts the process (a stack overflow) or hangs is regenerated from the seed, saved,
//! and the run resumes after it. Prints `N executions, K crashes`; each crash is
//! minimised (panics) or saved as is (aborts, hangs) under `target/fuzz/`.

#[path = "../tests/fuzzing/mod.rs"]
mod fuzzing;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    executions: u64,
    seed: u64,
    timeout: u64,
    /// Set in the worker process: the first execution to run.
    worker_start: Option<u64>,
}

fn main() {
    let args = parse_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match args.worker_start {
        Some(start) => work(&root, &args, start),
        None => supervise(&root, &args),
    }
}

/// Run the inputs from `start`, announcing each on stdout (`run N`), then report the
/// crashes (`crash DIR LOCATION: MESSAGE`) and the panic count (`done PANICS`).
fn work(root: &Path, args: &Args, start: u64) {
    let summary = fuzzing::run(
        root,
        fuzzing::Options {
            executions: args.executions - start,
            seed: args.seed,
            start,
            announce: Some(Box::new(|n| {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "run {n}");
                let _ = out.flush();
            })),
            timeout: Duration::from_secs(args.timeout),
            hang_dir: root.join(format!("target/fuzz/hang-seed{}", args.seed)),
            progress: None,
        },
    );
    let settings = fuzzing::all_rules();
    for crash in &summary.crashes {
        let minimal = fuzzing::minimise(crash, &settings);
        let dir = save(
            root,
            &format!("crash-seed{}-{}", args.seed, crash.execution),
            &minimal,
        );
        println!(
            "crash {} {}: {}",
            dir.display(),
            crash.location,
            crash.message.replace('\n', " ")
        );
    }
    println!("done {}", summary.panics);
}

/// Run the worker until every execution ran, restarting it after an input that ended
/// it (abort or hang).
fn supervise(root: &Path, args: &Args) {
    let started = Instant::now();
    let mut start = 0;
    let mut crashes = Vec::new();
    let mut panics = 0;
    while start < args.executions {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .args([
                args.executions.to_string(),
                "--seed".into(),
                args.seed.to_string(),
                "--timeout".into(),
                args.timeout.to_string(),
                "--worker".into(),
                start.to_string(),
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the fuzzing worker");
        let stdout = child.stdout.take().expect("worker stdout");
        let mut last = start;
        let mut finished = false;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(n) = line
                .strip_prefix("run ")
                .and_then(|n| n.parse::<u64>().ok())
            {
                last = n;
                if n > 0 && n % 10_000 == 0 {
                    eprintln!("{n} executions, {} crashes", crashes.len());
                }
            } else if let Some(crash) = line.strip_prefix("crash ") {
                crashes.push(crash.to_string());
            } else if let Some(count) = line.strip_prefix("done ") {
                panics += count.parse::<u64>().unwrap_or(0);
                finished = true;
            }
        }
        let status = child.wait().expect("wait for the fuzzing worker");
        if finished {
            break;
        }
        let what = if status.code() == Some(3) {
            "hang"
        } else {
            "abort"
        };
        let input = fuzzing::input_at(root, args.seed, last);
        let dir = save(root, &format!("{what}-seed{}-{last}", args.seed), &input);
        crashes.push(format!("{} {what} ({status})", dir.display()));
        start = last + 1;
    }
    for crash in &crashes {
        eprintln!("crash: {crash}");
    }
    println!(
        "{} executions, {} crashes ({panics} panics) in {:.0} s, seed {}",
        args.executions,
        crashes.len(),
        started.elapsed().as_secs_f64(),
        args.seed
    );
    if !crashes.is_empty() {
        std::process::exit(1);
    }
}

/// Write an input's files to `target/fuzz/<name>/`.
fn save(root: &Path, name: &str, input: &fuzzing::Input) -> PathBuf {
    let dir = root.join("target/fuzz").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create target/fuzz");
    for (i, (file, bytes)) in input.iter().enumerate() {
        let file = file.display().to_string().replace('/', "_");
        std::fs::write(dir.join(format!("{i:02}-{file}")), bytes).expect("write a fuzz input");
    }
    dir
}

fn parse_args() -> Args {
    let mut args = Args {
        executions: 100_000,
        seed: 1,
        timeout: 10,
        worker_start: None,
    };
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        let mut number = |name: &str| -> u64 {
            given
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage(&format!("{name} needs a number")))
        };
        match arg.as_str() {
            "--seed" => args.seed = number("--seed"),
            "--timeout" => args.timeout = number("--timeout"),
            "--worker" => args.worker_start = Some(number("--worker")),
            "-h" | "--help" => usage(""),
            n => {
                args.executions = n
                    .parse()
                    .unwrap_or_else(|_| usage(&format!("unknown argument {n}")))
            }
        }
    }
    args
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("fuzz_lint: {problem}");
    }
    eprintln!("usage: fuzz_lint [EXECUTIONS] [--seed N] [--timeout SECONDS]");
    std::process::exit(2);
}
