//! One file per subcommand. Each returns the exit code, or an error message (exit 2).

pub mod explain;
pub mod inspect;
pub mod lint;
pub mod rules;

use std::io::Write;

/// Write to stdout; a closed pipe (`dblint ... | head`) is not an error.
pub fn print_stdout(text: &str) -> Result<(), String> {
    write_stdout(|out| out.write_all(text.as_bytes()))
}

/// Stream to a buffered stdout; a closed pipe is not an error.
pub fn write_stdout(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}
