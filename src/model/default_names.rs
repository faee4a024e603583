//! PostgreSQL's rules for the names it picks when a statement does not give one
//! (`users_pkey`, `orders_customer_id_fkey`, `users_email_idx`), truncated to 63 bytes
//! the way `makeObjectName` does, so replayed names match what the server would create.

const NAMEDATALEN: usize = 63;

/// The name PostgreSQL gives a constraint or index the statement did not name:
/// `<table>_<columns>_<label>`, shortened to fit 63 bytes as `makeObjectName` does.
pub fn object_name(table: &str, columns: &[&str], label: &str) -> crate::model::Name {
    let joined = columns.join("_");
    let mut name1: &str = table;
    let mut name2: &str = &joined;
    let overhead = label.len() + 1 + usize::from(!name2.is_empty());
    let available = NAMEDATALEN.saturating_sub(overhead);
    let mut len1 = name1.len();
    let mut len2 = name2.len();
    while len1 + len2 > available {
        if len1 > len2 {
            len1 -= 1;
        } else {
            len2 -= 1;
        }
    }
    name1 = truncate_at_char(name1, len1);
    name2 = truncate_at_char(name2, len2);
    if name2.is_empty() {
        compact_str::format_compact!("{name1}_{label}")
    } else {
        compact_str::format_compact!("{name1}_{name2}_{label}")
    }
}

fn truncate_at_char(s: &str, mut len: usize) -> &str {
    while !s.is_char_boundary(len) {
        len -= 1;
    }
    &s[..len]
}

/// Longer names are silently truncated by the server.
pub fn truncate_identifier(name: &str) -> String {
    truncate_at_char(name, name.len().min(NAMEDATALEN)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names() {
        assert_eq!(object_name("users", &[], "pkey"), "users_pkey");
        assert_eq!(
            object_name("orders", &["customer_id"], "fkey"),
            "orders_customer_id_fkey"
        );
        assert_eq!(object_name("t", &["a", "b"], "key"), "t_a_b_key");
    }

    #[test]
    fn long_names_truncate_the_longer_part_first() {
        let table = "a".repeat(40);
        let name = object_name(&table, &["b".repeat(40).as_str()], "fkey");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_fkey"));
    }
}
