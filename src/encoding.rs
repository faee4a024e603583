//! How input files are decoded. dblint reads UTF-8; a byte-order mark at the start of
//! a file (Windows editors write one) is not part of the text, and a UTF-16 or UTF-32
//! file is named as such instead of being read as garbage.

/// The UTF-8 byte-order mark, U+FEFF.
pub const BYTE_ORDER_MARK: char = '\u{feff}';

/// `text` without a leading byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text)
}

/// The encoding a UTF-16 or UTF-32 byte-order mark at the start of `bytes` announces.
pub fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => Some("UTF-32LE"),
        [0, 0, 0xFE, 0xFF, ..] => Some("UTF-32BE"),
        [0xFF, 0xFE, ..] => Some("UTF-16LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16BE"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_marks() {
        assert_eq!(strip_bom("\u{feff}CREATE"), "CREATE");
        assert_eq!(strip_bom("CREATE"), "CREATE");
        assert_eq!(wide_encoding(b"\xff\xfeC\0"), Some("UTF-16LE"));
        assert_eq!(wide_encoding(b"\xfe\xff\0C"), Some("UTF-16BE"));
        assert_eq!(wide_encoding(b"\xff\xfe\0\0"), Some("UTF-32LE"));
        assert_eq!(wide_encoding(b"\xef\xbb\xbfC"), None);
    }
}
