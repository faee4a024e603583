//! What a command returns: a verdict, or an error with its context. Only `cli.rs`
//! turns these into exit codes.

/// How a command that ran to the end judged its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing fails the gate (exit 0).
    Pass,
    /// A finding at or above `fail_on`, or a grade below `min_grade` (exit 1).
    Fail,
    /// The report was printed, but the input had errors, such as SQL the grammar
    /// rejects (exit 2).
    InvalidInput,
}

/// An error for the user: one line, with what it was about first
/// (`connection string: the URL's port …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
        }
    }

    /// Put what the error is about in front: `context: message`.
    pub fn context(self, context: impl std::fmt::Display) -> Error {
        Error {
            message: format!("{context}: {}", self.message),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Error {
        Error { message }
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Error {
        Error::new(message)
    }
}

impl From<crate::settings::ConfigError> for Error {
    fn from(e: crate::settings::ConfigError) -> Error {
        Error::new(e.to_string())
    }
}

/// The result of a command.
pub type Result<T> = std::result::Result<T, Error>;
