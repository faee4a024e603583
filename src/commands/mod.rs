//! One file per subcommand. Each returns the exit code, or an error message (exit 2).

pub mod explain;
pub mod lint;
pub mod rules;

use std::io::Write;

/// Write to stdout; a closed pipe (`dblint ... | head`) is not an error.
pub fn print_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}
