//! One file per subcommand. Each returns the exit code, or an error message (exit 2).

pub mod explain;
pub mod init;
pub mod inspect;
pub mod lint;
pub mod locks;
pub mod rules;
pub mod since;

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

/// Write a whole file or nothing: a temporary file beside it, renamed into place.
pub fn write_file_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    let shown = path.display();
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.dblint-{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| format!("{shown}: cannot write: {e}"))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{shown}: cannot write: {e}")
    })
}
