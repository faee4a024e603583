//! Writing what dblint prints: stdout (a closed pipe is not an error), files written
//! whole or not at all (staged, then committed once nothing else can fail), and
//! whether to colour.

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

/// Write a report or baseline to `path`, whole or not at all: [`stage`] then
/// [`Staged::commit`].
pub fn write_file_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    stage(path, bytes.to_vec())?.commit()
}

/// A file prepared by [`stage`] and not yet in place. Dropped without
/// [`commit`](Staged::commit), it leaves nothing behind.
pub struct Staged {
    shown: String,
    how: Staging,
}

enum Staging {
    /// A regular file (or a new one): the bytes are in a temporary file beside the
    /// target, renamed over it on commit.
    Replace {
        tmp: tempfile::NamedTempFile,
        target: std::path::PathBuf,
    },
    /// Opened and written on commit: a device, a FIFO, a socket, a file reached
    /// through `/proc` or `/dev`, or a file the user may write in a folder they may not.
    InPlace {
        path: std::path::PathBuf,
        bytes: Vec<u8>,
        truncate: bool,
    },
    /// The path names dblint's own standard output or error (`/dev/stdout`,
    /// `/proc/self/fd/2`, or a link to them): written through the descriptor dblint
    /// holds, which any user may write whoever opened it, after what dblint printed
    /// there.
    Stream { stderr: bool, bytes: Vec<u8> },
}

/// Prepare writing `bytes` to `path` without touching it: everything that can fail
/// before the file changes (a directory, a folder that cannot be written, a full
/// disk for the temporary copy) fails here. A regular file, or a new one, is written
/// to a temporary file beside it, renamed into place on commit (through a symlink,
/// beside the file it points to, so the link stays). A character device such as
/// `/dev/null`, a FIFO, a socket, a path through `/proc` or `/dev` (`/dev/stdout`,
/// `/proc/self/fd/1`, or a link to them), and an existing file in a folder the user
/// may not write are opened and written in place on commit, never replaced.
///
/// Errors: one line naming `path`.
pub fn stage(path: &std::path::Path, bytes: Vec<u8>) -> Result<Staged, String> {
    let shown = path.display().to_string();
    let in_place = |truncate: bool, bytes: Vec<u8>| Staged {
        shown: shown.clone(),
        how: Staging::InPlace {
            path: path.to_path_buf(),
            bytes,
            truncate,
        },
    };
    let through_streams = passes_through_streams(path);
    let target = match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => return Err(format!("{shown}: is a directory")),
        Ok(meta) if through_streams && own_stream(&meta).is_some() => {
            return Ok(Staged {
                shown,
                how: Staging::Stream {
                    stderr: own_stream(&meta) == Some(2),
                    bytes,
                },
            })
        }
        Ok(meta) if !meta.is_file() => return Ok(in_place(false, bytes)),
        Ok(_) if through_streams => return Ok(in_place(true, bytes)),
        Ok(_) => std::fs::canonicalize(path).map_err(|e| format!("{shown}: {e}"))?,
        Err(_) => path.to_path_buf(),
    };
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    // The file keeps its mode; a new one gets 0666 less the umask, as any file the
    // user creates (tempfile's own default, 0600, would hide a report from the
    // group).
    let existing = std::fs::metadata(&target).ok().map(|m| m.permissions());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".dblint.tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir);
    let mut tmp = match tmp {
        Ok(tmp) => tmp,
        // A file the user may write in a folder they may not: written in place.
        Err(e)
            if e.kind() == std::io::ErrorKind::PermissionDenied
                && std::fs::OpenOptions::new()
                    .append(true)
                    .open(&target)
                    .is_ok() =>
        {
            return Ok(in_place(true, bytes));
        }
        Err(e) => return Err(format!("{shown}: cannot write: {e}")),
    };
    tmp.write_all(&bytes)
        .and_then(|_| tmp.flush())
        .and_then(|_| match existing {
            Some(permissions) => std::fs::set_permissions(tmp.path(), permissions),
            None => Ok(()),
        })
        .map_err(|e| format!("{shown}: cannot write: {e}"))?;
    Ok(Staged {
        shown,
        how: Staging::Replace { tmp, target },
    })
}

impl Staged {
    /// Whether committing writes through a stream or device (which can fail) rather
    /// than renaming a finished copy into place.
    pub fn in_place(&self) -> bool {
        !matches!(self.how, Staging::Replace { .. })
    }

    /// Put the file in place. Errors: one line naming the path.
    pub fn commit(self) -> Result<(), String> {
        let shown = self.shown;
        match self.how {
            Staging::Replace { tmp, target } => tmp
                .persist(&target)
                .map(|_| ())
                .map_err(|e| format!("{shown}: cannot write: {}", e.error)),
            Staging::Stream {
                stderr: false,
                bytes,
            } => write_stdout(|out| out.write_all(&bytes)).map_err(|e| format!("{shown}: {e}")),
            Staging::Stream {
                stderr: true,
                bytes,
            } => {
                let mut err = std::io::stderr().lock();
                err.write_all(&bytes)
                    .and_then(|_| err.flush())
                    .map_err(|e| format!("{shown}: cannot write: {e}"))
            }
            Staging::InPlace {
                path,
                bytes,
                truncate,
            } => {
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .truncate(truncate)
                    .open(&path)
                    .map_err(|e| format!("{shown}: cannot write: {e}"))?;
                match file.write_all(&bytes).and_then(|_| file.flush()) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    Err(e) => Err(format!("{shown}: cannot write: {e}")),
                }
            }
        }
    }
}

/// Whether `path`, or a symbolic link on the way from it to the file (its folders'
/// included), is under `/proc` or `/dev`: a name for a stream (`/dev/stdout` →
/// `/proc/self/fd/1`, `fds/1` with `fds` → `/proc/self/fd`), not a file to replace.
fn passes_through_streams(path: &std::path::Path) -> bool {
    let stream = |p: &std::path::Path| p.starts_with("/proc") || p.starts_with("/dev");
    let mut current = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Linux follows at most 40 links in one lookup.
    for _ in 0..40 {
        if stream(&current) {
            return true;
        }
        // The folders resolved (a link among them is followed), the name not.
        let (Some(parent), Some(name)) = (current.parent(), current.file_name()) else {
            return false;
        };
        let Ok(parent) = std::fs::canonicalize(parent) else {
            return false;
        };
        let here = parent.join(name);
        if stream(&here) {
            return true;
        }
        current = match std::fs::read_link(&here) {
            Ok(next) if next.is_absolute() => next,
            Ok(next) => parent.join(next),
            Err(_) => return false,
        };
    }
    false
}

/// Which of dblint's own streams `meta` is the file of: 1 (standard output), 2
/// (standard error), or neither.
#[cfg(unix)]
fn own_stream(meta: &std::fs::Metadata) -> Option<u8> {
    use std::os::fd::{AsFd, BorrowedFd};
    use std::os::unix::fs::MetadataExt;
    let same = |fd: BorrowedFd| {
        fd.try_clone_to_owned()
            .and_then(|fd| std::fs::File::from(fd).metadata())
            .is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
    };
    if same(std::io::stdout().as_fd()) {
        Some(1)
    } else if same(std::io::stderr().as_fd()) {
        Some(2)
    } else {
        None
    }
}

#[cfg(not(unix))]
fn own_stream(_: &std::fs::Metadata) -> Option<u8> {
    None
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
