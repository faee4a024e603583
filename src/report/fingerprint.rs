//! A stable hash of a finding's identity for tools that want an opaque fingerprint
//! (GitLab Code Quality). FNV-1a: fixed forever, no dependency, same on every
//! platform.

pub fn stable_hash(text: &str) -> String {
    let hash = |seed: u64| {
        text.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        hash(0xcbf2_9ce4_8422_2325),
        hash(0x6c62_272e_07bb_0142)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn stable_and_distinct() {
        assert_eq!(super::stable_hash("a"), super::stable_hash("a"));
        assert_ne!(super::stable_hash("a"), super::stable_hash("b"));
        assert_eq!(
            super::stable_hash("fk-missing-index:public.t.t_fkey").len(),
            32
        );
    }
}
