//! `dblint init`: a commented starter `dblint.toml`.

use crate::error::{Result, Verdict};

pub fn run(force: bool) -> Result<Verdict> {
    let path = std::path::Path::new(crate::settings::CONFIG_FILE);
    if path.exists() && !force {
        return Err(format!(
            "{}: already exists (use --force to overwrite)",
            path.display()
        )
        .into());
    }
    crate::output::write_file_atomically(path, crate::docs::init_starter().as_bytes())?;
    eprintln!("wrote {}", path.display());
    Ok(Verdict::Pass)
}
