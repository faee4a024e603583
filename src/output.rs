//! Writing what dblint prints: stdout (a closed pipe is not an error), files written
//! whole or not at all, and whether to colour.

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

/// Write a report or baseline to `path`. A regular file (or a new one) is written whole
/// or not at all: a temporary file beside it, renamed into place (through a symlink,
/// beside the file it points to, so the link stays). Anything else — a character device
/// such as `/dev/null`, a FIFO, a socket, or a link into `/dev` or `/proc` such as
/// `/dev/stdout` — is opened and written in place, never replaced.
pub fn write_file_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    let shown = path.display();
    let write_in_place = || -> Result<(), String> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .map_err(|e| format!("{shown}: cannot write: {e}"))?;
        match file.write_all(bytes).and_then(|_| file.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(format!("{shown}: cannot write: {e}")),
        }
    };
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let target = match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => return Err(format!("{shown}: is a directory")),
        Ok(meta) if !meta.is_file() => return write_in_place(),
        Ok(_) if is_link => {
            let real = std::fs::canonicalize(path).map_err(|e| format!("{shown}: {e}"))?;
            if real.starts_with("/proc") || real.starts_with("/dev") {
                return write_in_place();
            }
            real
        }
        _ => path.to_path_buf(),
    };
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.dblint-{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{shown}: cannot write: {e}")
    })?;
    std::fs::rename(&tmp, &target).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{shown}: cannot write: {e}")
    })
}

/// Whether to colour the terminal report.
pub fn use_color(choice: crate::args::ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        crate::args::ColorChoice::Always => true,
        crate::args::ColorChoice::Never => false,
        crate::args::ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
